package io.kube4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * API verbs against one server: for each client count C (default 1, 8, 64), closed-loop create, get, update (PUT)
 * and list of pods with C clients (one HTTP/2 connection each), and a watch step with C watchers; then an
 * open-loop step of paced creates (default 1,000/s for 10 s) for the mutating-latency goal. Prints a table per
 * verb and client count, and writes a PNG of p50/p99 against C next to the results file.
 */
final class ApiBench implements Benchmark {
    static final double GOAL_P99_MS = 50;
    /** The paced step counts as "at the rate" when it achieved this fraction of the asked rate. */
    static final double RATE_TOLERANCE = 0.95;
    static final int PACED_CLIENTS = 16;
    static final int WATCH_WARMUP = 10;
    static final int WARMUP_CLIENTS = 8;
    static final int WATCH_INTERVAL_MS = 5;
    static final String LIST_NAMESPACE = "api-list";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One verb at one client count. For watch, ops are deliveries and the latency is write-to-delivery. */
    record VerbResult(String verb, int clients, long ops, long failures, String firstFailure, double opsPerSecond,
                      LatencySummary latency, Map<String, Object> extra) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("verb", verb);
            m.put("clients", clients);
            m.put("ops", ops);
            m.put("failures", failures);
            if (firstFailure != null) {
                m.put("firstFailure", firstFailure);
            }
            m.put("opsPerSecond", Math.round(opsPerSecond));
            m.put("latency", latency.toMap());
            m.putAll(extra);
            return m;
        }
    }

    /** One request of a closed loop; returns the reply, which must have status {@code expect}. */
    @FunctionalInterface
    private interface Op {
        AdminClient.Reply call(AdminClient client, int i) throws Exception;
    }

    @Override
    public String name() {
        return "api";
    }

    @Override
    public String method() {
        return "fresh server (--storage, default embedded SQLite, no scheduler); one unmeasured pass of every verb"
                + " with 8 clients and --warmup-pods ops; then for each client count C: C clients (java.net.http,"
                + " one HTTP/2 connection each, admin certificate), each on its own thread, closed loop: create N pods"
                + " (the pod-create pod), get them, update (PUT of the last returned object with a changed annotation),"
                + " list a namespace of --api-list-pods pods (?limit=500, as kubectl) N/10 times; then C watchers with"
                + " N/10 paced writes (half creates, half patches), latency = write sent to event received. Then"
                + " paced creates, open loop (each sent at its scheduled time on its own virtual thread, 16 HTTP/2"
                + " connections), latency from the scheduled time to the full response.";
    }

    @Override
    public String goal() {
        return "mutating API p99 <= 50 ms at 1,000 writes/s (paced creates; report per verb otherwise)";
    }

    @Override
    public Result run(BenchContext ctx) throws Exception {
        BenchOptions o = ctx.options();
        ApiBenchOptions a = o.api();
        Path dir = ctx.freshDataDir("api");
        List<VerbResult> rows = new ArrayList<>();
        Map<String, Object> paced;
        try (ServerProcess sp = ServerProcess.startReady(o, dir, "api", null, ServerProcess.API_ONLY);
             AdminClient admin = sp.admin()) {
            PodCreateBench.Run filled = PodCreateBench.fill(sp, 8, LIST_NAMESPACE, 0, a.apiListPods(), "list-");
            if (filled.failures() > 0) {
                throw new IllegalStateException("filling " + LIST_NAMESPACE + ": " + filled.firstFailure());
            }
            // one unmeasured pass of every verb (JIT warm-up of the server and of the clients)
            level(sp, admin, "api-warmup-c", WARMUP_CLIENTS, Math.min(o.warmupPods(), a.apiOps()), a);
            for (int c : a.apiClients()) {
                rows.addAll(level(sp, admin, "api-c", c, a.apiOps(), a));
            }
            paced = a.pacedSeconds() == 0 ? Map.of() : paced(sp, a.pacedRate(), a.pacedSeconds());
        } finally {
            ServerProcess.deleteTree(dir);
        }
        printTable(rows);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("verbs", rows.stream().map(VerbResult::toMap).toList());
        results.put("paced", paced);
        Path png = o.outDir().resolve("api-latency-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(ZonedDateTime.now(ZoneOffset.UTC)) + ".png");
        LatencyPlot.write(png, "kube4j api: latency against concurrent clients (" + o.storage() + ")",
                "concurrent clients", "latency ms", series(rows));
        results.put("plot", png.toString());
        System.out.println("  plot: " + png);
        Map<String, Object> params = new LinkedHashMap<>(o.common());
        params.put("clients", a.apiClients());
        params.put("opsPerVerb", a.apiOps());
        params.put("warmupOpsPerVerb", Math.min(o.warmupPods(), a.apiOps()));
        params.put("warmupClients", WARMUP_CLIENTS);
        params.put("listPods", a.apiListPods());
        params.put("pacedRate", a.pacedRate());
        params.put("pacedSeconds", a.pacedSeconds());
        boolean met = !paced.isEmpty() && ((Number) paced.get("failures")).longValue() == 0
                && ((Number) paced.get("achievedPerSecond")).doubleValue() >= RATE_TOLERANCE * a.pacedRate()
                && ((Number) paced.get("p99FromScheduleMs")).doubleValue() <= GOAL_P99_MS;
        return new Result(params, results, met);
    }

    /** Every verb at {@code c} clients, {@code ops} each, in namespaces {@code <prefix><c>} and {@code ...-watch}. */
    static List<VerbResult> level(ServerProcess sp, AdminClient admin, String prefix, int c, int ops,
                                  ApiBenchOptions a) throws Exception {
        String ns = prefix + c;
        admin.ensureNamespace(ns);
        String pods = "/api/v1/namespaces/" + ns + "/pods";
        int n = roundUp(ops, c);
        byte[][] current = new byte[n][];
        List<VerbResult> out = new ArrayList<>();
        List<AdminClient> clients = new ArrayList<>();
        try {
            for (int k = 0; k < c; k++) {
                clients.add(sp.admin());
            }
            out.add(closedLoop(sp, "create", clients, n, 201, (cl, i) -> {
                AdminClient.Reply r = cl.post(pods, AdminClient.pod("p-" + i, null, null));
                current[i] = r.body();
                return r;
            }));
            out.add(closedLoop(sp, "get", clients, n, 200, (cl, i) -> cl.get(pods + "/p-" + i, AdminClient.JSON)));
            // client k only ever touches pods i = k (mod c), so no two updates of one pod race
            out.add(closedLoop(sp, "update", clients, n, 200, (cl, i) -> {
                if (current[i] == null) {
                    throw new IllegalStateException("pod p-" + i + " was not created");
                }
                ObjectNode pod = (ObjectNode) JSON.readTree(current[i]);
                ObjectNode meta = (ObjectNode) pod.get("metadata");
                ObjectNode ann = meta.has("annotations") ? (ObjectNode) meta.get("annotations") : meta.putObject("annotations");
                ann.put("bench/update", Integer.toString(i));
                AdminClient.Reply r = cl.put(pods + "/p-" + i, JSON.writeValueAsBytes(pod));
                if (r.status() == 200) {
                    current[i] = r.body();
                }
                return r;
            }));
            String list = "/api/v1/namespaces/" + LIST_NAMESPACE + "/pods?limit=500";
            VerbResult listed = closedLoop(sp, "list", clients, roundUp(Math.max(1, n / 10), c), 200,
                    (cl, i) -> cl.get(list, AdminClient.JSON));
            int items = JSON.readTree(admin.get(list, AdminClient.JSON).body()).path("items").size();
            Map<String, Object> listExtra = new LinkedHashMap<>(listed.extra());
            listExtra.put("itemsPerList", items);
            out.add(new VerbResult(listed.verb(), c, listed.ops(), listed.failures()
                    + (items == a.apiListPods() ? 0 : 1), items == a.apiListPods() ? listed.firstFailure()
                    : "list returned " + items + " items, expected " + a.apiListPods(), listed.opsPerSecond(),
                    listed.latency(), listExtra));
        } finally {
            clients.forEach(AdminClient::close);
        }
        int writes = Math.max(2, n / 10);
        WatchRun.Plan plan = new WatchRun.Plan(ns + "-watch", c, a.streamsPerConnection(), a.watchWindows(), WATCH_WARMUP,
                writes / 2, writes - writes / 2, WATCH_INTERVAL_MS);
        WatchRun.Measurement m = WatchRun.run(sp, admin, plan);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("writes", writes);
        extra.put("writeIntervalMs", WATCH_INTERVAL_MS);
        extra.put("deliveriesExpected", m.expected());
        extra.put("deliveriesReceived", m.received());
        extra.put("duplicates", m.duplicates());
        extra.put("watchOpen", m.watchOpen().toMap());
        long missing = m.expected() - m.received();
        out.add(new VerbResult("watch", c, m.delivery().count(), missing + m.duplicates(),
                m.allDelivered() ? null : missing + " events missing, " + m.duplicates() + " duplicates",
                m.eventsPerSecond(), m.delivery(), extra));
        return out;
    }

    /** Client k of {@code clients} does ops i = k, k + C, ... below n on its own thread. */
    private static VerbResult closedLoop(ServerProcess sp, String verb, List<AdminClient> clients, int n, int expect,
                                         Op op) throws InterruptedException {
        int c = clients.size();
        long[] lat = new long[n];
        Arrays.fill(lat, -1);
        AtomicInteger failures = new AtomicInteger();
        AtomicReference<String> first = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        long cpu0 = sp.cpuMillis();
        long jit0 = sp.jitCpuMillis();
        long t0 = System.nanoTime();
        for (int k = 0; k < c; k++) {
            int start = k;
            AdminClient client = clients.get(k);
            threads.add(Thread.ofPlatform().name("api-" + verb + "-" + k).start(() -> {
                for (int i = start; i < n; i += c) {
                    long s = System.nanoTime();
                    try {
                        AdminClient.Reply r = op.call(client, i);
                        lat[i] = System.nanoTime() - s;
                        if (r.status() != expect) {
                            failures.incrementAndGet();
                            first.compareAndSet(null, verb + ": HTTP " + r.status() + " " + r.text());
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                        first.compareAndSet(null, verb + ": " + e);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        long wall = System.nanoTime() - t0;
        // server CPU of the step (all its threads, including background work the step causes), per operation
        long cpu = sp.cpuMillis() - cpu0;
        long jit = sp.jitCpuMillis() - jit0;
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("serverCpuMs", cpu);
        extra.put("serverCpuUsPerOp", Math.round(cpu * 1000.0 / n));
        // the JIT compiler's share, large in the first steps of a fresh server, apart from the work itself
        extra.put("serverJitCpuMs", jit);
        extra.put("serverCpuUsPerOpWithoutJit", Math.round((cpu - jit) * 1000.0 / n));
        return new VerbResult(verb, c, n, failures.get(), first.get(), n / (wall / 1e9), LatencySummary.of(lat),
                extra);
    }

    /**
     * Open-loop creates at {@code rate}/s for {@code seconds}: each is sent at its scheduled time on its own virtual
     * thread over {@value #PACED_CLIENTS} HTTP/2 connections, so a slow server does not slow the schedule.
     */
    static Map<String, Object> paced(ServerProcess sp, int rate, int seconds) throws Exception {
        String ns = "api-paced";
        String pods = "/api/v1/namespaces/" + ns + "/pods";
        int n = Math.multiplyExact(rate, seconds);
        long[] fromSchedule = new long[n];
        long[] fromSend = new long[n];
        Arrays.fill(fromSchedule, -1);
        Arrays.fill(fromSend, -1);
        AtomicInteger failures = new AtomicInteger();
        AtomicReference<String> first = new AtomicReference<>();
        AtomicLong lastEnd = new AtomicLong();
        AtomicLong maxSendLag = new AtomicLong();
        List<AdminClient> clients = new ArrayList<>();
        long serverCpu0;
        long jitCpu0;
        long benchCpu0;
        long t0;
        try {
            for (int k = 0; k < PACED_CLIENTS; k++) {
                clients.add(sp.admin());
            }
            clients.getFirst().ensureNamespace(ns);
            // open every connection before the clock starts
            for (AdminClient c : clients) {
                c.get("/api/v1/namespaces/" + ns, AdminClient.JSON);
            }
            serverCpu0 = sp.cpuMillis();
            jitCpu0 = sp.jitCpuMillis();
            benchCpu0 = ServerProcess.ownCpuMillis();
            t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            double step = 1e9 / rate;
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < n; i++) {
                    long due = t0 + (long) (i * step);
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    int index = i;
                    AdminClient client = clients.get(i % PACED_CLIENTS);
                    pool.execute(() -> {
                        long s = System.nanoTime();
                        maxSendLag.accumulateAndGet(s - due, Math::max);
                        try {
                            AdminClient.Reply r = client.post(pods, AdminClient.pod("paced-" + index, null, null));
                            long e = System.nanoTime();
                            fromSend[index] = e - s;
                            fromSchedule[index] = e - due;
                            lastEnd.accumulateAndGet(e, Math::max);
                            if (r.status() != 201) {
                                failures.incrementAndGet();
                                first.compareAndSet(null, "HTTP " + r.status() + " " + r.text());
                            }
                        } catch (Exception ex) {
                            failures.incrementAndGet();
                            first.compareAndSet(null, ex.toString());
                        }
                    });
                }
            }
        } finally {
            clients.forEach(AdminClient::close);
        }
        long serverCpu = sp.cpuMillis() - serverCpu0;
        long jitCpu = sp.jitCpuMillis() - jitCpu0;
        long benchCpu = ServerProcess.ownCpuMillis() - benchCpu0;
        LatencySummary sched = LatencySummary.of(fromSchedule);
        LatencySummary send = LatencySummary.of(fromSend);
        int ok = n - failures.get();
        double achieved = ok / (Math.max(1, lastEnd.get() - t0) / 1e9);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("targetPerSecond", rate);
        m.put("seconds", seconds);
        m.put("writes", n);
        m.put("failures", failures.get());
        if (first.get() != null) {
            m.put("firstFailure", first.get());
        }
        m.put("achievedPerSecond", Math.round(achieved));
        m.put("p50FromScheduleMs", sched.p50Ms());
        m.put("p99FromScheduleMs", sched.p99Ms());
        m.put("latencyFromSchedule", sched.toMap());
        m.put("latencyFromSend", send.toMap());
        m.put("maxSendLagMs", LatencySummary.ms(maxSendLag.get()));
        m.put("serverCpuMs", serverCpu);
        m.put("serverJitCpuMs", jitCpu);
        m.put("serverCpuUsPerCreate", Math.round(serverCpu * 1000.0 / n));
        m.put("benchClientCpuMs", benchCpu);
        m.put("serverRssMbAfter", Math.round(sp.memoryKb()[0] / 102.4) / 10.0);
        System.out.printf("  paced creates: %d/s asked, %.0f/s achieved, p50 %.1f ms, p99 %.1f ms (from schedule),"
                + " %d failures%n", rate, achieved, sched.p50Ms(), sched.p99Ms(), failures.get());
        return m;
    }

    private static List<LatencyPlot.Series> series(List<VerbResult> rows) {
        List<LatencyPlot.Series> out = new ArrayList<>();
        List<String> verbs = rows.stream().map(VerbResult::verb).distinct().toList();
        for (int v = 0; v < verbs.size(); v++) {
            String verb = verbs.get(v);
            List<double[]> p50 = new ArrayList<>();
            List<double[]> p99 = new ArrayList<>();
            for (VerbResult r : rows) {
                if (r.verb().equals(verb) && r.latency().count() > 0) {
                    p50.add(new double[]{r.clients(), r.latency().p50Ms()});
                    p99.add(new double[]{r.clients(), r.latency().p99Ms()});
                }
            }
            out.add(new LatencyPlot.Series(verb + " p99", v, false, p99));
            out.add(new LatencyPlot.Series(verb + " p50", v, true, p50));
        }
        return out;
    }

    private static void printTable(List<VerbResult> rows) {
        System.out.printf("  %-7s %7s %7s %9s %9s %9s %9s %8s %10s%n", "verb", "clients", "ops", "ops/s", "p50 ms",
                "p99 ms", "max ms", "failures", "cpu us/op");
        for (VerbResult r : rows) {
            Object cpu = r.extra().get("serverCpuUsPerOp");
            System.out.printf("  %-7s %7d %7d %9.0f %9.2f %9.2f %9.2f %8d %10s%n", r.verb(), r.clients(), r.ops(),
                    r.opsPerSecond(), r.latency().p50Ms(), r.latency().p99Ms(), r.latency().maxMs(), r.failures(),
                    cpu == null ? "-" : cpu);
        }
    }

    private static int roundUp(int n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }
}
