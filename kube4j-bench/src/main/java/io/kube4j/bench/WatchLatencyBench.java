package io.kube4j.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fan-out latency of watch events at a steady write rate: W concurrent pod watches, then K writes one at a time,
 * at least a fixed interval apart (first half creates, second half merge-patches); see {@link WatchRun}.
 */
final class WatchLatencyBench implements Benchmark {
    static final double GOAL_P99_MS = 100;
    static final String NAMESPACE = "watch";

    @Override
    public String name() {
        return "watch-latency";
    }

    @Override
    public String method() {
        return "W watches on GET /api/v1/namespaces/watch/pods?watch=1 (Vert.x HTTP/2 client, --streams-per-connection"
                + " streams per connection, admin certificate); once all are open, unmeasured warm-up creates (and a pause until"
                + " all their events arrived), then K writes one at a time, at least a fixed interval apart (first half creates, second half"
                + " merge-patches of those pods), each stamped with its sequence number. Delivery latency = event line received - write request sent, over every"
                + " watcher x event.";
    }

    @Override
    public String goal() {
        return "watch p99 <= 100 ms to 1,000 watchers, every event delivered";
    }

    @Override
    public Result run(BenchContext ctx) throws Exception {
        BenchOptions o = ctx.options();
        int half = o.writes() / 2;
        WatchRun.Plan plan = new WatchRun.Plan(NAMESPACE, o.watchers(), o.api().streamsPerConnection(), o.api().watchWindows(),
                o.watchWarmupWrites(), half, o.writes() - half, o.writeIntervalMillis());
        Path dir = ctx.freshDataDir("watch");
        WatchRun.Measurement m;
        try (ServerProcess sp = ServerProcess.startReady(o, dir, "watch-latency", null, ServerProcess.API_ONLY);
             AdminClient admin = sp.admin()) {
            m = WatchRun.run(sp, admin, plan);
        } finally {
            ServerProcess.deleteTree(dir);
        }
        Map<String, Object> params = new LinkedHashMap<>(o.common());
        params.put("watchers", o.watchers());
        params.put("writes", o.writes());
        params.put("warmupWrites", o.watchWarmupWrites());
        params.put("writeIntervalMs", o.writeIntervalMillis());
        params.put("streamsPerConnection", plan.streamsPerConnection());
        return new Result(params, m.toMap(), m.allDelivered() && m.delivery().p99Ms() <= GOAL_P99_MS);
    }
}
