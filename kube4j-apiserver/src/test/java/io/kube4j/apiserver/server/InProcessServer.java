package io.kube4j.apiserver.server;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.nio.file.Files;
import java.nio.file.Path;

/** Starts an API server in this JVM on a free port, and hands out admin clients for it. */
final class InProcessServer implements AutoCloseable {
    final ApiServer server;
    final Path dataDir;

    InProcessServer(String storage) throws Exception {
        dataDir = Files.createTempDirectory("kube4j-it");
        server = new ApiServer(new ApiServerOptions(dataDir, "127.0.0.1", 0, storage, null, null, null,
                io.kube4j.apiserver.resources.admission.AdmissionPlugins.without("ServiceAccount"))).start();
    }

    String url() {
        return "https://127.0.0.1:" + server.port();
    }

    KubernetesClient client() {
        return client(server);
    }

    /** An admin client of {@code server}. */
    static KubernetesClient client(ApiServer server) {
        Config config = new ConfigBuilder()
                .withMasterUrl("https://127.0.0.1:" + server.port())
                .withCaCertData(b64(server.pki().ca().certPem()))
                .withClientCertData(b64(server.pki().admin().certPem()))
                .withClientKeyData(b64(server.pki().admin().keyPem()))
                .withClientKeyAlgo("EC")
                .withNamespace("default")
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private static String b64(String s) {
        return java.util.Base64.getEncoder().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws Exception {
        server.close();
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
