package io.kube4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.lang.ref.Reference;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Heap per idle simulated node: one server, then for each count N a {@code kube4j agent --simulated --count N}
 * process alone with it; once the nodes are Ready and one more heartbeat has passed, the agent's live heap is read
 * after a full GC ({@code jcmd PID GC.class_histogram}). The slope over N is the heap per node. What part of it is
 * the Node objects themselves (the agent's node informer caches them; idle nodes have no pods and Leases are not
 * cached) is measured apart: the bench JVM decodes the same Nodes into fabric8 objects, as the informer does, and
 * reads its own live heap with and without them. The rest is the simulated node machinery.
 */
final class SimNodeHeapBench implements Benchmark {
    static final double GOAL_KB_PER_NODE = 30;
    static final String PREFIX = "heap-";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SELECTOR = "labelSelector="
            + URLEncoder.encode("kube4j.io/simulated=true", StandardCharsets.UTF_8);

    @Override
    public String name() {
        return "sim-node-heap";
    }

    @Override
    public String method() {
        return "child server (--disable-node); for each N of --sim-node-counts a fresh `kube4j agent --simulated"
                + " --count N` child process (launcher JVM flags); when its nodes are Ready and one heartbeat more has"
                + " passed, live heap of the agent after a full GC (jcmd GC.class_histogram); the agent is stopped and"
                + " its Nodes deleted before the next N. Per-node heap = least-squares slope over N. Node objects ="
                + " live heap the bench JVM needs to hold the same Nodes decoded by fabric8.";
    }

    @Override
    public String goal() {
        return "<= 30 KB heap per idle simulated node beyond the Node objects themselves";
    }

    @Override
    public Result run(BenchContext ctx) throws Exception {
        BenchOptions o = ctx.options();
        List<Integer> counts = o.simNodeCounts();
        Duration heartbeat = io.kube4j.apimachinery.time.GoDurations.parse(o.densityHeartbeat());
        Path dir = ctx.freshDataDir("sim-node-heap");
        ServerProcess sp = ServerProcess.startReady(o, dir, "sim-node-heap", null,
                List.of("--cluster-cidr", DensityBench.CLUSTER_CIDR));
        List<Map<String, Object>> points = new ArrayList<>();
        List<ClassHistogram> histograms = new ArrayList<>();
        double objectBytesPerNode = Double.NaN;
        try (AdminClient admin = sp.admin()) {
            for (int n : counts) {
                try (AgentProcess agent = AgentProcess.start(o, sp, "sim-node-heap-agent-" + n, n, PREFIX,
                        o.densityHeartbeat(), List.of())) {
                    agent.awaitJoined(Duration.ofSeconds(120 + n / 20));
                    int ready = DensityBench.awaitReadyNodes(admin, n, Duration.ofSeconds(120));
                    Thread.sleep(heartbeat.toMillis() + 2000); // idle: every node past one more heartbeat
                    ClassHistogram h = ClassHistogram.of(o.java(), agent.pid());
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("nodes", n);
                    p.put("nodesReady", ready);
                    p.put("liveHeapMb", ClassHistogram.mb(h.liveBytes()));
                    p.put("liveObjects", h.instances());
                    p.put("rssMb", Math.round(agent.rssKb() / 102.4) / 10.0);
                    points.add(p);
                    histograms.add(h);
                    System.out.printf("  N=%d: %d Ready, agent live heap %.1f MB%n", n, ready, ClassHistogram.mb(h.liveBytes()));
                    if (n == counts.stream().mapToInt(Integer::intValue).max().orElse(0) && n > 0) {
                        objectBytesPerNode = nodeObjectBytes(o, admin, n);
                    }
                }
                deleteNodes(admin);
            }
        } finally {
            sp.close();
            ServerProcess.deleteTree(dir);
        }
        double[] x = counts.stream().mapToDouble(Integer::doubleValue).toArray();
        double[] y = histograms.stream().mapToDouble(h -> h.liveBytes()).toArray();
        double slope = slope(x, y);
        double beyond = slope - (Double.isNaN(objectBytesPerNode) ? 0 : objectBytesPerNode);
        Map<String, Object> params = new LinkedHashMap<>(o.common());
        params.put("nodeCounts", counts);
        params.put("heartbeat", o.densityHeartbeat());
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("points", points);
        results.put("heapPerNodeKb", kb(slope));
        results.put("nodeObjectPerNodeKb", kb(objectBytesPerNode));
        results.put("beyondObjectsPerNodeKb", kb(beyond));
        results.put("fabric8ModelPerNodeKb", kb(slope(x, histograms.stream()
                .mapToDouble(h -> h.bytesOf("io.fabric8.kubernetes.api.model.")).toArray())));
        results.put("topClassesPerNodeBytes", topDeltas(histograms.getFirst(), histograms.getLast(),
                counts.getLast() - counts.getFirst(), 12));
        System.out.printf("  heap per idle simulated node %.1f KB, of which Node objects %.1f KB: %.1f KB beyond%n",
                slope / 1024, objectBytesPerNode / 1024, beyond / 1024);
        boolean met = points.stream().allMatch(p -> p.get("nodes").equals(p.get("nodesReady")))
                && beyond / 1024 <= GOAL_KB_PER_NODE;
        return new Result(params, results, met);
    }

