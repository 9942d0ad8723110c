package io.kube4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Options of the API server scenarios (api, list, watch-fanout), parsed from the same {@code --name=value} arguments
 * as {@link BenchOptions}, which holds them as one component. Immutable.
 *
 * @param apiClients          api: the concurrent client counts, each measured in turn
 * @param apiOps              api: operations per verb and client count (create, get, update; list and watch do a tenth)
 * @param apiListPods         api: pods in the namespace the list verb lists
 * @param pacedRate           api: writes per second of the paced step (open loop)
 * @param pacedSeconds        api: how long the paced step runs
 * @param listSizes           list: pod counts to list, in order; the server is filled up to each in turn
 * @param fillClients         list: concurrent clients that create the pods (not measured)
 * @param fanoutWatchers      watch-fanout: concurrent watches
 * @param fanoutUpdates       watch-fanout: updates in the measured burst
 * @param fanoutWarmup        watch-fanout: creates before the burst (each delivered to every watcher; not measured)
 * @param fanoutRounds        watch-fanout: bursts on the same server and watches; the goal is judged on the last
 * @param streamsPerConnection watch scenarios: HTTP/2 streams per client connection
 * @param watchWindows        watch scenarios: the HTTP/2 receive windows of the bench's watch client
 */
record ApiBenchOptions(List<Integer> apiClients, int apiOps, int apiListPods, int pacedRate, int pacedSeconds,
                       List<Integer> listSizes, int fillClients, int fanoutWatchers, int fanoutUpdates,
                       int fanoutWarmup, int fanoutRounds, int streamsPerConnection,
                       WatchRun.ClientWindows watchWindows) {

    static final String USAGE = """
              --api-clients=1,8,64  api: concurrent client counts
              --api-ops=2000        api: operations per verb per client count (list and watch: a tenth)
              --api-list-pods=100   api: pods in the namespace the list verb lists
              --paced-rate=1000     api: writes/s of the paced (open-loop) create step
              --paced-seconds=10    api: length of the paced step (0: skip it)
              --list-sizes=10000,100000  list: pod counts listed (JSON and Table, resourceVersion=0)
              --fill-clients=32     list: concurrent clients creating the pods
              --fanout-watchers=10000   watch-fanout: concurrent pod watches
              --fanout-updates=20   watch-fanout: updates in the burst
              --fanout-warmup=3     watch-fanout: unmeasured creates first
              --fanout-rounds=3     watch-fanout: bursts on the same server and watches, 1 s apart (goal: the last)
              --streams-per-connection=100  watch-latency, watch-fanout, api: HTTP/2 streams per connection
              --watch-windows=go    watch-latency, watch-fanout, api: the watch client's HTTP/2 receive windows:
                                    go (client-go's: 4 MB per stream, 1 GB per connection) or small (64 KB each)
            """;

    private static final List<String> KEYS = List.of("api-clients", "api-ops", "api-list-pods", "paced-rate",
            "paced-seconds", "list-sizes", "fill-clients", "fanout-watchers", "fanout-updates", "fanout-warmup",
            "fanout-rounds", "streams-per-connection", "watch-windows");

    /** Reads this record's options from {@code opts} and removes them, so the caller sees only the others. */
    static ApiBenchOptions parse(Map<String, String> opts) {
        ApiBenchOptions o = new ApiBenchOptions(ints(opts, "api-clients", "1,8,64"), integer(opts, "api-ops", 2000),
                integer(opts, "api-list-pods", 100), integer(opts, "paced-rate", 1000),
                integer(opts, "paced-seconds", 10), ints(opts, "list-sizes", "10000,100000"),
                integer(opts, "fill-clients", 32), integer(opts, "fanout-watchers", 10_000),
                integer(opts, "fanout-updates", 20), integer(opts, "fanout-warmup", 3),
                integer(opts, "fanout-rounds", 3),
                integer(opts, "streams-per-connection", 100),
                WatchRun.ClientWindows.parse(opts.getOrDefault("watch-windows", "go")));
        opts.keySet().removeAll(KEYS);
        if (o.apiClients.isEmpty() || o.apiClients.stream().anyMatch(c -> c < 1) || o.apiOps < 1
                || o.apiListPods < 1 || o.pacedRate < 1 || o.pacedSeconds < 0 || o.listSizes.isEmpty()
                || o.listSizes.stream().anyMatch(s -> s < 1) || o.fillClients < 1 || o.fanoutWatchers < 1
                || o.fanoutUpdates < 1 || o.fanoutWarmup < 0 || o.fanoutRounds < 1
                || o.streamsPerConnection < 1) {
            throw new IllegalArgumentException("api/list/watch-fanout counts must be positive");
        }
        return o;
    }

    private static int integer(Map<String, String> opts, String name, int def) {
        String v = opts.get(name);
        if (v == null) {
            return def;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, got " + v);
        }
    }

    private static List<Integer> ints(Map<String, String> opts, String name, String def) {
        List<Integer> out = new ArrayList<>();
        for (String part : opts.getOrDefault(name, def).split(",")) {
            if (!part.isBlank()) {
                out.add(integer(Map.of(name, part), name, 0));
            }
        }
        return List.copyOf(out);
    }
}
