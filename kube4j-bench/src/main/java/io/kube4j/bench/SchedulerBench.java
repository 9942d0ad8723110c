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
 * Scheduler throughput, in two modes per pod count, each on a fresh child server without a node that gets N fake
 * Node objects (allocatable and a Ready condition, no kubelet):
 * <ul>
 * <li><b>overlapped</b>: the server runs its scheduler, and M pending pods are created by C clients while it binds
 * them; a watch on the pods sees each one get its {@code spec.nodeName}. Rate = M / (first create sent to last
 * binding seen); latency = create sent to binding seen, per pod. The create path bounds this rate.</li>
 * <li><b>backlog</b> ({@code --sched-backlog=true}, the default), as scheduler_perf's measured phase: the server
 * runs without a scheduler, all M pods are created first, then a separate {@code kube4j scheduler} process is
 * started; rate = pods bound / (first binding seen to last binding seen), plus the time from the process's start
 * to its first binding, and the CPU of the scheduler process and of the server while it binds.</li>
 * </ul>
 * The goal is judged on the backlog rate when it runs (the scheduler's own throughput), else on the overlapped one.
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
        return "overlapped: child server (--disable-node --disable-controllers: API server and scheduler, as"
                + " upstream's scheduler_perf; leader election on); N Node objects with 32 CPU / 128 Gi"
                + " / 110 pods allocatable and Ready=True are created, then a watch on namespace " + NAMESPACE
                + " opens and C clients create M pods (one container, requests 100m CPU / 128 Mi) as fast as the"
                + " server answers. Rate = M / (first create sent -> last pod seen bound on the watch); latency ="
                + " create sent -> bound seen. backlog (--sched-backlog=true): server with --disable-scheduler too;"
                + " the same nodes and M pods are created first, then a `kube4j scheduler --no-leader-elect` process"
                + " starts; rate = pods bound / (first -> last binding seen on the watch); CPU of the scheduler"
                + " process and of the server from its start to the last binding.";
    }

    @Override
    public String goal() {
        return ">= 1000 pods bound/s at 5000 nodes (10000 and 50000 pods; the backlog rate when it runs), every pod"
                + " bound";
    }

    /** One measured run per pod count of {@code --sched-pods}, each on a fresh server with the same node count. */
    @Override
    public Result run(BenchContext ctx) throws Exception {
        BenchOptions o = ctx.options();
        Map<String, Object> params = new LinkedHashMap<>(o.common());
        params.put("nodes", o.schedNodes());
        params.put("pods", o.schedPods());
        params.put("clients", o.clients());
        params.put("backlog", o.schedBacklog());
        Map<String, Object> results = new LinkedHashMap<>();
        boolean met = true;
        params.put("overlapped", o.schedOverlapped());
        for (int pods : o.schedPods()) {
            if (o.schedOverlapped()) {
                Map<String, Object> r = new LinkedHashMap<>();
                boolean overlappedMet = runOnce(ctx, o.schedNodes(), pods, r);
                results.put(o.schedNodes() + " nodes x " + pods + " pods", r);
                // judged on the backlog rate when that runs; every pod must be bound in both
                met &= o.schedBacklog() ? (boolean) r.get("allBound") : overlappedMet;
            }
            if (o.schedBacklog()) {
                Map<String, Object> b = new LinkedHashMap<>();
                met &= runBacklog(ctx, o.schedNodes(), pods, b);
                results.put(o.schedNodes() + " nodes x " + pods + " pods, backlog", b);
            }
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
            createNodes(sp, o.clients(), nodes, clients);

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
            // the in-process scheduling loop is the thread named "scheduler": its share of the server's CPU
            Map<String, Long> byThread = ThreadCpu.byKind(sp.pid());
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
            results.put("allBound", all && failures.get() == 0);
            results.put("createsPerSecond", Math.round(m / ((createsDone - first) / 1e9)));
            results.put("createToBound", s.toMap());
            results.put("wallMs", Math.round(wallS * 1000));
            results.put("serverCpuMs", serverCpu);
            results.put("serverCpuMsPerPod", perPod(serverCpu, n));
            results.put("schedulingLoopCpuMsPerPod", perPod(byThread.getOrDefault("scheduler", 0L), n));
            results.put("serverCpuMsByThread", top(byThread, 12));
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

    /**
     * Backlog mode: the nodes and all {@code m} pods are created on a server without a scheduler, then a
     * {@code kube4j scheduler} process binds them. Fills {@code results}; true when every pod was bound at a rate of
     * at least the goal.
     */
    private boolean runBacklog(BenchContext ctx, int nodes, int m, Map<String, Object> results) throws Exception {
        BenchOptions o = ctx.options();
        Path dir = ctx.freshDataDir("scheduler-backlog");
        String label = "scheduler-backlog-" + nodes + "x" + m;
        ServerProcess sp = ServerProcess.startReady(o, dir, label, null,
                List.of("--disable-controllers", "--disable-scheduler"));
        List<AdminClient> clients = new ArrayList<>();
        SchedulerProcess sched = null;
        AdminClient watcher = null;
        try {
            createNodes(sp, o.clients(), nodes, clients);
            AtomicInteger failures = new AtomicInteger();
            AtomicReference<String> firstFailure = new AtomicReference<>();
            long c0 = System.nanoTime();
            parallel(clients, m, (c, i) -> {
                AdminClient.Reply r = c.post("/api/v1/namespaces/" + NAMESPACE + "/pods", pod("pod-" + i));
                if (r.status() != 201) {
                    failures.incrementAndGet();
                    firstFailure.compareAndSet(null, "HTTP " + r.status() + " " + r.text());
                }
            });
            long createMs = (System.nanoTime() - c0) / 1_000_000;
            int expected = m - failures.get();
            System.out.printf("  %d pods created in %d ms, pending%n", expected, createMs);

            // from the current resourceVersion: the bindings to come, without an ADDED event per pending pod
            AdminClient.Reply list = clients.getFirst().get("/api/v1/namespaces/" + NAMESPACE + "/pods?limit=1",
                    AdminClient.JSON);
            String rv = JSON.readTree(list.body()).path("metadata").path("resourceVersion").asText();
            Bindings seen = new Bindings(expected);
            watcher = sp.admin();
            var watch = watcher.streamLines("/api/v1/namespaces/" + NAMESPACE + "/pods?watch=true&resourceVersion="
                    + rv, seen::onEvent);
            Thread.sleep(500); // the watch is open before the scheduler starts

            long serverCpu0 = sp.cpuMillis();
            sched = SchedulerProcess.start(o, sp, label + "-scheduler");
            long deadline = sched.startNanos() + TimeUnit.SECONDS.toNanos(Math.max(120, m / 50));
            while (seen.first() == 0 && System.nanoTime() < deadline && sched.isAlive()) {
                Thread.sleep(5);
            }
            long schedCpuAtFirst = sched.cpuMillis();
            long serverCpuAtFirst = sp.cpuMillis();
            boolean all = seen.await(deadline);
            long schedCpuAtLast = sched.cpuMillis();
            long serverCpuAtLast = sp.cpuMillis();
            // events and condition writes the scheduler still has queued: what it costs beyond the last binding
            Thread.sleep(3000);
            long schedCpuSettled = sched.cpuMillis();
            Map<String, Long> schedCpuByThread = sched.cpuMillisByThread();
            long serverCpuSettled = sp.cpuMillis();
            watch.cancel(true);

            int n = seen.count();
            double bindS = n > 0 ? (seen.last() - seen.first()) / 1e9 : 0;
            double rate = bindS > 0 ? n / bindS : 0;
            results.put("nodes", nodes);
            results.put("pods", m);
            results.put("podsBoundPerSecond", Math.round(rate));
            results.put("bound", n);
            results.put("allBound", all && failures.get() == 0);
            results.put("createsPerSecond", Math.round(m / (createMs / 1e3)));
            results.put("firstToLastBindingMs", Math.round(bindS * 1000));
            if (sched.loopStartedNanos() != 0) {
                results.put("schedulerStartToLoopMs", (sched.loopStartedNanos() - sched.startNanos()) / 1_000_000);
            }
            if (seen.first() != 0) {
                results.put("schedulerStartToFirstBindingMs", (seen.first() - sched.startNanos()) / 1_000_000);
            }
            results.put("schedulerCpuMsToFirstBinding", schedCpuAtFirst);
            results.put("schedulerCpuMsWhileBinding", schedCpuAtLast - schedCpuAtFirst);
            results.put("schedulerCpuMsPerPod", perPod(schedCpuAtLast - schedCpuAtFirst, n));
            results.put("schedulerCpuMsSettled", schedCpuSettled);
            results.put("schedulerCpuMsByThread", top(schedCpuByThread, 12));
            results.put("schedulingLoopCpuMsPerPod", perPod(schedCpuByThread.getOrDefault("scheduler", 0L), n));
            results.put("serverCpuMsToFirstBinding", serverCpuAtFirst - serverCpu0);
            results.put("serverCpuMsWhileBinding", serverCpuAtLast - serverCpuAtFirst);
            results.put("serverCpuMsPerPod", perPod(serverCpuAtLast - serverCpuAtFirst, n));
            results.put("serverCpuMsSettled", serverCpuSettled - serverCpu0);
            results.put("schedulerPid", sched.pid());
            results.put("createFailures", failures.get());
            if (firstFailure.get() != null) {
                results.put("firstFailure", firstFailure.get());
            }
            if (seen.error() != null) {
                results.put("watchError", seen.error());
            }
            System.out.printf("  backlog: %d/%d pods bound in %.1f s after the first binding: %.0f pods/s;"
                            + " scheduler CPU %.3f ms/pod, server CPU %.3f ms/pod%n", n, m, bindS, rate,
                    perPod(schedCpuAtLast - schedCpuAtFirst, n), perPod(serverCpuAtLast - serverCpuAtFirst, n));
            return all && failures.get() == 0 && rate >= GOAL_PER_SECOND;
        } finally {
            if (sched != null) {
                sched.close();
            }
            if (watcher != null) {
                watcher.close();
            }
            clients.forEach(AdminClient::close);
            sp.close();
            ServerProcess.deleteTree(dir);
        }
    }

    /** The first {@code n} entries (the largest, as {@link ThreadCpu#byKind} orders them). */
    private static Map<String, Long> top(Map<String, Long> byThread, int n) {
        Map<String, Long> out = new LinkedHashMap<>();
        byThread.entrySet().stream().limit(n).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private static double perPod(long cpuMs, int pods) {
        return pods == 0 ? 0 : Math.round(cpuMs * 1000.0 / pods) / 1000.0;
    }

    /** Pods of the watch that got a node: how many, and when the first and the last were seen. Thread-safe. */
    static final class Bindings {
        private final java.util.Set<String> bound = ConcurrentHashMap.newKeySet();
        private final CountDownLatch all;
        private final AtomicLong first = new AtomicLong();
        private final AtomicLong last = new AtomicLong();
        private final AtomicReference<String> error = new AtomicReference<>();

        Bindings(int expected) {
            this.all = new CountDownLatch(expected);
        }

        /** One watch event line. */
        void onEvent(String line) {
            try {
                JsonNode pod = JSON.readTree(line).path("object");
                if (pod.path("spec").path("nodeName").asText("").isEmpty()) {
                    return;
                }
                if (bound.add(pod.path("metadata").path("name").asText())) {
                    long now = System.nanoTime();
                    first.compareAndSet(0, now);
                    last.accumulateAndGet(now, Math::max);
                    all.countDown();
                }
            } catch (Exception e) {
                error.compareAndSet(null, e.toString());
            }
        }

        /** Waits until every expected pod was seen bound or the deadline ({@link System#nanoTime}) passed. */
        boolean await(long deadline) throws InterruptedException {
            return all.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }

        int count() {
            return bound.size();
        }

        long first() {
            return first.get();
        }

        long last() {
            return last.get();
        }

        String error() {
            return error.get();
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

    /**
     * Opens {@code clientCount} admin clients into {@code clients} (the caller closes them), creates {@code nodes}
     * fake Node objects through them and the bench namespace with its ServiceAccount.
     */
    private static void createNodes(ServerProcess sp, int clientCount, int nodes, List<AdminClient> clients)
            throws Exception {
        for (int i = 0; i < clientCount; i++) {
            clients.add(sp.admin());
        }
        long t0 = System.nanoTime();
        parallel(clients, nodes, (c, i) -> createNode(c, "node-" + i));
        System.out.printf("  %d nodes created in %d ms%n", nodes, (System.nanoTime() - t0) / 1_000_000);
        clients.getFirst().ensureNamespace(NAMESPACE);
    }
}
