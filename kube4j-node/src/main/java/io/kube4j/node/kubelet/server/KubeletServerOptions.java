package io.kube4j.node.kubelet.server;

import java.util.Objects;

/**
 * Options of the kubelet's HTTPS server.
 *
 * @param host          address to bind ("0.0.0.0" for all; tests use "127.0.0.1")
 * @param port          TCP port; upstream's default is 10250; 0 picks a free one
 * @param certPem       serving certificate (chain) as PEM
 * @param keyPem        serving key as PEM (PKCS#8, PKCS#1 RSA or SEC1 EC)
 * @param clientCaPem   CA bundle, as PEM, that client certificates must chain to (the API
 *                      server's kubelet-client certificate is signed by it)
 */
public record KubeletServerOptions(String host, int port, String certPem, String keyPem, String clientCaPem) {
    public static final int DEFAULT_PORT = 10250;

    public KubeletServerOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(certPem, "certPem");
        Objects.requireNonNull(keyPem, "keyPem");
        Objects.requireNonNull(clientCaPem, "clientCaPem");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** All addresses, port 10250. */
    public static KubeletServerOptions of(String certPem, String keyPem, String clientCaPem) {
        return new KubeletServerOptions("0.0.0.0", DEFAULT_PORT, certPem, keyPem, clientCaPem);
    }

    public KubeletServerOptions withAddress(String h, int p) {
        return new KubeletServerOptions(h, p, certPem, keyPem, clientCaPem);
    }
}