    /** Live bytes per Node this JVM needs to hold the agent's Nodes decoded into fabric8 objects. */
    static double nodeObjectBytes(BenchOptions o, AdminClient admin, int n) throws Exception {
        AdminClient.Reply r = admin.get("/api/v1/nodes?" + SELECTOR, AdminClient.JSON);
        if (r.status() != 200) {
            throw new IllegalStateException("list nodes: HTTP " + r.status() + " " + r.text());
        }
        KubernetesSerialization serialization = new KubernetesSerialization();
        String body = r.text();
        long self = ProcessHandle.current().pid();
        // decode once and drop it, so the classes and caches of the decoder are in both readings
        serialization.unmarshal(body, NodeList.class);
        long before = ClassHistogram.of(o.java(), self).liveBytes();
        NodeList held = serialization.unmarshal(body, NodeList.class);
        long after = ClassHistogram.of(o.java(), self).liveBytes();
        int items = held.getItems().size();
        Reference.reachabilityFence(held);
        Reference.reachabilityFence(body);
        return items == 0 ? Double.NaN : (after - before) / (double) items;
    }

    /** Deletes every simulated Node and waits until none is left, so the next agent starts alone. */
    static void deleteNodes(AdminClient admin) throws Exception {
        AdminClient.Reply r = admin.delete("/api/v1/nodes?" + SELECTOR);
        if (r.status() != 200) {
            throw new IllegalStateException("delete nodes: HTTP " + r.status() + " " + r.text());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode list = JSON.readTree(admin.get("/api/v1/nodes?" + SELECTOR, AdminClient.JSON).body());
            if (list.path("items").isEmpty()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("simulated nodes still listed 120 s after the delete");
    }

    /** Least-squares slope of y over x; NaN with fewer than two distinct x. */
    static double slope(double[] x, double[] y) {
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i] / n;
            my += y[i] / n;
        }
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxx == 0 ? Double.NaN : sxy / sxx;
    }

    /** The classes that grew most between two histograms, in bytes per node. */
    static Map<String, Object> topDeltas(ClassHistogram first, ClassHistogram last, int nodes, int limit) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (nodes <= 0) {
            return m;
        }
        Map<String, Long> delta = new LinkedHashMap<>();
        last.bytesByClass().forEach((k, v) -> delta.put(k, v - first.bytesByClass().getOrDefault(k, 0L)));
        delta.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
                .forEach(e -> m.put(e.getKey(), Math.round(e.getValue() / (double) nodes)));
        return m;
    }

    private static double kb(double bytes) {
        return Double.isNaN(bytes) ? Double.NaN : Math.round(bytes / 102.4) / 10.0;
    }
}
