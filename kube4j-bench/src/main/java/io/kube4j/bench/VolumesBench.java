package io.kube4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Volumes, configuration and identity on the real node: how long a ConfigMap edit takes to reach a mounted volume
 * (read on the node, where the kubelet writes it), how long a pod with a new {@code local-path} claim takes from
 * create to Running (the scheduler's volume binding and the provisioner included), how long a StatefulSet of three
 * with a claim template takes to be ready, and TokenRequest latency. Needs root.
 */
final class VolumesBench implements Benchmark {
    static final String NODE = "bench-node";
    static final String NAMESPACE = "volumes";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EDITS = 5;
    private static final int TOKENS = 200;

    @Override
    public String name() {
        return "volumes";
    }

    @Override
    public String method() {
        return "server with its node: a pod mounting a ConfigMap; " + EDITS + " edits, each timed from the PATCH to the "
                + "new value in the volume's file on the node (polled every 20 ms); a pod with a new local-path claim "
                + "(WaitForFirstConsumer), create -> Running; a StatefulSet of 3 (OrderedReady, one claim each), "
                + "create -> readyReplicas 3; " + TOKENS + " TokenRequests one after another.";
    }

    @Override
    public boolean reportOnly() {
        return true;
    }

    @Override
    public String goal() {
        return "report only: ConfigMap edit -> volume p50/max (upstream: up to the kubelet sync period, 60 s, plus "
                + "its cache TTL); claim pod startup; StatefulSet of 3 ready; TokenRequest p50/p99";
    }

    @Override
    public Result run(BenchContext ctx) throws Exception {
        BenchOptions o = ctx.options();
        Map<String, Object> params = new LinkedHashMap<>(o.common());
        params.put("configMapEdits", EDITS);
        params.put("tokenRequests", TOKENS);
        Map<String, Object> results = new LinkedHashMap<>();
        Path dir = ctx.freshDataDir("volumes");
        try (NodePodStartupBench.NodeLock lock = NodePodStartupBench.NodeLock.acquire()) {
            ServerProcess sp = ServerProcess.startReady(o, dir, "volumes", NODE);
            try (AdminClient admin = sp.admin()) {
                NodePodStartupBench.awaitNodeReady(admin, NODE);
                admin.ensureNamespace(NAMESPACE);
                configMapPropagation(admin, dir, results);
                claimPod(admin, results);
                statefulSet(admin, results);
                tokens(admin, results);
                admin.delete("/api/v1/namespaces/" + NAMESPACE);
            } finally {
                sp.close();
                NodePodStartupBench.killall(o, dir);
            }
        } finally {
            ServerProcess.deleteTree(dir);
        }
        results.forEach((k, v) -> System.out.println("  " + k + ": " + v));
        return new Result(params, results, true);
    }

    private static void configMapPropagation(AdminClient admin, Path dataDir, Map<String, Object> results)
            throws Exception {
        String base = "/api/v1/namespaces/" + NAMESPACE;
        check(admin.post(base + "/configmaps", bytes("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":"
                + "{\"name\":\"cfg\"},\"data\":{\"value\":\"v0\"}}")), 201);
        check(admin.post(base + "/pods", bytes("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"reader\"},"
                + "\"spec\":{\"terminationGracePeriodSeconds\":1,\"containers\":[{\"name\":\"app\",\"image\":"
                + "\"kube4j.local/kubia:1\",\"volumeMounts\":[{\"name\":\"cfg\",\"mountPath\":\"/cfg\"}]}],"
                + "\"volumes\":[{\"name\":\"cfg\",\"configMap\":{\"name\":\"cfg\"}}]}}")), 201);
        JsonNode pod = await(admin, base + "/pods/reader", p -> "Running".equals(p.path("status").path("phase").asText()));
        Path file = dataDir.resolve("agent/pods/" + pod.path("metadata").path("uid").asText()
                + "/volumes/kubernetes.io~configmap/cfg/value");
        long[] latency = new long[EDITS];
        for (int i = 1; i <= EDITS; i++) {
            String value = "v" + i;
            long t0 = System.nanoTime();
            check(admin.mergePatch(base + "/configmaps/cfg", bytes("{\"data\":{\"value\":\"" + value + "\"}}")), 200);
            long deadline = t0 + TimeUnit.SECONDS.toNanos(180);
            while (!value.equals(read(file))) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("edit " + i + " did not reach " + file + " within 180 s");
                }
                Thread.sleep(20);
            }
            latency[i - 1] = System.nanoTime() - t0;
        }
        LatencySummary s = LatencySummary.of(latency);
        results.put("configMapEditToVolumeP50Ms", Math.round(s.p50Ms()));
        results.put("configMapEditToVolumeMaxMs", Math.round(s.maxMs()));
    }

    private static void claimPod(AdminClient admin, Map<String, Object> results) throws Exception {
        String base = "/api/v1/namespaces/" + NAMESPACE;
        long t0 = System.nanoTime();
        check(admin.post(base + "/persistentvolumeclaims", bytes("{\"apiVersion\":\"v1\",\"kind\":\"PersistentVolumeClaim\","
                + "\"metadata\":{\"name\":\"data\"},\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],\"resources\":"
                + "{\"requests\":{\"storage\":\"10Mi\"}}}}")), 201);
        check(admin.post(base + "/pods", bytes("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"writer\"},"
                + "\"spec\":{\"terminationGracePeriodSeconds\":1,\"containers\":[{\"name\":\"app\",\"image\":"
                + "\"kube4j.local/kubia:1\",\"volumeMounts\":[{\"name\":\"data\",\"mountPath\":\"/data\"}]}],"
                + "\"volumes\":[{\"name\":\"data\",\"persistentVolumeClaim\":{\"claimName\":\"data\"}}]}}")), 201);
        await(admin, base + "/pods/writer", p -> "Running".equals(p.path("status").path("phase").asText()));
        results.put("localPathClaimPodStartupMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    private static void statefulSet(AdminClient admin, Map<String, Object> results) throws Exception {
        String base = "/apis/apps/v1/namespaces/" + NAMESPACE + "/statefulsets";
        long t0 = System.nanoTime();
        check(admin.post(base, bytes("{\"apiVersion\":\"apps/v1\",\"kind\":\"StatefulSet\",\"metadata\":{\"name\":\"web\"},"
                + "\"spec\":{\"replicas\":3,\"serviceName\":\"web\",\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
                + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"terminationGracePeriodSeconds\":1,"
                + "\"containers\":[{\"name\":\"app\",\"image\":\"kube4j.local/kubia:1\",\"volumeMounts\":[{\"name\":"
                + "\"data\",\"mountPath\":\"/data\"}]}]}},\"volumeClaimTemplates\":[{\"metadata\":{\"name\":\"data\"},"
                + "\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],\"resources\":{\"requests\":{\"storage\":\"10Mi\"}}}}]}}")),
                201);
        await(admin, base + "/web", s -> s.path("status").path("readyReplicas").asInt() == 3);
        results.put("statefulSet3ReadyMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    private static void tokens(AdminClient admin, Map<String, Object> results) throws Exception {
        String path = "/api/v1/namespaces/" + NAMESPACE + "/serviceaccounts/default/token";
        byte[] body = bytes("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{}}");
        long[] latency = new long[TOKENS];
        for (int i = 0; i < TOKENS; i++) {
            long t0 = System.nanoTime();
            check(admin.post(path, body), 201);
            latency[i] = System.nanoTime() - t0;
        }
        LatencySummary s = LatencySummary.of(latency);
        results.put("tokenRequestP50Ms", Math.round(s.p50Ms() * 10) / 10.0);
        results.put("tokenRequestP99Ms", Math.round(s.p99Ms() * 10) / 10.0);
    }

    private static JsonNode await(AdminClient admin, String path, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            AdminClient.Reply r = admin.get(path, AdminClient.JSON);
            if (r.status() == 200) {
                JsonNode n = JSON.readTree(r.body());
                if (done.test(n)) {
                    return n;
                }
            }
            Thread.sleep(50);
        }
        throw new IOException(path + " did not get there within 180 s");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    private static void check(AdminClient.Reply r, int expected) throws IOException {
        if (r.status() != expected) {
            throw new IOException("HTTP " + r.status() + ": " + r.text());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
