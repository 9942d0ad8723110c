package io.kube4j.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Watch fan-out under a burst: W (default 10,000) concurrent pod watches, a few unmeasured creates, then U
 * merge-patches of those pods sent back to back by one writer; delivery latency over every watcher x update and a
 * check that every watcher got every event. Same measurement as watch-latency ({@link WatchRun}), other shape.
 */
final class WatchFanoutBench implements Benchmark {
    static final double GOAL_P99_MS = 200;
    static final String NAMESPACE = "fanout";

    @Override
    public String name() {
        return "watch-fanout";
    }

    @Override
    public String method() {
        return "fresh server; W watches on GET /api/v1/namespaces/fanout/pods?watch=1 (Vert.x HTTP/2 client,"
                + " --streams-per-connection streams per connection, admin certificate); once all are open, a few"
                + " unmeasured creates (and a pause until every watcher has them), then a burst of U merge-patches of those"
                + " pods, back to back from one client, each stamped with its sequence number. Delivery latency = event"
                + " line received - patch request sent, over every watcher x update.";
    }

    @Override
    public String goal() {
        return "watch fan-out p99 <= 200 ms with 10,000 watchers, every event delivered";
    }

    @Override
    public Result run(BenchContext ctx) throws Exception {
        BenchOptions o = ctx.options();
        ApiBenchOptions a = o.api();
        WatchRun.Plan plan = new WatchRun.Plan(NAMESPACE, a.fanoutWatchers(), a.streamsPerConnection(),
                Math.max(1, a.fanoutWarmup()), 0, a.fanoutUpdates(), 0);
        Path dir = ctx.freshDataDir("fanout");
        WatchRun.Measurement m;
        try (ServerProcess sp = ServerProcess.startReady(o, dir, "watch-fanout", null, ServerProcess.API_ONLY);
             AdminClient admin = sp.admin()) {
            m = WatchRun.run(sp, admin, plan);
        } finally {
            ServerProcess.deleteTree(dir);
        }
        Map<String, Object> params = new LinkedHashMap<>(o.common());
        params.putAll(plan.toMap());
        System.out.printf("  %-10s %-8s %-10s %-10s %-10s %-12s%n", "watchers", "updates", "p50 ms", "p99 ms", "max ms",
                "delivered");
        System.out.printf("  %-10d %-8d %-10.1f %-10.1f %-10.1f %d/%d%n", plan.watchers(), plan.measured(),
                m.delivery().p50Ms(), m.delivery().p99Ms(), m.delivery().maxMs(), m.received(), m.expected());
        return new Result(params, m.toMap(), m.allDelivered() && m.delivery().p99Ms() <= GOAL_P99_MS);
    }
}
