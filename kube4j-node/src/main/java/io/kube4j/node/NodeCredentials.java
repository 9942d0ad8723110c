package io.kube4j.node;

/**
 * What a node needs to talk to the cluster, PEM encoded: the API server's URL and CA, the node's client certificate
 * ({@code system:node:NAME} in {@code system:nodes}) and the kubelet's serving certificate.
 */
public record NodeCredentials(String serverUrl, String caPem, String clientCertPem, String clientKeyPem,
                              String servingCertPem, String servingKeyPem) {
}
