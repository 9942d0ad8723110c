package io.kube4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Pod startup on the real node (containerd, image present): N pods created at once, each timed from its create
 * request to the moment a watch shows it Running; and the memory the node adds: the server's RSS without a node,
 * with an idle node, and with the N pods running. Needs root (the node runs containerd and sets up the network).
 */
final class NodePodStartupBench implements Benchmark {
    static final double GOAL_P99_MS = 1500;
    /** Upstream's pod startup SLO (stateless pods, image present): p99 <= 5 s. */
    static final double UPSTREAM_SLO_P99_MS = 5000;
    static final double GOAL_ADDED_MB = 150;
    static final String NODE = "bench-node";
    static final String NAMESPACE = "startup";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "node-pods";
    }

    @Override
    public String method() {
        return "server with --disable-node: RSS after idling; server with its node (containerd, kube4j.local/kubia:1 "
                + "present): RSS idle, then N pods (spec.nodeName set, no scheduler) created at once from N virtual "
                + "threads; startup = watch event with phase Running - create request sent; RSS with the N pods "
                + "running (server JVM; containerd and shims reported apart).";
    }

    @Override
    public String goal() {
        return "pod startup p99 <= 1.5 s for the pods created at once (default 100; upstream's SLO: p99 <= 5 s);"
                + " the node adds <= 150 MB to the server's RSS";
    }

    @Override
    public Result run(BenchContext ctx) throws Exception {
        BenchOptions o = ctx.options();
        int n = o.nodePods();
        Map<String, Object> params = new LinkedHashMap<>(o.common());
        params.put("pods", n);
        Map<String, Object> results = new LinkedHashMap<>();
        Path plain = ctx.freshDataDir("node-off");
        double withoutNodeMb;
        try (ServerProcess sp = ServerProcess.startReady(o, plain, "node-off")) {
            Thread.sleep(o.idleSeconds() * 1000L);
            withoutNodeMb = sp.memoryKb()[0] / 1024.0;
        } finally {
            ServerProcess.deleteTree(plain);
        }
        results.put("rssNoNodeMb", round(withoutNodeMb));
        Path dir = ctx.freshDataDir("node-on");
        boolean ok;
        try (NodeLock lock = NodeLock.acquire()) {
            ServerProcess sp = ServerProcess.startReady(o, dir, "node-pods", NODE);
            try (AdminClient admin = sp.admin()) {
                awaitNodeReady(admin, NODE);
                Thread.sleep(o.idleSeconds() * 1000L);
                double idleMb = sp.memoryKb()[0] / 1024.0;
                results.put("rssNodeIdleMb", round(idleMb));
                admin.ensureNamespace(NAMESPACE);
                long jvmCpu0 = sp.cpuMillis();
                long machineBusy0 = machineBusyMillis();
                long[] latency = startPods(admin, n);
                long jvmCpu = sp.cpuMillis() - jvmCpu0;
                long machineBusy = machineBusyMillis() - machineBusy0;
                // where the CPU went while the pods started: the server JVM (API server + kubelet) and the rest
                // of the machine (containerd, shims, runc, CNI plugins, this bench)
                results.put("burstServerCpuMs", jvmCpu);
                results.put("burstOtherCpuMs", machineBusy - jvmCpu);
                results.put("serverCpuPerPodMs", round((double) jvmCpu / n));
                results.put("otherCpuPerPodMs", round((double) (machineBusy - jvmCpu) / n));
                LatencySummary s = LatencySummary.of(latency);
                results.put("startupP50Ms", round(s.p50Ms()));
                results.put("startupP99Ms", round(s.p99Ms()));
                results.put("startupMaxMs", round(s.maxMs()));
                results.put("upstreamSloMet", s.p99Ms() <= UPSTREAM_SLO_P99_MS);
                Thread.sleep(2000);
                double busyMb = sp.memoryKb()[0] / 1024.0;
                results.put("rssNode" + n + "PodsMb", round(busyMb));
                results.put("containerdAndShimsRssMb", round(runtimeRssKb() / 1024.0));
                results.put("nodeAddsIdleMb", round(idleMb - withoutNodeMb));
                results.put("nodeAdds" + n + "PodsMb", round(busyMb - withoutNodeMb));
                System.out.printf("  startup p50 %.0f ms, p99 %.0f ms; RSS no node %.0f MB, idle node %.0f MB, %d pods %.0f MB%n",
                        s.p50Ms(), s.p99Ms(), withoutNodeMb, idleMb, n, busyMb);
                ok = s.p99Ms() <= GOAL_P99_MS && busyMb - withoutNodeMb <= GOAL_ADDED_MB;
                AdminClient.Reply del = admin.delete("/api/v1/namespaces/" + NAMESPACE + "/pods?gracePeriodSeconds=0");
                if (del.status() != 200) {
                    System.out.println("  delete pods: HTTP " + del.status());
                }
                awaitNoPods(admin);
            } finally {
                sp.close();
                killall(o, dir);
            }
        } finally {
            ServerProcess.deleteTree(dir);
        }
        return new Result(params, results, ok);
    }

    /** Creates n pods at once and returns each one's create-to-Running time in nanoseconds. */
    private static long[] startPods(AdminClient admin, int n) throws Exception {
        Map<String, Long> sent = new ConcurrentHashMap<>();
        Map<String, Long> running = new ConcurrentHashMap<>();
        CompletableFuture<Void> watch = admin.streamLines("/api/v1/namespaces/" + NAMESPACE + "/pods?watch=1", line -> {
            long now = System.nanoTime();
            try {
                JsonNode obj = JSON.readTree(line).path("object");
                if ("Running".equals(obj.path("status").path("phase").asText())) {
                    running.putIfAbsent(obj.path("metadata").path("name").asText(), now);
                }
            } catch (IOException ignored) {
                // a partial line cannot happen with ofLines; skip anything unparsable
            }
        });
        Thread.sleep(300); // the watch is open before the first create
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                String name = "start-" + i;
                pool.submit(() -> {
                    sent.put(name, System.nanoTime());
                    AdminClient.Reply r = admin.post("/api/v1/namespaces/" + NAMESPACE + "/pods", pod(name));
                    if (r.status() != 201) {
                        throw new IOException("create " + name + ": HTTP " + r.status() + " " + r.text());
                    }
                    return null;
                });
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (running.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        watch.cancel(true);
        if (running.size() < n) {
            throw new IOException("only " + running.size() + " of " + n + " pods Running after 120 s");
        }
        long[] out = new long[n];
        List<String> names = new ArrayList<>(sent.keySet());
        for (int i = 0; i < n; i++) {
            out[i] = running.get(names.get(i)) - sent.get(names.get(i));
        }
        return out;
    }

    private static byte[] pod(String name) {
        return ("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"nodeName\":\""
                + NODE + "\",\"terminationGracePeriodSeconds\":1,\"containers\":[{\"name\":\"app\",\"image\":"
                + "\"kube4j.local/kubia:1\",\"imagePullPolicy\":\"IfNotPresent\"}]}}").getBytes(StandardCharsets.UTF_8);
    }

    static void awaitNodeReady(AdminClient admin, String nodeName) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            AdminClient.Reply r = admin.get("/api/v1/nodes/" + nodeName, AdminClient.JSON);
            if (r.status() == 200) {
                JsonNode node = JSON.readTree(r.body());
                boolean ready = false;
                for (JsonNode c : node.path("status").path("conditions")) {
                    ready |= "Ready".equals(c.path("type").asText()) && "True".equals(c.path("status").asText());
                }
                if (ready && !node.path("spec").path("podCIDR").asText().isEmpty()) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new IOException("node " + nodeName + " not Ready after 120 s");
    }

    private static void awaitNoPods(AdminClient admin) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            JsonNode list = JSON.readTree(admin.get("/api/v1/namespaces/" + NAMESPACE + "/pods", AdminClient.JSON).body());
            if (list.path("items").isEmpty()) {
                return;
            }
            Thread.sleep(200);
        }
    }

    /** CPU time all processors spent busy since boot (user, nice, system, irq, softirq), in milliseconds. */
    static long machineBusyMillis() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long ticks = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                + Long.parseLong(f[7]);
        return ticks * 10; // USER_HZ is 100 on Linux
    }

    /** RSS of containerd and every containerd shim, in KiB. */
    private static long runtimeRssKb() {
        long total = 0;
        for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
            String cmd = p.info().command().orElse("");
            if (cmd.endsWith("/containerd") || cmd.endsWith("containerd-shim-runc-v2")) {
                try {
                    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
                        if (line.startsWith("VmRSS:")) {
                            total += Long.parseLong(line.replaceAll("[^0-9]", ""));
                        }
                    }
                } catch (IOException | RuntimeException ignored) {
                    // the process went away
                }
            }
        }
        return total;
    }

    static void killall(BenchOptions o, Path dataDir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(o.java().toString(), "--enable-native-access=ALL-UNNAMED", "-jar",
                o.serverJar().toString(), "killall", "--data-dir", dataDir.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** The machine-wide lock the e2e tests also take: one node per machine at a time. */
    record NodeLock(FileChannel channel, FileLock lock) implements AutoCloseable {
        static NodeLock acquire() throws IOException {
            Path file = Path.of("/run/lock/kube4j-e2e-node.lock");
            Files.createDirectories(file.getParent());
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new NodeLock(ch, ch.lock());
        }

        @Override
        public void close() throws IOException {
            lock.release();
            channel.close();
        }
    }
}
