package io.kube4j.client.testing;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A fabric8 client with a cluster's admin certificate, for tests that start an API server in their own process:
 * the PEMs go into the client's config as they would come from a kubeconfig, with the EC key algorithm kube4j's
 * keys use and namespace {@code default}. Stateless.
 */
public final class AdminClients {
    private AdminClients() {
    }

    /** A client of {@code https://127.0.0.1:port} trusting {@code caPem}, signed in as the admin cert/key pair. */
    public static KubernetesClient of(int port, String caPem, String certPem, String keyPem) {
        Base64.Encoder b64 = Base64.getEncoder();
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("https://127.0.0.1:" + port)
                .withCaCertData(b64.encodeToString(caPem.getBytes(StandardCharsets.UTF_8)))
                .withClientCertData(b64.encodeToString(certPem.getBytes(StandardCharsets.UTF_8)))
                .withClientKeyData(b64.encodeToString(keyPem.getBytes(StandardCharsets.UTF_8)))
                .withClientKeyAlgo("EC").withNamespace("default").build()).build();
    }
}
