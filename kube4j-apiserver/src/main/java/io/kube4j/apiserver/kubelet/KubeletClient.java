package io.kube4j.apiserver.kubelet;

import io.kube4j.apiserver.pki.ClusterPki;
import io.kube4j.apiserver.pki.PkiTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.TrustOptions;

/**
 * The API server's connections to kubelets: HTTPS with the API server's kubelet client
 * certificate ({@link ClusterPki#kubeletClientCertificate()}), verifying the kubelet's serving
 * certificate against the cluster CA, host name included. HTTP/1.1 only, as upgrades need it.
 * Created once per API server; thread-safe (Vert.x clients are).
 */
public final class KubeletClient implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final HttpClientAgent http;
    private final NetClient net;

    public KubeletClient(Vertx vertx, ClusterPki pki) {
        KeyCertOptions identity = KeyCertOptions.wrap(PkiTls.clientKeyManager(pki.kubeletClientCertificate(), pki.ca()));
        TrustOptions trust = TrustOptions.wrap(PkiTls.trust(pki.ca()));
        http = vertx.createHttpClient(new HttpClientOptions()
                .setSsl(true)
                .setKeyCertOptions(identity)
                .setTrustOptions(trust)
                .setVerifyHost(true)
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setKeepAlive(true)
                .setConnectTimeout(CONNECT_TIMEOUT_MILLIS)
                .setDecompressionSupported(false), new PoolOptions().setHttp1MaxSize(1024));
        net = vertx.createNetClient(new NetClientOptions()
                .setSsl(true)
                .setKeyCertOptions(identity)
                .setTrustOptions(trust)
                .setHostnameVerificationAlgorithm("HTTPS")
                .setConnectTimeout(CONNECT_TIMEOUT_MILLIS));
    }

    /** Opens a plain request to the kubelet; the caller sends it and reads the response. */
    public Future<HttpClientRequest> request(HttpMethod method, KubeletLocation location) {
        return http.request(new RequestOptions().setMethod(method).setHost(location.host()).setPort(location.port())
                .setURI(location.uri()));
    }

    /** Opens a TLS connection to the kubelet, on which the caller speaks HTTP/1.1 itself (upgrades). */
    public Future<NetSocket> connect(KubeletLocation location) {
        return net.connect(location.port(), location.host());
    }

    @Override
    public void close() {
        http.close();
        net.close();
    }
}
