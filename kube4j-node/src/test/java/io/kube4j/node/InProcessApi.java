package io.kube4j.node;

import java.nio.file.Path;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kube4j.apiserver.server.ApiServer;
import io.kube4j.apiserver.server.ApiServerOptions;
import io.kube4j.client.testing.AdminClients;

/** An in-memory API server on a free loopback port and an admin fabric8 client of it, for the node's tests. */
public record InProcessApi(ApiServer server, KubernetesClient client) implements AutoCloseable {

    /** Starts a server keeping its files under {@code dir/server}; the client's default namespace is "default". */
    public static InProcessApi start(Path dir) throws Exception {
        ApiServer server = new ApiServer(new ApiServerOptions(dir.resolve("server"), "127.0.0.1", 0, "memory", null,
                null, null,
                io.kube4j.apiserver.resources.admission.AdmissionPlugins.without("ServiceAccount"))).start();
        var pki = server.pki();
        KubernetesClient client = AdminClients.of(server.port(), pki.caPem(), pki.admin().certPem(),
                pki.admin().keyPem());
        return new InProcessApi(server, client);
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
