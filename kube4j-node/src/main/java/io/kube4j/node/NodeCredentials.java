package io.kube4j.node;

/**
 * What a node needs to talk to the cluster, PEM encoded: the API server's URL and CA, the node's client certificate
 * ({@code system:node:NAME} in {@code system:nodes}) and the kubelet's serving certificate.
 */
public record NodeCredentials(String serverUrl, String caPem, String clientCertPem, String clientKeyPem,
                              String servingCertPem, String servingKeyPem) {
    /** A client configuration that authenticates with the node's client certificate. */
    public io.fabric8.kubernetes.client.Config clientConfig() {
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        return new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl(serverUrl)
                .withCaCertData(b64.encodeToString(caPem.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .withClientCertData(b64.encodeToString(clientCertPem.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .withClientKeyData(b64.encodeToString(clientKeyPem.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .withClientKeyAlgo("EC").withRequestTimeout(60_000).build();
    }
}
