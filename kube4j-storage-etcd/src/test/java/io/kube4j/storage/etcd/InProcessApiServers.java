package io.kube4j.storage.etcd;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kube4j.apiserver.resources.admission.AdmissionPlugins;
import io.kube4j.apiserver.server.ApiServer;
import io.kube4j.apiserver.server.ApiServerOptions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

/** In-process API servers on etcd, each with a data dir of its own, and fabric8 clients of them, for tests. */
final class InProcessApiServers {
    private InProcessApiServers() {
    }

    /** Starts a server on the store {@code options} describe; servers after the first take its identity. */
    static ApiServer start(Path dir, EtcdOptions options) throws Exception {
        return start(dir, options, null);
    }

    /** The same, advertising {@code advertise} in the kubernetes service's endpoints (null: none, on loopback). */
    static ApiServer start(Path dir, EtcdOptions options, String advertise) throws Exception {
        return new ApiServer(new ApiServerOptions(dir, "127.0.0.1", 0, "etcd", null, null, null,
                AdmissionPlugins.without("ServiceAccount"), advertise), () -> new EtcdStorage(options)).start();
    }

    /**
     * A client of {@code server} with the admin credentials {@code credentials} holds. fabric8's own retries are
     * off, so a test sees each failure and decides where to retry.
     */
    static KubernetesClient client(ApiServer server, ApiServer credentials) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("https://127.0.0.1:" + server.port())
                .withCaCertData(b64(credentials.pki().ca().certPem()))
                .withClientCertData(b64(credentials.pki().admin().certPem()))
                .withClientKeyData(b64(credentials.pki().admin().keyPem()))
                .withClientKeyAlgo("EC").withNamespace("default")
                .withRequestRetryBackoffLimit(0)
                .withConnectionTimeout(2_000)
                .withRequestTimeout(15_000)
                .withWatchReconnectInterval(200)
                .build()).build();
    }

    /** Closes each, in order, whatever fails. */
    static void closeAll(AutoCloseable... all) {
        for (AutoCloseable c : all) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // closing the rest anyway
            }
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
