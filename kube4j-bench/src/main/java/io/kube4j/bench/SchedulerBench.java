package io.kube4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Scheduler throughput: a child server without a node (its scheduler on, as always) gets N fake Node objects
 * (allocatable and a Ready condition, no kubelet) and then M pending pods at once, created by C clients; a watch on
 * the pods sees each one get its {@code spec.nodeName}. Rate = M / (first create sent to last binding seen);
 * latency = create sent to binding seen, per pod.
 */
final class SchedulerBench implements Benchmark {
    static final double GOAL_PER_SECOND = 1000;
    static final String NAMESPACE = "sched";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "scheduler";
    }

    @Override
    public String method() {
        return "child server (--disable-node --disable-controllers: API server and scheduler, as upstream's"
                + " scheduler_perf; leader election on); N Node objects with 32 CPU / 128 Gi"
                + " / 110 pods allocatable and Ready=True are created, then a watch on namespace " + NAMESPACE
                + " opens and C clients create M pods (one container, requests 100m CPU / 128 Mi) as fast as the"
                + " server answers. Rate = M / (first create sent -> last pod seen bound on the watch); latency ="
                + " create sent -> bound seen.";
    }

    @Override
    public String goal() {
        return ">= 1000 pods bound/s at 5000 nodes (10000 and 50000 pods), every pod bound";
    }

    /** One measured run per pod count of {@code --sched-pods}, each on a fresh server with the same node count. */
    @Override
    public Result run(BenchContext ctx) throws Exception {
        BenchOptions o = ctx.options();
        Map<String, Object> params = new LinkedHashMap<>(o.common());
        params.put("nodes", o.schedNodes());
        params.put("pods", o.schedPods());
        params.put("clients", o.clients());
        Map<String, Object> results = new LinkedHashMap<>();
        boolean met = true;
        for (int pods : o.schedPods()) {
            Map<String, Object> r = new LinkedHashMap<>();
            met &= runOnce(ctx, o.schedNodes(), pods, r);
            results.put(o.schedNodes() + " nodes x " + pods + " pods", r);
        }
        return new Result(params, results, met);
    }

    /** Creates {@code nodes} Node objects and {@code m} pods on a fresh server, fills {@code results}; true when met. */
    private boolean runOnce(BenchContext ctx, int nodes, int m, Map<String, Object> results) throws Exception {
        BenchOptions o = ctx.options();
        Path dir = ctx.freshDataDir("scheduler");
        // API server and scheduler only, as upstream's scheduler_perf: the fake nodes never renew a Lease, so a
        // node lifecycle controller would mark them NotReady after its 40 s grace period and evict their pods
        ServerProcess sp = ServerProcess.startReady(o, dir, "scheduler-" + nodes + "x" + m, null,
                List.of("--disable-controllers"));
        List<AdminClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < o.clients(); i++) {
                clients.add(sp.admin());
            }
            long t0 = System.nanoTime();
            parallel(clients, nodes, (c, i) -> createNode(c, "node-" + i));
            System.out.printf("  %d nodes created in %d ms%n", nodes, (System.nanoTime() - t0) / 1_000_000);
            clients.getFirst().ensureNamespace(NAMESPACE);

            long[] created = new long[m];
            long[] bound = new long[m];
            AtomicInteger boundCount = new AtomicInteger();
            CountDownLatch allBound = new CountDownLatch(m);
            Map<String, Integer> index = new ConcurrentHashMap<>();
            for (int i = 0; i < m; i++) {
                index.put("pod-" + i, i);
            }
            AtomicLong lastBound = new AtomicLong();
            AtomicReference<String> watchError = new AtomicReference<>();
            AdminClient watcher = sp.admin();
            var watch = watcher.streamLines("/api/v1/namespaces/" + NAMESPACE + "/pods?watch=true", line -> {
                try {
                    JsonNode ev = JSON.readTree(line);
                    JsonNode pod = ev.path("object");
                    if (pod.path("spec").path("nodeName").asText("").isEmpty()) {
                        return;
                    }
                    Integer i = index.remove(pod.path("metadata").path("name").asText());
                    if (i != null) {
                        long now = System.nanoTime();
                        bound[i] = now;
                        lastBound.accumulateAndGet(now, Math::max);
                        boundCount.incrementAndGet();
                        allBound.countDown();
                    }
                } catch (Exception e) {
                    watchError.compareAndSet(null, e.toString());
                }
            });
            Thread.sleep(500); // the watch is open before the first create
            long serverCpu0 = sp.cpuMillis();
            long first = System.nanoTime();
            AtomicInteger failures = new AtomicInteger();
            AtomicReference<String> firstFailure = new AtomicReference<>();
            parallel(clients, m, (c, i) -> {
                created[i] = System.nanoTime();
                AdminClient.Reply r = c.post("/api/v1/namespaces/" + NAMESPACE + "/pods", pod("pod-" + i));
                if (r.status() != 201) {
                    failures.incrementAndGet();
                    firstFailure.compareAndSet(null, "HTTP " + r.status() + " " + r.text());
                    allBound.countDown(); // never bound: do not wait for it
                }
            });
            long createsDone = System.nanoTime();
            boolean all = allBound.await(Math.max(120, m / 50), TimeUnit.SECONDS) && boundCount.get() == m;
            long serverCpu = sp.cpuMillis() - serverCpu0;
            watch.cancel(true);
            watcher.close();
            int n = boundCount.get();
            long[] lat = new long[n];
            int k = 0;
            for (int i = 0; i < m && k < n; i++) {
                if (bound[i] != 0) {
                    lat[k++] = bound[i] - created[i];
                }
            }
            double wallS = ((all ? lastBound.get() : System.nanoTime()) - first) / 1e9;
            double rate = n / wallS;
            LatencySummary s = LatencySummary.of(lat, k);
            results.put("nodes", nodes);
            results.put("pods", m);
            results.put("podsBoundPerSecond", Math.round(rate));
            results.put("bound", n);
            results.put("createsPerSecond", Math.round(m / ((createsDone - first) / 1e9)));
            results.put("createToBound", s.toMap());
            results.put("wallMs", Math.round(wallS * 1000));
            results.put("serverCpuMs", serverCpu);
            results.put("createFailures", failures.get());
            if (firstFailure.get() != null) {
                results.put("firstFailure", firstFailure.get());
            }
            if (watchError.get() != null) {
                results.put("watchError", watchError.get());
            }
            results.put("serverRssMbAfter", Math.round(sp.memoryKb()[0] / 102.4) / 10.0);
            System.out.printf("  %d/%d pods bound in %.1f s: %.0f pods/s, create->bound p50 %.0f ms p99 %.0f ms%n",
                    n, m, wallS, rate, s.p50Ms(), s.p99Ms());
            return all && failures.get() == 0 && rate >= GOAL_PER_SECOND;
        } finally {
            clients.forEach(AdminClient::close);
            sp.close();
            ServerProcess.deleteTree(dir);
        }
    }

    interface Job {
        void run(AdminClient client, int i) throws Exception;
    }

    /** Runs {@code job} for 0..n-1, each client on its own thread taking the next index. */
    static void parallel(List<AdminClient> clients, int n, Job job) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Exception> error = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (AdminClient c : clients) {
            threads.add(Thread.ofPlatform().name("sched-bench-client").start(() -> {
                int i;
                while ((i = next.getAndIncrement()) < n && error.get() == null) {
                    try {
                        job.run(c, i);
                    } catch (Exception e) {
                        error.compareAndSet(null, e);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (error.get() != null) {
            throw error.get();
        }
    }

    static void createNode(AdminClient c, String name) throws Exception {
        String status = "{\"allocatable\":{\"cpu\":\"32\",\"memory\":\"128Gi\",\"pods\":\"110\"},"
                + "\"capacity\":{\"cpu\":\"32\",\"memory\":\"128Gi\",\"pods\":\"110\"},"
                + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"KubeletReady\"}]}";
        AdminClient.Reply r = c.post("/api/v1/nodes", ("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\""
                + name + "\",\"labels\":{\"kubernetes.io/hostname\":\"" + name + "\"}},\"status\":" + status + "}")
                .getBytes(StandardCharsets.UTF_8));
        if (r.status() != 201) {
            throw new IllegalStateException("create node " + name + ": HTTP " + r.status() + " " + r.text());
        }
        // the status may be dropped on create: set it through the status subresource too
        r = c.mergePatch("/api/v1/nodes/" + name + "/status", ("{\"status\":" + status + "}")
                .getBytes(StandardCharsets.UTF_8));
        if (r.status() != 200) {
            throw new IllegalStateException("node status " + name + ": HTTP " + r.status() + " " + r.text());
        }
    }

    static byte[] pod(String name) {
        return ("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{"
                + "\"containers\":[{\"name\":\"app\",\"image\":\"registry.k8s.io/pause:3.10\",\"resources\":{"
                + "\"requests\":{\"cpu\":\"100m\",\"memory\":\"128Mi\"}}}]}}").getBytes(StandardCharsets.UTF_8);
    }
}
