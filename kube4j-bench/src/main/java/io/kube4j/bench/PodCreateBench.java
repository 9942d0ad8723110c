package io.kube4j.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Create throughput and latency: C concurrent clients, each with its own HTTP/2 connection and admin
 * certificate, create N minimal pods as fast as the server answers. The server is then handed to the
 * context so list-table can list those pods.
 */
final class PodCreateBench implements Benchmark {
    static final double GOAL_PER_SECOND = 2000;
    static final double GOAL_P99_MS = 50;

    @Override
    public String name() {
        return "pod-create";
    }

    @Override
    public String method() {
        return "child server (--storage as given, default embedded SQLite); C clients (java.net.http, one HTTP/2"
                + " connection each, admin client certificate) each loop POST /api/v1/namespaces/bench/pods of a"
                + " one-container pod until N are created. Warm-up pods go to another namespace first."
                + " Latency = request sent to full response; rate = N / wall time.";
    }

    @Override
    public String goal() {
        return ">= 2000 creates/s with p99 <= 50 ms";
    }

    /** The outcome of one batch of creates. */
    record Run(long[] latencies, long wallNanos, int failures, String firstFailure) {
        double perSecond() {
            return latencies.length / (wallNanos / 1e9);
        }
    }

    @Override
    public Result run(BenchContext ctx) throws Exception {
        BenchOptions o = ctx.options();
        Path dir = ctx.freshDataDir("create");
        ServerProcess sp = ServerProcess.startReady(o, dir, "pod-create");
        boolean handedOver = false;
        try {
            Run warm = fill(sp, o, "bench-warmup", o.warmupPods(), "warm-");
            System.out.printf("  warm-up: %d pods, %.0f/s%n", o.warmupPods(), warm.perSecond());
            long serverCpu0 = sp.cpuMillis();
            long benchCpu0 = ServerProcess.ownCpuMillis();
            Run run = fill(sp, o, BenchContext.POD_NAMESPACE, o.pods(), "pod-");
            long serverCpu = sp.cpuMillis() - serverCpu0;
            long benchCpu = ServerProcess.ownCpuMillis() - benchCpu0;
            long[] mem = sp.memoryKb();
            LatencySummary s = LatencySummary.of(run.latencies());
            Map<String, Object> params = new LinkedHashMap<>(o.common());
            params.put("pods", o.pods());
            params.put("warmupPods", o.warmupPods());
            params.put("clients", o.clients());
            Map<String, Object> results = new LinkedHashMap<>();
            results.put("createsPerSecond", Math.round(run.perSecond()));
            results.put("latency", s.toMap());
            results.put("failures", run.failures());
            if (run.firstFailure() != null) {
                results.put("firstFailure", run.firstFailure());
            }
            results.put("wallMs", run.wallNanos() / 1_000_000);
            results.put("serverCpuMs", serverCpu);
            results.put("benchClientCpuMs", benchCpu);
            results.put("serverRssMbAfter", Math.round(mem[0] / 102.4) / 10.0);
            if (run.failures() == 0) {
                ctx.keepPopulated(sp, dir);
                handedOver = true;
            }
            return new Result(params, results, run.failures() == 0 && run.perSecond() >= GOAL_PER_SECOND
                    && s.p99Ms() <= GOAL_P99_MS);
        } finally {
            if (!handedOver) {
                sp.close();
                ServerProcess.deleteTree(dir);
            }
        }
    }

    /** Creates {@code n} pods named {@code prefix + i} in {@code ns} with {@code options.clients()} clients. */
    static Run fill(ServerProcess sp, BenchOptions options, String ns, int n, String prefix) throws Exception {
        return fill(sp, options.clients(), ns, 0, n, prefix);
    }

    /**
     * Creates pods {@code prefix + i} for {@code from <= i < to} in {@code ns} with {@code c} clients (one HTTP/2
     * connection each); the run's latencies are indexed {@code i - from}.
     */
    static Run fill(ServerProcess sp, int c, String ns, int from, int to, String prefix) throws Exception {
        int n = to - from;
        List<AdminClient> clients = new ArrayList<>();
        for (int i = 0; i < c; i++) {
            clients.add(sp.admin());
        }
        try {
            clients.getFirst().ensureNamespace(ns);
            String path = "/api/v1/namespaces/" + ns + "/pods";
            long[] lat = new long[n];
            AtomicInteger next = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            AtomicReference<String> first = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            long t0 = System.nanoTime();
            for (AdminClient client : clients) {
                threads.add(Thread.ofPlatform().name("create-client").start(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        byte[] body = AdminClient.pod(prefix + (from + i), null, null);
                        long s = System.nanoTime();
                        try {
                            AdminClient.Reply r = client.post(path, body);
                            lat[i] = System.nanoTime() - s;
                            if (r.status() != 201) {
                                failures.incrementAndGet();
                                first.compareAndSet(null, "HTTP " + r.status() + " " + r.text());
                            }
                        } catch (Exception e) {
                            lat[i] = System.nanoTime() - s;
                            failures.incrementAndGet();
                            first.compareAndSet(null, e.toString());
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            return new Run(lat, System.nanoTime() - t0, failures.get(), first.get());
        } finally {
            clients.forEach(AdminClient::close);
        }
    }
}
