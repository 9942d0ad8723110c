package io.kube4j.apiserver.server;

import io.kube4j.apiserver.pki.ClusterPki;
import io.kube4j.apiserver.pki.PkiTls;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A kubelet stand-in for the API server's tests: HTTPS with a serving certificate from the cluster
 * CA, client certificates required, and the kubelet's paths: {@code /containerLogs} answers fixed
 * lines (and, with follow, keeps the stream open for the test to feed), {@code /exec} echoes what
 * it gets over WebSocket or over a raw SPDY-style upgrade.
 */
final class FakeKubelet implements AutoCloseable {
    /** What one request looked like when it reached the kubelet. */
    record Seen(String method, String uri, Map<String, List<String>> headers, String clientSubject) {
    }

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    final AtomicReference<HttpServerResponse> following = new AtomicReference<>();
    final CountDownLatch followStarted = new CountDownLatch(1);
    final CountDownLatch followClosed = new CountDownLatch(1);
    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;

    FakeKubelet(ClusterPki pki) throws Exception {
        ClusterPki.CertKey serving = pki.issueKubeletServing("node-a", List.of("127.0.0.1"));
        server = vertx.createHttpServer(new HttpServerOptions()
                .setHost("127.0.0.1").setPort(0).setSsl(true)
                .setKeyCertOptions(KeyCertOptions.wrap(PkiTls.keyManager(serving, pki.ca())))
                .setTrustOptions(TrustOptions.wrap(PkiTls.trust(pki.ca())))
                .setClientAuth(ClientAuth.REQUIRED)
                .setWebSocketSubProtocols(List.of("v5.channel.k8s.io", "v4.channel.k8s.io", "SPDY/3.1+portforward.k8s.io")))
                .requestHandler(this::handle);
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    int port() {
        return server.actualPort();
    }

    private void handle(HttpServerRequest req) {
        String subject;
        try {
            subject = ((X509Certificate) req.connection().peerCertificates().get(0)).getSubjectX500Principal().getName();
        } catch (SSLPeerUnverifiedException e) {
            subject = "";
        }
        Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        req.headers().forEach(h -> headers.computeIfAbsent(h.getKey(), k -> new java.util.ArrayList<>()).add(h.getValue()));
        seen.add(new Seen(req.method().name(), req.uri(), headers, subject));
        String path = req.path();
        if (path.startsWith("/containerLogs/")) {
            logs(req, path);
        } else if (path.startsWith("/exec/") || path.startsWith("/portForward/")) {
            exec(req, path);
        } else {
            req.response().setStatusCode(404).end("404 page not found\n");
        }
    }

    private void logs(HttpServerRequest req, String path) {
        switch (path) {
            case "/containerLogs/default/p2/c2" -> req.response().setStatusCode(400).putHeader("Content-Type", "text/plain")
                    .end("container \"c2\" in pod \"p2\" is waiting to start: ContainerCreating");
            case "/containerLogs/default/p2/init" -> req.response().setStatusCode(404).end("no such container");
            case "/containerLogs/default/p2/c1" -> req.response().setStatusCode(500).end("runtime is down");
            default -> {
                HttpServerResponse resp = req.response().setChunked(true).putHeader("Content-Type", "text/plain");
                if ("true".equals(req.getParam("follow"))) {
                    resp.closeHandler(v -> followClosed.countDown());
                    resp.write("line 1\n");
                    following.set(resp);
                    followStarted.countDown();
                } else {
                    resp.write("line 1\n");
                    resp.end("line 2\n");
                }
            }
        }
    }

    private void exec(HttpServerRequest req, String path) {
        if (path.endsWith("/c2")) {
            req.response().setStatusCode(500).putHeader("Content-Type", "text/plain").end("exec failed: runtime is down");
            return;
        }
        String upgrade = req.getHeader("Upgrade");
        if ("websocket".equalsIgnoreCase(upgrade)) {
            List<String> command = List.copyOf(req.params().getAll("command"));
            req.toWebSocket().onSuccess(ws -> {
                if (!command.isEmpty() && command.get(0).equals("echo")) {
                    // what a kubelet says over v5.channel.k8s.io: stdout on channel 1, the exit status on channel 3
                    ws.writeBinaryMessage(Buffer.buffer().appendByte((byte) 1)
                            .appendString(String.join(" ", command.subList(1, command.size())) + "\n"));
                    ws.writeBinaryMessage(Buffer.buffer().appendByte((byte) 3)
                            .appendString("{\"metadata\":{},\"status\":\"Success\"}"));
                    ws.close();
                } else {
                    ws.binaryMessageHandler(ws::writeBinaryMessage);
                }
            });
            return;
        }
        if (upgrade != null && upgrade.startsWith("SPDY/")) {
            HttpServerResponse resp = req.response();
            resp.putHeader("Connection", "Upgrade");
            resp.putHeader("Upgrade", "SPDY/3.1");
            resp.putHeader("X-Stream-Protocol-Version", "v4.channel.k8s.io");
            PodConnectProxy.clientSocket(req).onSuccess(sock -> sock.handler(b -> sock.write(Buffer.buffer("echo:").appendBuffer(b))));
            return;
        }
        req.response().setStatusCode(400).end("Upgrade request required");
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
