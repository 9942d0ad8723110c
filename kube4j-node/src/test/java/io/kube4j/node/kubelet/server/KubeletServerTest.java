package io.kube4j.node.kubelet.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.PemKeyCertOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class KubeletServerTest {
    static Vertx vertx;
    static FakeStreamingRuntime runtime;
    static NetServer echo;
    static KubeletServer kubelet;
    static int port;
    static TestCerts client;
    static Path logDir;
    static final List<String> requested = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        runtime = new FakeStreamingRuntime(vertx);
        echo = vertx.createNetServer().connectHandler(s -> s.handler(s::write))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        logDir = Files.createTempDirectory("kubelet-logs");
        Files.writeString(logDir.resolve("0.log"), """
                2024-05-01T10:00:00.5Z stdout F first
                2024-05-01T10:00:01Z stderr F second
                """);
        TestCerts serving = TestCerts.selfSigned("kubelet");
        client = TestCerts.selfSigned("kube-apiserver-kubelet-client");
        ContainerLocator locator = (ns, pod, container, previous) -> {
            if (!pod.equals("web")) {
                throw KubeletStatusException.podNotFound(pod);
            }
            if (previous) {
                throw KubeletStatusException.previousNotFound(container, pod);
            }
            return new ContainerLocator.ContainerLog(logDir.resolve("0.log"), () -> false);
        };
        StreamingRuntime streaming = new StreamingRuntime() {
            @Override
            public String execUrl(String ns, String pod, String container, List<String> command, StreamOptions opts) {
                requested.add("exec " + ns + "/" + pod + "/" + container + " " + command + " " + opts);
                if (!pod.equals("web")) {
                    throw new KubeletStatusException(404, "pod does not exist");
                }
                return runtime.url("/exec/" + command.get(0));
            }

            @Override
            public String attachUrl(String ns, String pod, String container, StreamOptions opts) {
                requested.add("attach " + opts);
                return runtime.url("/attach/exit0");
            }

            @Override
            public String portForwardUrl(String ns, String pod) {
                return runtime.url("/portforward/tok");
            }
        };
        kubelet = new KubeletServer(vertx, new KubeletServerOptions("127.0.0.1", 0, serving.certPem(), serving.keyPem(),
                client.certPem()), locator, streaming, Clock.systemUTC());
        port = kubelet.start();
    }

    @AfterAll
    static void stop() throws Exception {
        kubelet.close();
        runtime.close();
        echo.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static HttpClient http(boolean withCert) {
        HttpClientOptions o = new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false);
        if (withCert) {
            o.setKeyCertOptions(new PemKeyCertOptions().addCertValue(Buffer.buffer(client.certPem()))
                    .addKeyValue(Buffer.buffer(client.keyPem())));
        }
        return vertx.createHttpClient(o);
    }

    private record Answer(int status, String body, String contentType) {
    }

    private static Answer get(String uri, boolean withCert) throws Exception {
        HttpClient c = http(withCert);
        try {
            return c.request(HttpMethod.GET, port, "127.0.0.1", uri)
                    .compose(r -> r.send())
                    .compose((HttpClientResponse r) -> r.body().map(b -> new Answer(r.statusCode(), b.toString(), r.getHeader("Content-Type"))))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            c.close();
        }
    }

    @Test
    void healthzNeedsAClientCertificate() throws Exception {
        assertThat(get("/healthz", true)).isEqualTo(new Answer(200, "ok", "text/plain; charset=utf-8"));
        assertThat(get("/healthz", false).status()).isEqualTo(401);
        assertThat(get("/nothing/here", true).status()).isEqualTo(404);
    }

    @Test
    void containerLogs() throws Exception {
        assertThat(get("/containerLogs/default/web/app", true).body()).isEqualTo("first\nsecond\n");
        assertThat(get("/containerLogs/default/web/app?tailLines=1&timestamps=true", true).body())
                .isEqualTo("2024-05-01T10:00:01.000000000Z second\n");
        assertThat(get("/containerLogs/default/web/app?limitBytes=3", true).body()).isEqualTo("fir");
        assertThat(get("/containerLogs/default/web/app?sinceTime=2024-05-01T10:00:01Z", true).body()).isEqualTo("second\n");
        assertThat(get("/containerLogs/default/web/app?previous=true", true))
                .isEqualTo(new Answer(400, "previous terminated container \"app\" in pod \"web\" not found", "text/plain; charset=utf-8"));
        assertThat(get("/containerLogs/default/db/app", true)).extracting(Answer::status, Answer::body)
                .containsExactly(404, "pod \"db\" does not exist");
        assertThat(get("/containerLogs/default/web/app?tailLines=-1", true)).extracting(Answer::status, Answer::body)
                .containsExactly(422, "{\"message\": \"Invalid request.\"}");
        assertThat(get("/containerLogs/default/web/app?tailLines=x", true)).extracting(Answer::status, Answer::body)
                .containsExactly(400, "{\"message\": \"Unable to decode query.\"}");
    }

    /** Messages received on a channel WebSocket, and how it closed. */
    private static final class Session {
        final WebSocket ws;
        final List<String> messages = new CopyOnWriteArrayList<>();
        final CompletableFuture<Short> closed = new CompletableFuture<>();

        Session(WebSocket ws, boolean base64) {
            this.ws = ws;
            ws.binaryMessageHandler(b -> messages.add((b.getByte(0) & 0xff) + ":" + b.getString(1, b.length())));
            ws.textMessageHandler(t -> messages.add((t.charAt(0) - '0') + ":" + new String(
                    java.util.Base64.getDecoder().decode(t.substring(1)), StandardCharsets.UTF_8)));
            ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
        }

        String channel(int ch) {
            StringBuilder sb = new StringBuilder();
            for (String m : messages) {
                if (m.startsWith(ch + ":")) {
                    sb.append(m.substring((ch + ":").length()));
                }
            }
            return sb.toString();
        }

        void send(int ch, String data) {
            ws.writeBinaryMessage(Buffer.buffer().appendByte((byte) ch).appendString(data));
        }
    }

    private static Session connect(String uri, String... protocols) throws Exception {
        WebSocketClient wsc = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true).setTrustAll(true)
                .setVerifyHost(false).setKeyCertOptions(new PemKeyCertOptions().addCertValue(Buffer.buffer(client.certPem()))
                        .addKeyValue(Buffer.buffer(client.keyPem()))));
        Future<WebSocket> f = wsc.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri)
                .setSubProtocols(List.of(protocols)));
        // handlers go on in the connection's own event loop, before it can deliver the server's first message
        return f.map(ws -> new Session(ws, ws.subProtocol() != null && ws.subProtocol().contains("base64")))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void execV5ClosesStdinAndPassesTheExitStatusUnchanged() throws Exception {
        long closedBefore = runtime.events.stream().filter("stdin closed"::equals).count();
        Session s = connect("/exec/default/web/app?command=exit3&command=-x&input=true&output=true&error=true",
                "v5.channel.k8s.io");
        assertThat(s.ws.subProtocol()).isEqualTo("v5.channel.k8s.io");
        s.send(0, "hello ");
        s.send(0, "world");
        await().atMost(5, TimeUnit.SECONDS).until(() -> s.channel(1).equals("hello world"));
        assertThat(runtime.events.stream().filter("stdin closed"::equals).count()).isEqualTo(closedBefore);
        s.ws.writeBinaryMessage(Buffer.buffer(new byte[]{(byte) 255, 0}));
        assertThat(s.closed.get(5, TimeUnit.SECONDS)).isEqualTo((short) 1000);
        assertThat(s.channel(2)).isEqualTo("bye\n");
        assertThat(s.channel(3)).contains("\"reason\":\"NonZeroExitCode\"")
                .contains("{\"reason\":\"ExitCode\",\"message\":\"3\"}");
        assertThat(requested).contains("exec default/web/app [exit3, -x] StreamOptions[stdin=true, stdout=true, stderr=true, tty=false]");
    }

    @Test
    void execV4WithoutStdinGetsSuccess() throws Exception {
        Session s = connect("/exec/default/web/app?command=nostdin&output=1", "v4.channel.k8s.io", "channel.k8s.io");
        assertThat(s.ws.subProtocol()).isEqualTo("v4.channel.k8s.io");
        assertThat(s.closed.get(5, TimeUnit.SECONDS)).isEqualTo((short) 1000);
        assertThat(s.channel(1)).isEqualTo("hi\n");
        assertThat(s.channel(3)).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
        // the first message is the empty one on stdout that says the session is up
        assertThat(s.messages.get(0)).isEqualTo("1:");
    }

    @Test
    void execV1GetsOnlyTheFailureMessage() throws Exception {
        Session s = connect("/exec/default/web/app?command=exit2&input=1&output=1", "channel.k8s.io");
        s.send(0, "x");
        await().atMost(5, TimeUnit.SECONDS).until(() -> s.channel(1).equals("x"));
        s.ws.close();
        // v1 has no stdin close: the client's close ends the session
        assertThat(s.closed.get(5, TimeUnit.SECONDS)).isNotNull();
        Session b = connect("/exec/default/web/app?command=nostdin&output=1", "base64.channel.k8s.io");
        assertThat(b.closed.get(5, TimeUnit.SECONDS)).isEqualTo((short) 1000);
        assertThat(b.ws.subProtocol()).isEqualTo("base64.channel.k8s.io");
        assertThat(b.channel(1)).isEqualTo("hi\n");
        assertThat(b.channel(3)).isEmpty();
    }

    @Test
    void execTtyForwardsResizeAndDropsStderr() throws Exception {
        Session s = connect("/exec/default/web/app?command=exit0&input=1&output=1&error=1&tty=1", "v5.channel.k8s.io");
        s.send(4, "{\"Width\":80,\"Height\":24}");
        await().atMost(5, TimeUnit.SECONDS).until(() -> runtime.events.contains("resize {\"Width\":80,\"Height\":24}"));
        s.ws.writeBinaryMessage(Buffer.buffer(new byte[]{(byte) 255, 0}));
        assertThat(s.closed.get(5, TimeUnit.SECONDS)).isEqualTo((short) 1000);
        assertThat(s.channel(3)).contains("Success");
        assertThat(requested).contains("exec default/web/app [exit0] StreamOptions[stdin=true, stdout=true, stderr=false, tty=true]");
    }

    @Test
    void streamingErrorsArePlainHttp() throws Exception {
        assertThat(get("/exec/default/web/app?command=ls", true)).extracting(Answer::status, Answer::body)
                .containsExactly(400, "you must specify at least 1 of stdin, stdout, stderr");
        assertThat(get("/exec/default/web/app?command=ls&output=1", true)).extracting(Answer::status, Answer::body)
                .containsExactly(400, "Upgrade request required");
        assertThat(get("/portForward/default/web", true).status()).isEqualTo(400);
    }

    @Test
    void portForwardOverChannelWebSocket() throws Exception {
        int p = echo.actualPort();
        Session s = connect("/portForward/default/web?port=" + p, "v4.channel.k8s.io");
        await().atMost(5, TimeUnit.SECONDS).until(() -> s.messages.size() >= 2);
        String portBytes = new String(new byte[]{(byte) (p & 0xff), (byte) (p >> 8)}, StandardCharsets.ISO_8859_1);
        assertThat(s.messages.get(0)).isEqualTo("0:" + new String(portBytes.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        assertThat(s.messages).hasSize(2);
        s.send(0, "ping");
        await().atMost(5, TimeUnit.SECONDS).until(() -> s.messages.contains("0:ping"));
        assertThat(runtime.events).contains("pf data port=" + p + " requestid=0", "pf error port=" + p + " requestid=0");
        s.ws.close();
    }

    @Test
    void portForwardSpdyTunnelledInWebSocket() throws Exception {
        int p = echo.actualPort();
        Session s = connect("/portForward/default/web", "SPDY/3.1+portforward.k8s.io");
        assertThat(s.ws.subProtocol()).isEqualTo("SPDY/3.1+portforward.k8s.io");
        StringBuilder got = new StringBuilder();
        SpdySession spdy = new SpdySession(true, s.ws::writeBinaryMessage, new SpdySession.Listener() {
            @Override
            public void onData(int id, Buffer data) {
                synchronized (got) {
                    got.append(data);
                }
            }
        });
        vertx.runOnContext(v -> {
            s.ws.binaryMessageHandler(spdy::feed);
            spdy.open(java.util.Map.of("streamType", "error", "port", Integer.toString(p), "requestID", "7"));
            int data = spdy.open(java.util.Map.of("streamType", "data", "port", Integer.toString(p), "requestID", "7"));
            spdy.write(data, Buffer.buffer("tunnelled"), false);
        });
        await().atMost(5, TimeUnit.SECONDS).until(() -> {
            synchronized (got) {
                return got.toString().equals("tunnelled");
            }
        });
        s.ws.close();
    }

    @Test
    void spdyClientsArePipedToTheRuntime() throws Exception {
        io.vertx.core.net.NetClient nc = vertx.createNetClient(new io.vertx.core.net.NetClientOptions().setSsl(true)
                .setTrustAll(true).setHostnameVerificationAlgorithm("")
                .setKeyCertOptions(new PemKeyCertOptions().addCertValue(Buffer.buffer(client.certPem()))
                        .addKeyValue(Buffer.buffer(client.keyPem()))));
        io.vertx.core.net.NetSocket sock = nc.connect(port, "127.0.0.1").toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        StringBuilder head = new StringBuilder();
        java.util.Map<Integer, StringBuilder> byStream = new java.util.concurrent.ConcurrentHashMap<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        SpdySession spdy = new SpdySession(true, sock::write, new SpdySession.Listener() {
            @Override
            public void onData(int id, Buffer data) {
                byStream.computeIfAbsent(id, k -> new StringBuilder()).append(data);
            }
        });
        int[] ids = new int[3];
        CompletableFuture<String> upgraded = new CompletableFuture<>();
        sock.closeHandler(v -> closed.complete(null));
        sock.handler(b -> {
            if (!upgraded.isDone()) {
                head.append(b.toString(StandardCharsets.ISO_8859_1));
                int end = head.indexOf("\r\n\r\n");
                if (end >= 0) {
                    upgraded.complete(head.substring(0, end));
                    ids[0] = spdy.open(java.util.Map.of("streamType", "error"));
                    ids[1] = spdy.open(java.util.Map.of("streamType", "stdin"));
                    ids[2] = spdy.open(java.util.Map.of("streamType", "stdout"));
                    spdy.write(ids[1], Buffer.buffer("over spdy"), true);
                }
                return;
            }
            spdy.feed(b);
        });
        sock.write("POST /exec/default/web/app?command=exit0&input=1&output=1 HTTP/1.1\r\nHost: kubelet\r\n"
                + "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n"
                + "X-Stream-Protocol-Version: channel.k8s.io\r\nContent-Length: 0\r\n\r\n");
        assertThat(upgraded.get(10, TimeUnit.SECONDS)).startsWith("HTTP/1.1 101")
                .containsIgnoringCase("X-Stream-Protocol-Version: v4.channel.k8s.io");
        closed.get(10, TimeUnit.SECONDS);
        assertThat(byStream.get(ids[2]).toString()).isEqualTo("over spdy");
        assertThat(byStream.get(ids[0]).toString()).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
        nc.close();
    }

    @Test
    void unsupportedSubprotocolIsRefused() throws Exception {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> connect("/exec/default/web/app?command=x&output=1",
                "v9.channel.k8s.io"))).isNotNull();
    }
}
