package io.kube4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * kube-proxy's network programming latency on the real node: a selectorless Service and an EndpointSlice, whose one
 * endpoint address is changed N times (spaced beyond kube-proxy's 1 s minimum sync interval); each change is timed from
 * the PATCH request to the moment {@code nft list chains} shows the new endpoint's chain. The addresses are never sent
 * any traffic. Needs root (the node runs containerd and nftables).
 */
final class ProxySyncBench implements Benchmark {
    static final double GOAL_P99_MS = 1000;
    static final String NAMESPACE = "proxy-sync";
    static final int CHANGES = 40;
    static final int SPACING_MS = 1500;

    @Override
    public String name() {
        return "proxy-sync";
    }

    @Override
    public String method() {
        return "server with its node; a selectorless Service and one EndpointSlice; " + CHANGES + " merge-patches of "
                + "the slice's endpoint address, " + SPACING_MS + " ms apart; latency = the new endpoint chain listed by "
                + "`nft list chains ip` (polled every 5 ms) - PATCH sent.";
    }

    @Override
    public String goal() {
        return "EndpointSlice change to nftables rules p99 <= 1 s (spaced changes, no coalescing)";
    }

    @Override
    public Result run(BenchContext ctx) throws Exception {
        BenchOptions o = ctx.options();
        Map<String, Object> params = new LinkedHashMap<>(o.common());
        params.put("changes", CHANGES);
        params.put("spacingMs", SPACING_MS);
        Map<String, Object> results = new LinkedHashMap<>();
        Path dir = ctx.freshDataDir("proxy-sync");
        boolean ok;
        try (NodePodStartupBench.NodeLock lock = NodePodStartupBench.NodeLock.acquire()) {
            ServerProcess sp = ServerProcess.startReady(o, dir, "proxy-sync", NodePodStartupBench.NODE);
            try (AdminClient admin = sp.admin()) {
                NodePodStartupBench.awaitNodeReady(admin, NodePodStartupBench.NODE);
                admin.ensureNamespace(NAMESPACE);
                String base = "/api/v1/namespaces/" + NAMESPACE;
                check(admin.post(base + "/services", json("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":"
                        + "{\"name\":\"bench\"},\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":8080}]}}")), 201);
                String slices = "/apis/discovery.k8s.io/v1/namespaces/" + NAMESPACE + "/endpointslices";
                check(admin.post(slices, json("{\"apiVersion\":\"discovery.k8s.io/v1\",\"kind\":\"EndpointSlice\","
                        + "\"metadata\":{\"name\":\"bench\",\"labels\":{\"kubernetes.io/service-name\":\"bench\"}},"
                        + "\"addressType\":\"IPv4\",\"ports\":[{\"port\":8080,\"protocol\":\"TCP\"}],\"endpoints\":"
                        + endpoints(9) + "}")), 201);
                awaitChain(9);
                long[] latency = new long[CHANGES];
                for (int i = 0; i < CHANGES; i++) {
                    Thread.sleep(SPACING_MS);
                    int host = 10 + i;
                    long t0 = System.nanoTime();
                    check(admin.mergePatch(slices + "/bench", json("{\"endpoints\":" + endpoints(host) + "}")), 200);
                    latency[i] = awaitChain(host) - t0;
                }
                LatencySummary s = LatencySummary.of(latency);
                results.put("endpointChangeToRulesP50Ms", s.p50Ms());
                results.put("endpointChangeToRulesP99Ms", s.p99Ms());
                results.put("endpointChangeToRulesMaxMs", s.maxMs());
                results.put("endpointChangeToRulesMinMs", s.minMs());
                System.out.printf("  endpoint change -> rules: p50 %.0f ms, p99 %.0f ms, max %.0f ms%n", s.p50Ms(),
                        s.p99Ms(), s.maxMs());
                ok = s.p99Ms() <= GOAL_P99_MS;
            } finally {
                sp.close();
                NodePodStartupBench.killall(o, dir);
            }
        } finally {
            ServerProcess.deleteTree(dir);
        }
        return new Result(params, results, ok);
    }

    private static String endpoints(int host) {
        return "[{\"addresses\":[\"10.42.0." + host + "\"],\"conditions\":{\"ready\":true},\"nodeName\":\""
                + NodePodStartupBench.NODE + "\"}]";
    }

    /** Polls nft until the endpoint chain for 10.42.0.HOST exists; returns System.nanoTime() then. */
    private static long awaitChain(int host) throws IOException, InterruptedException {
        String needle = "__10.42.0." + host + "/8080";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Process p = new ProcessBuilder("nft", "list", "chains", "ip").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            if (out.contains(needle)) {
                return System.nanoTime();
            }
            Thread.sleep(5);
        }
        throw new IOException("no nftables chain for 10.42.0." + host + " after 30 s");
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void check(AdminClient.Reply r, int status) throws IOException {
        if (r.status() != status) {
            throw new IOException("HTTP " + r.status() + " " + r.text());
        }
    }
}
