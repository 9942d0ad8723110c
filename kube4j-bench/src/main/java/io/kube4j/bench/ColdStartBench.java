package io.kube4j.bench;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Process start to the first {@code GET /readyz} that answers "ok", for a fresh data dir (CA, certificates,
 * database and bootstrap objects are created) and again on the same, now existing, data dir.
 */
final class ColdStartBench implements Benchmark {
    static final double GOAL_MS = 2000;

    @Override
    public String name() {
        return "cold-start";
    }

    @Override
    public String method() {
        return "launch `java <launcher flags> -jar kube4j-all.jar server` as a child process; time from just before"
                + " the process is spawned to the first GET https://127.0.0.1:PORT/readyz == \"ok\" (polled every 10 ms)."
                + " Each run: a fresh data dir, then a second start on the same dir. One unmeasured warm-up run first"
                + " (warms the bench's own TLS client and the page cache).";
    }

    @Override
    public String goal() {
        return "median cold start <= 2 s (fresh and existing data dir)";
    }

    @Override
    public Result run(BenchContext ctx) throws Exception {
        BenchOptions o = ctx.options();
        int runs = o.runs();
        long[] fresh = new long[runs];
        long[] existing = new long[runs];
        long[] freshServing = new long[runs];
        long[] existingServing = new long[runs];
        long[] freshFirst = new long[runs];
        long[] existingFirst = new long[runs];
        try (HttpClient poller = ServerProcess.readinessClient()) {
            Path warm = ctx.freshDataDir("cold-warmup");
            try {
                measure(o, poller, warm, "cold-start-warmup", new long[1], new long[1], new long[1], 0);
            } finally {
                ServerProcess.deleteTree(warm);
            }
            for (int i = 0; i < runs; i++) {
                Path dir = ctx.freshDataDir("cold");
                try {
                    measure(o, poller, dir, "cold-start-fresh-" + i, fresh, freshServing, freshFirst, i);
                    measure(o, poller, dir, "cold-start-existing-" + i, existing, existingServing, existingFirst, i);
                } finally {
                    ServerProcess.deleteTree(dir);
                }
                System.out.printf("  run %d: fresh %.0f ms, existing %.0f ms%n", i + 1,
                        LatencySummary.ms(fresh[i]), LatencySummary.ms(existing[i]));
            }
        }
        LatencySummary f = LatencySummary.of(fresh);
        LatencySummary e = LatencySummary.of(existing);
        Map<String, Object> params = new LinkedHashMap<>(o.common());
        params.put("runs", runs);
        params.put("pollIntervalMs", 10);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("freshDataDir", f.toMap());
        results.put("existingDataDir", e.toMap());
        results.put("freshFirstLogLineMedianMs", LatencySummary.of(freshFirst).p50Ms());
        results.put("existingFirstLogLineMedianMs", LatencySummary.of(existingFirst).p50Ms());
        results.put("freshServingLineMedianMs", LatencySummary.of(freshServing).p50Ms());
        results.put("existingServingLineMedianMs", LatencySummary.of(existingServing).p50Ms());
        return new Result(params, results, f.p50Ms() <= GOAL_MS && e.p50Ms() <= GOAL_MS);
    }

    private static void measure(BenchOptions o, HttpClient poller, Path dir, String label, long[] ready, long[] serving,
                                long[] first, int i) throws Exception {
        try (ServerProcess sp = ServerProcess.start(o, dir, label)) {
            long t = sp.awaitReady(poller, Duration.ofSeconds(120));
            ready[i] = t - sp.startNanos();
            serving[i] = sp.servingNanos() == 0 ? -1 : sp.servingNanos() - sp.startNanos();
            first[i] = sp.firstOutputNanos() == 0 ? -1 : sp.firstOutputNanos() - sp.startNanos();
        }
    }
}
