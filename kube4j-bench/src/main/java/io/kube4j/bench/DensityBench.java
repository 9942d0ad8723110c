package io.kube4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Full-cluster density: a server (its scheduler and controller manager on, no real node) with a heap limit and a GC
 * log, a separate {@code kube4j agent --simulated --count N} process running the simulated nodes (so the server's
 * heap, RSS and CPU are its own), then R ReplicaSets of K replicas each created at once. Measures the time until
 * every pod is Running, the server's live heap after a full GC and its RSS, the GC pauses, and the latency of a
 * probe client merge-patching a ConfigMap every {@value ApiProbe#INTERVAL_MS} ms throughout.
 */
final class DensityBench implements Benchmark {
    static final String NAMESPACE = "density";
    /** Room for a /24 per node for 16,384 nodes; the default /16 has 256 (node IPAM then leaves nodes without one). */
    static final String CLUSTER_CIDR = "10.64.0.0/10";
    static final double GOAL_PROBE_P99_MS = 1000;
    /**
     * How long the cluster is measured idle: with the nodes only, before the first ReplicaSet (right after the join,
     * so JIT compilation is in it), and steady, once every pod runs. Two Lease intervals.
     */
    static final long IDLE_WINDOW_MS = 20_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "density";
    }

    @Override
    public String method() {
        return "child server (--disable-node, scheduler and controllers on, -Xmx from --density-heap, the flags of"
                + " --density-jvm-opts (default " + BenchOptions.DENSITY_JVM_OPTS + "), -Xlog:gc to a file) and a"
                + " separate `kube4j agent --simulated --count N` child process; once the nodes are Ready, R"
                + " ReplicaSets of K replicas (one container, requests 10m CPU / 16 Mi) are created by 4 clients at"
                + " once."
                + " The bench counts the pods itself (a LIST, then its own watch of the namespace's pods): created ="
                + " pods that exist, Running = pods in phase Running. Time = first ReplicaSet create sent -> R*K pods"
                + " exist (created) and -> R*K pods Running (polled every second), then a paged LIST checks every pod"
                + " is Running on a node. A probe client"
                + " merge-patches one ConfigMap every 100 ms from before the first create until then. Server heap ="
                + " live bytes after the full GC of `jcmd PID GC.class_histogram` (every class written to"
                + " logs/density-histogram.txt); GC pauses from the GC log.";
    }

    @Override
    public String goal() {
        return "every pod Running with the server in -Xmx8g, probe (mutating API call) p99 < 1 s in every tenth of"
                + " the churn; judged at the size run, the goal's size is 5000 nodes + 150000 pods (1000 x 150)";
    }

    @Override
    public Result run(BenchContext ctx) throws Exception {
        BenchOptions o = ctx.options();
        int nodes = o.densityNodes();
        int rsCount = o.densityReplicaSets();
        int replicas = o.densityReplicas();
        long total = (long) rsCount * replicas;
        Path dir = ctx.freshDataDir("density");
        Path gcFile = Files.createDirectories(o.outDir().resolve("logs")).resolve("density-gc.log");
        Files.deleteIfExists(gcFile);
        ServerProcess sp = ServerProcess.startReady(o, dir, "density", null, List.of("--cluster-cidr", CLUSTER_CIDR),
                jvmOpts(o, gcFile));
        AgentProcess agent = null;
        ApiProbe probe = null;
        PodCounter counter = null;
        AdminClient counterClient = null;
        List<AdminClient> clients = new ArrayList<>();
        try {
            AdminClient admin = sp.admin();
            clients.add(admin);
            long tAgent = System.nanoTime();
            List<String> agentJvm = new ArrayList<>();
            if (o.jfr()) {
                Path jfr = Files.createDirectories(o.outDir().resolve("jfr")).resolve("density-agent.jfr");
                agentJvm.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true");
            }
            agent = AgentProcess.start(o, sp, "density-agent", nodes, "sim-", o.densityHeartbeat(), agentJvm);
            System.out.printf("  agent: pid %d, %d simulated nodes, log %s%n", agent.pid(), nodes, agent.log());
            agent.awaitJoined(Duration.ofSeconds(120 + nodes / 20));
            int ready = awaitReadyNodes(admin, nodes, Duration.ofSeconds(120));
            long joinMs = (System.nanoTime() - tAgent) / 1_000_000;
            System.out.printf("  %d/%d simulated nodes Ready after %d ms%n", ready, nodes, joinMs);
            admin.ensureNamespace(NAMESPACE);
            // the idle cluster's cost: Lease renewals and node status updates only, before any pod exists
            long idleServer0 = sp.cpuMillis();
            long idleAgent0 = agent.cpuMillis();
            long idleT0 = System.nanoTime();
            Thread.sleep(IDLE_WINDOW_MS);
            double idleS = (System.nanoTime() - idleT0) / 1e9;
            double idleServerUs = (sp.cpuMillis() - idleServer0) * 1000.0 / nodes / idleS;
            double idleAgentUs = (agent.cpuMillis() - idleAgent0) * 1000.0 / nodes / idleS;
            System.out.printf("  idle %d nodes: server %.1f µs CPU per node per second, agent %.1f µs%n", nodes,
                    idleServerUs, idleAgentUs);

            counterClient = sp.admin();
            counter = PodCounter.start(counterClient, NAMESPACE);
            probe = ApiProbe.start(sp.admin(), NAMESPACE);
            Thread.sleep(3000); // a few probes on the idle cluster first
            for (int i = 0; i < 4; i++) {
                clients.add(sp.admin());
            }
            long serverCpu0 = sp.cpuMillis();
            long agentCpu0 = agent.cpuMillis();
            long t0 = System.nanoTime();
            probe.mark(t0);
            SchedulerBench.parallel(clients.subList(1, clients.size()), rsCount, (c, i) -> {
                AdminClient.Reply r = c.post("/apis/apps/v1/namespaces/" + NAMESPACE + "/replicasets",
                        replicaSet("rs-" + i, replicas));
                if (r.status() != 201) {
                    throw new IllegalStateException("create ReplicaSet rs-" + i + ": HTTP " + r.status() + " " + r.text());
                }
            });
            long createdRs = System.nanoTime();
            long deadline = t0 + Duration.ofMinutes(o.densityTimeoutMinutes()).toNanos();
            long lastPrint = 0;
            long allCreatedAt = 0;
            long created = 0;
            long runningNow = 0;
            while (System.nanoTime() < deadline) {
                created = counter.created();
                runningNow = counter.running();
                long now = System.nanoTime();
                if (allCreatedAt == 0 && created >= total) {
                    allCreatedAt = now;
                }
                if (runningNow >= total) {
                    break;
                }
                if (now - lastPrint > 10_000_000_000L) {
                    lastPrint = now;
                    long[] rs = replicaSetCounts(admin);
                    System.out.printf("  %5.0f s: %d pods exist, %d Running of %d (ReplicaSets' status: %d, %d ready);"
                                    + " probe p99 so far %.0f ms%n", (now - t0) / 1e9, created, runningNow, total,
                            rs[0], rs[1], probe.summary().p99Ms());
                }
                Thread.sleep(1000);
            }
            long allReadyAt = System.nanoTime();
            boolean allReady = runningNow >= total;
            probe.stop();
            long serverCpu = sp.cpuMillis() - serverCpu0;
            long agentCpu = agent.cpuMillis() - agentCpu0;
            double wallS = (allReadyAt - t0) / 1e9;
            // the steady cluster's cost once every pod runs: Lease renewals, node statuses, periodic controller work
            long steadyServer0 = sp.cpuMillis();
            long steadyAgent0 = agent.cpuMillis();
            long steadyT0 = System.nanoTime();
            Thread.sleep(IDLE_WINDOW_MS);
            double steadyS = (System.nanoTime() - steadyT0) / 1e9;
            double steadyServerUs = (sp.cpuMillis() - steadyServer0) * 1000.0 / nodes / steadyS;
            double steadyAgentUs = (agent.cpuMillis() - steadyAgent0) * 1000.0 / nodes / steadyS;
            System.out.printf("  steady, %d nodes and the pods: server %.1f µs CPU per node per second, agent %.1f µs%n",
                    nodes, steadyServerUs, steadyAgentUs);
            long[] running = countRunning(admin);
            System.out.printf("  %d/%d pods Running on %d nodes after %.1f s%n", running[0], total, running[1], wallS);

            long[] mem = sp.memoryKb();
            ClassHistogram heap = ClassHistogram.of(o.java(), sp.pid());
            Path histogramFile = gcFile.resolveSibling("density-histogram.txt");
            writeHistogram(heap, histogramFile);
            long rssAfterGc = sp.memoryKb()[0];
            long agentRss = agent.rssKb();
            Thread.sleep(500); // the heap reading's own full GC is in the log by now, and left out of the pauses
            GcLog gc = GcLog.read(gcFile);
            LatencySummary probeLat = probe.summary();

            Map<String, Object> params = new LinkedHashMap<>(o.common());
            params.put("nodes", nodes);
            params.put("replicaSets", rsCount);
            params.put("replicasPerSet", replicas);
            params.put("pods", total);
            params.put("serverHeapLimit", o.densityHeap());
            params.put("densityJvmOpts", String.join(" ", o.densityJvmOpts()));
            params.put("nodeHeartbeat", o.densityHeartbeat());
            params.put("simulatedNodesIn", "separate agent process");
            Map<String, Object> results = new LinkedHashMap<>();
            results.put("allRunning", allReady && running[0] == total);
            results.put("podsRunning", running[0]);
            results.put("nodesWithPods", running[1]);
            results.put("nodesReady", ready);
            results.put("nodesJoinMs", joinMs);
            results.put("idleServerCpuUsPerNodeSecond", Math.round(idleServerUs * 10) / 10.0);
            results.put("idleAgentCpuUsPerNodeSecond", Math.round(idleAgentUs * 10) / 10.0);
            results.put("replicaSetsCreatedMs", (createdRs - t0) / 1_000_000);
            results.put("allPodsCreatedMs", allCreatedAt == 0 ? -1 : (allCreatedAt - t0) / 1_000_000);
            results.put("podsCreatedPerSecond", allCreatedAt == 0 ? -1
                    : Math.round(total / ((allCreatedAt - t0) / 1e9)));
            results.put("podCounterWatchRestarts", counter.restarts());
            results.put("allPodsRunningMs", Math.round(wallS * 1000));
            results.put("podsRunningPerSecond", Math.round(running[0] / wallS));
            results.put("probe", probeLat.toMap());
            results.put("probeOver1s", probe.over(1000));
            results.put("probeFailures", probe.failures());
            results.put("probeP99PerTenth", probe.p99PerTenth());
            results.put("nodeNotReadyTransitions", countLines(sp, "stopped posting status"));
            results.put("serverLiveHeapMb", ClassHistogram.mb(heap.liveBytes()));
            results.put("serverRssMb", Math.round(mem[0] / 102.4) / 10.0);
            results.put("serverRssHwmMb", Math.round(mem[1] / 102.4) / 10.0);
            results.put("serverRssAfterFullGcMb", Math.round(rssAfterGc / 102.4) / 10.0);
            results.put("serverCpuMs", serverCpu);
            results.put("serverCpuMsPerPod", Math.round(serverCpu * 1000.0 / Math.max(1, running[0])) / 1000.0);
            results.put("steadyServerCpuUsPerNodeSecond", Math.round(steadyServerUs * 10) / 10.0);
            results.put("steadyAgentCpuUsPerNodeSecond", Math.round(steadyAgentUs * 10) / 10.0);
            results.put("agentCpuMs", agentCpu);
            results.put("agentCpuMsPerPod", Math.round(agentCpu * 1000.0 / Math.max(1, running[0])) / 1000.0);
            results.put("serverGc", gc.toMap());
            results.put("serverTopClassesMb", top(heap, 8));
            results.put("serverHistogramFile", histogramFile.toString());
            results.put("agentRssMb", Math.round(agentRss / 102.4) / 10.0);
            // "throughout": the p99 of every tenth of the churn, not only the overall one
            List<Double> tenths = probe.p99PerTenth();
            boolean met = allReady && running[0] == total && probeLat.p99Ms() < GOAL_PROBE_P99_MS
                    && tenths.stream().allMatch(t -> t.isNaN() || t < GOAL_PROBE_P99_MS) && probe.failures() == 0;
            System.out.printf("  server live heap %.0f MB (RSS %.0f MB), %d GC pauses > 100 ms (max %.0f ms); probe p50 %.0f"
                            + " ms p99 %.0f ms%n", ClassHistogram.mb(heap.liveBytes()), mem[0] / 1024.0,
                    gc.longerThan(100), gc.maxMs(), probeLat.p50Ms(), probeLat.p99Ms());
            return new Result(params, results, met);
        } finally {
            if (probe != null) {
                probe.stop();
            }
            if (counter != null) {
                counter.close();
            }
            if (counterClient != null) {
                counterClient.close();
            }
            clients.forEach(AdminClient::close);
            if (agent != null) {
                agent.close();
            }
            sp.close();
            ServerProcess.deleteTree(dir);
        }
    }

    /** The server's JVM flags of this scenario: the heap limit, the GC log, then {@code --density-jvm-opts}. */
    static List<String> jvmOpts(BenchOptions o, Path gcFile) {
        List<String> opts = new ArrayList<>(List.of("-Xmx" + o.densityHeap(), GcLog.flag(gcFile)));
        opts.addAll(o.densityJvmOpts());
        return opts;
    }

    /** Lines of the server's log containing {@code text} (the node lifecycle controller logs each Unknown node). */
    static long countLines(ServerProcess sp, String text) throws java.io.IOException {
        try (var lines = Files.lines(sp.log())) {
            return lines.filter(l -> l.contains(text)).count();
        }
    }

    /** Every class of the live heap, bytes and name, largest first: the per-class breakdown the JSON leaves out. */
    static void writeHistogram(ClassHistogram h, Path file) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        h.bytesByClass().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> sb.append(e.getValue()).append(' ').append(e.getKey()).append('\n'));
        Files.writeString(file, sb);
    }

    static Map<String, Object> top(ClassHistogram h, int n) {
        Map<String, Object> m = new LinkedHashMap<>();
        h.bytesByClass().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
                .forEach(e -> m.put(e.getKey(), ClassHistogram.mb(e.getValue())));
        return m;
    }

    static byte[] replicaSet(String name, int replicas) {
        return ("{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"spec\":{\"replicas\":" + replicas + ",\"selector\":{\"matchLabels\":{\"app\":\"" + name + "\"}},"
                + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"" + name + "\"}},\"spec\":{\"containers\":[{"
                + "\"name\":\"app\",\"image\":\"registry.k8s.io/pause:3.10\",\"resources\":{\"requests\":{"
                + "\"cpu\":\"10m\",\"memory\":\"16Mi\"}}}]}}}}").getBytes(StandardCharsets.UTF_8);
    }

    /** Waits until {@code want} simulated nodes report Ready=True; returns how many did. */
    static int awaitReadyNodes(AdminClient admin, int want, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int ready = 0;
        while (true) {
            AdminClient.Reply r = admin.get("/api/v1/nodes?labelSelector="
                    + URLEncoder.encode("kube4j.io/simulated=true", StandardCharsets.UTF_8), AdminClient.JSON);
            if (r.status() != 200) {
                throw new IllegalStateException("list nodes: HTTP " + r.status() + " " + r.text());
            }
            ready = 0;
            for (JsonNode n : JSON.readTree(r.body()).path("items")) {
                for (JsonNode c : n.path("status").path("conditions")) {
                    if (c.path("type").asText().equals("Ready") && c.path("status").asText().equals("True")) {
                        ready++;
                    }
                }
            }
            if (ready >= want || System.nanoTime() > deadline) {
                return ready;
            }
            Thread.sleep(1000);
        }
    }

    /** {sum of status.replicas, sum of status.readyReplicas} over the namespace's ReplicaSets. */
    static long[] replicaSetCounts(AdminClient admin) throws Exception {
        AdminClient.Reply r = admin.get("/apis/apps/v1/namespaces/" + NAMESPACE + "/replicasets", AdminClient.JSON);
        if (r.status() != 200) {
            throw new IllegalStateException("list replicasets: HTTP " + r.status() + " " + r.text());
        }
        long created = 0;
        long ready = 0;
        for (JsonNode rs : JSON.readTree(r.body()).path("items")) {
            created += rs.path("status").path("replicas").asLong();
            ready += rs.path("status").path("readyReplicas").asLong();
        }
        return new long[]{created, ready};
    }

    /** {pods with phase Running and a node, distinct nodes they run on}, read in pages of 5,000. */
    static long[] countRunning(AdminClient admin) throws Exception {
        long running = 0;
        Set<String> nodes = new HashSet<>();
        String cont = "";
        do {
            AdminClient.Reply r = admin.get("/api/v1/namespaces/" + NAMESPACE + "/pods?limit=5000"
                    + (cont.isEmpty() ? "" : "&continue=" + URLEncoder.encode(cont, StandardCharsets.UTF_8)),
                    AdminClient.JSON);
            if (r.status() != 200) {
                throw new IllegalStateException("list pods: HTTP " + r.status() + " " + r.text());
            }
            JsonNode list = JSON.readTree(r.body());
            for (JsonNode p : list.path("items")) {
                String node = p.path("spec").path("nodeName").asText("");
                if (p.path("status").path("phase").asText().equals("Running") && !node.isEmpty()) {
                    running++;
                    nodes.add(node);
                }
            }
            cont = list.path("metadata").path("continue").asText("");
        } while (!cont.isEmpty());
        return new long[]{running, nodes.size()};
    }
}
