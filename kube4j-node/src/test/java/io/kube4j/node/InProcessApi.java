package io.kube4j.node;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kube4j.apiserver.server.ApiServer;
import io.kube4j.apiserver.server.ApiServerOptions;

/** An in-memory API server on a free loopback port and an admin fabric8 client of it, for the node's tests. */
public record InProcessApi(ApiServer server, KubernetesClient client) implements AutoCloseable {

    /** Starts a server keeping its files under {@code dir/server}; the client's default namespace is "default". */
    public static InProcessApi start(Path dir) throws Exception {
        ApiServer server = new ApiServer(new ApiServerOptions(dir.resolve("server"), "127.0.0.1", 0, "memory", null,
                null, null,
                io.kube4j.apiserver.resources.admission.AdmissionPlugins.without("ServiceAccount"))).start();
        Base64.Encoder b64 = Base64.getEncoder();
        var pki = server.pki();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("https://127.0.0.1:" + server.port())
                .withCaCertData(b64.encodeToString(pki.caPem().getBytes(StandardCharsets.UTF_8)))
                .withClientCertData(b64.encodeToString(pki.admin().certPem().getBytes(StandardCharsets.UTF_8)))
                .withClientKeyData(b64.encodeToString(pki.admin().keyPem().getBytes(StandardCharsets.UTF_8)))
                .withClientKeyAlgo("EC").withNamespace("default").build()).build();
        return new InProcessApi(server, client);
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
