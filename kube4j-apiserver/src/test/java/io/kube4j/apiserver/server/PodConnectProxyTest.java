package io.kube4j.apiserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.pki.ClusterPki;
import io.kube4j.apiserver.pki.PkiTls;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pod log, exec and the kubelet proxy end to end: an in-process API server, a fake kubelet on
 * loopback registered through a Node object, and clients speaking HTTP/2, WebSocket and raw
 * SPDY-style upgrades.
 */
class PodConnectProxyTest {
    static InProcessServer server;
    static FakeKubelet kubelet;
    static SSLContext admin;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        server = new InProcessServer("memory");
        ClusterPki pki = server.server.pki();
        kubelet = new FakeKubelet(pki);
        admin = SSLContext.getInstance("TLS");
        admin.init(new KeyManager[]{PkiTls.clientKeyManager(pki.admin(), pki.ca())},
                PkiTls.trust(pki.ca()).getTrustManagers(), null);
        http = HttpClient.newBuilder().sslContext(admin).connectTimeout(Duration.ofSeconds(30)).build();
        post("/api/v1/nodes", """
                {"apiVersion":"v1","kind":"Node","metadata":{"name":"node-a"},
                 "status":{"addresses":[{"type":"Hostname","address":"node-a"},{"type":"InternalIP","address":"127.0.0.1"}],
                           "daemonEndpoints":{"kubeletEndpoint":{"Port":%d}}}}""".formatted(kubelet.port()));
        post("/api/v1/namespaces/default/pods", pod("p1", "node-a", "\"containers\":[{\"name\":\"c1\",\"image\":\"busybox\"}]"));
        post("/api/v1/namespaces/default/pods", pod("p2", "node-a",
                "\"initContainers\":[{\"name\":\"init\",\"image\":\"busybox\"}],"
                        + "\"containers\":[{\"name\":\"c1\",\"image\":\"busybox\"},{\"name\":\"c2\",\"image\":\"busybox\"}]"));
        post("/api/v1/namespaces/default/pods", pod("pending", null, "\"containers\":[{\"name\":\"c1\",\"image\":\"busybox\"}]"));
    }

    @AfterAll
    static void stop() throws Exception {
        kubelet.close();
        server.close();
    }

    private static String pod(String name, String node, String containers) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{"
                + (node == null ? "" : "\"nodeName\":\"" + node + "\",") + containers + "}}";
    }

    private static void post(String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode status(HttpResponse<String> r) {
        return Json.parse(r.body());
    }

    // ------------------------------------------------------------------ logs

    @Test
    void logsAreStreamedFromTheKubeletWithTheApiServersClientCertificate() throws Exception {
        HttpResponse<String> r = get("/api/v1/namespaces/default/pods/p1/log?tailLines=5&timestamps=true&limitBytes=100");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("line 1\nline 2\n");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain");
        FakeKubelet.Seen seen = kubelet.seen.stream().filter(s -> s.uri().startsWith("/containerLogs/default/p1/c1?limit"))
                .findFirst().orElseThrow();
        assertThat(seen.uri()).isEqualTo("/containerLogs/default/p1/c1?limitBytes=100&tailLines=5&timestamps=true");
        assertThat(seen.clientSubject()).contains("CN=kube-apiserver-kubelet-client").contains("O=system:masters");
    }

    @Test
    void followStreamsDataAsItArrivesAndAClientThatLeavesClosesTheKubeletStream() throws Exception {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(
                URI.create(server.url() + "/api/v1/namespaces/default/pods/p1/log?follow=true")).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        assertThat(lines.readLine()).isEqualTo("line 1");
        assertThat(kubelet.followStarted.await(10, TimeUnit.SECONDS)).isTrue();
        // data written later by the kubelet reaches the client while the stream stays open
        kubelet.following.get().write("line 2\n");
        assertThat(lines.readLine()).isEqualTo("line 2");
        assertThat(kubelet.followClosed.getCount()).isEqualTo(1);
        r.body().close();
        assertThat(kubelet.followClosed.await(10, TimeUnit.SECONDS)).as("kubelet stream closed").isTrue();
    }

    @Test
    void kubeletErrorsComeBackAsUpstreamsStatuses() throws Exception {
        HttpResponse<String> bad = get("/api/v1/namespaces/default/pods/p2/log?container=c2");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(status(bad).path("reason").asText()).isEqualTo("BadRequest");
        assertThat(status(bad).path("message").asText())
                .isEqualTo("container \"c2\" in pod \"p2\" is waiting to start: ContainerCreating");

        HttpResponse<String> missing = get("/api/v1/namespaces/default/pods/p2/log?container=init");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(status(missing).path("message").asText())
                .isEqualTo("the server could not find the requested resource ( pods/log p2)");
        assertThat(status(missing).path("details").path("kind").asText()).isEqualTo("pods/log");

        HttpResponse<String> down = get("/api/v1/namespaces/default/pods/p2/log?container=c1");
        assertThat(down.statusCode()).isEqualTo(500);
        assertThat(status(down).path("message").asText()).isEqualTo("Internal error occurred: runtime is down");
    }

    @Test
    void logRequestsAreValidatedAsUpstreamDoes() throws Exception {
        HttpResponse<String> noContainer = get("/api/v1/namespaces/default/pods/p2/log");
        assertThat(noContainer.statusCode()).isEqualTo(400);
        assertThat(status(noContainer).path("message").asText())
                .isEqualTo("a container name must be specified for pod p2, choose one of: [init c1 c2]");

        HttpResponse<String> wrong = get("/api/v1/namespaces/default/pods/p1/log?container=nope");
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(status(wrong).path("message").asText()).isEqualTo("container nope is not valid for pod p1");

        HttpResponse<String> noPod = get("/api/v1/namespaces/default/pods/missing/log");
        assertThat(noPod.statusCode()).isEqualTo(404);
        assertThat(status(noPod).path("message").asText()).isEqualTo("pods \"missing\" not found");

        HttpResponse<String> negative = get("/api/v1/namespaces/default/pods/p1/log?tailLines=-1&limitBytes=0");
        assertThat(negative.statusCode()).isEqualTo(422);
        assertThat(status(negative).path("message").asText()).isEqualTo("PodLogOptions \"p1\" is invalid: "
                + "[tailLines: Invalid value: -1: must be greater than or equal to 0, "
                + "limitBytes: Invalid value: 0: must be greater than 0]");

        HttpResponse<String> both = get("/api/v1/namespaces/default/pods/p1/log?sinceSeconds=5&sinceTime=2024-01-01T00:00:00Z");
        assertThat(both.statusCode()).isEqualTo(422);
        assertThat(status(both).path("message").asText()).isEqualTo(
                "PodLogOptions \"p1\" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified");

        HttpResponse<String> notNumber = get("/api/v1/namespaces/default/pods/p1/log?tailLines=ten");
        assertThat(notNumber.statusCode()).isEqualTo(400);

        // a pod not yet on a node has an empty log
        HttpResponse<String> pending = get("/api/v1/namespaces/default/pods/pending/log");
        assertThat(pending.statusCode()).isEqualTo(200);
        assertThat(pending.body()).isEmpty();
    }

    // ------------------------------------------------------------------ exec

    @Test
    void execOverWebSocketIsSplicedWithTheKubeletsSubprotocol() throws Exception {
        CompletableFuture<ByteBuffer> echoed = new CompletableFuture<>();
        WebSocket ws = http.newWebSocketBuilder().subprotocols("v5.channel.k8s.io", "v4.channel.k8s.io")
                .buildAsync(URI.create(server.url().replace("https://", "wss://")
                        + "/api/v1/namespaces/default/pods/p1/exec?command=sh&command=-c&command=echo%20hi&stdin=true&stdout=true&tty=true"),
                        new WebSocket.Listener() {
                            final ByteArrayOutputStream got = new ByteArrayOutputStream();

                            @Override
                            public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                                byte[] b = new byte[data.remaining()];
                                data.get(b);
                                got.writeBytes(b);
                                if (last) {
                                    echoed.complete(ByteBuffer.wrap(got.toByteArray()));
                                }
                                w.request(1);
                                return null;
                            }
                        }).get(10, TimeUnit.SECONDS);
        assertThat(ws.getSubprotocol()).isEqualTo("v5.channel.k8s.io");
        byte[] frame = {0, 'h', 'i', '\n'};
        ws.sendBinary(ByteBuffer.wrap(frame), true).get(10, TimeUnit.SECONDS);
        ByteBuffer back = echoed.get(10, TimeUnit.SECONDS);
        assertThat(Buffer.buffer(back.array()).getBytes()).containsExactly(frame);
        ws.abort();
        FakeKubelet.Seen seen = kubelet.seen.stream().filter(s -> s.uri().startsWith("/exec/default/p1/c1?command=sh"))
                .findFirst().orElseThrow();
        assertThat(seen.method()).isEqualTo("GET");
        assertThat(seen.uri()).isEqualTo("/exec/default/p1/c1?command=sh&command=-c&command=echo+hi&input=1&output=1&tty=1");
        assertThat(seen.headers().get("Sec-WebSocket-Protocol")).containsExactly("v5.channel.k8s.io, v4.channel.k8s.io");
        assertThat(seen.headers()).doesNotContainKey("Authorization");
    }

    @Test
    void portForwardOverWebSocketReachesTheKubeletsPortForwardPath() throws Exception {
        // the JDK's WebSocket client refuses the '/' in kubectl's tunnelling subprotocol: speak the handshake by hand
        try (SSLSocket s = (SSLSocket) admin.getSocketFactory().createSocket("127.0.0.1", server.server.port())) {
            OutputStream out = s.getOutputStream();
            String key = java.util.Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
            out.write(("GET /api/v1/namespaces/default/pods/p1/portforward?ports=8080&ports=9090 HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Protocol: SPDY/3.1+portforward.k8s.io\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 101");
            String accept = java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
            assertThat(head.toLowerCase()).contains("sec-websocket-protocol: spdy/3.1+portforward.k8s.io")
                    .contains("sec-websocket-accept: " + accept.toLowerCase());
            // one masked binary frame out, the kubelet's unmasked echo back
            byte[] payload = "tunnel".getBytes(StandardCharsets.US_ASCII);
            byte[] mask = {1, 2, 3, 4};
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(0x82);
            frame.write(0x80 | payload.length);
            frame.writeBytes(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.write(payload[i] ^ mask[i % 4]);
            }
            out.write(frame.toByteArray());
            out.flush();
            byte[] back = in.readNBytes(2 + payload.length);
            assertThat(back[0] & 0xff).isEqualTo(0x82);
            assertThat(back[1]).isEqualTo((byte) payload.length);
            assertThat(new String(back, 2, payload.length, StandardCharsets.US_ASCII)).isEqualTo("tunnel");
        }
        assertThat(kubelet.seen).anySatisfy(seen -> assertThat(seen.uri()).isEqualTo("/portForward/default/p1?port=8080%2C9090"));
    }

    @Test
    void spdyUpgradeIsSplicedAsRawBytes() throws Exception {
        try (SSLSocket s = (SSLSocket) admin.getSocketFactory().createSocket("127.0.0.1", server.server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/v1/namespaces/default/pods/p1/exec?command=date&stdout=true HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
                    + "X-Stream-Protocol-Version: v4.channel.k8s.io\r\nX-Stream-Protocol-Version: channel.k8s.io\r\n"
                    + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 101");
            assertThat(head.toLowerCase()).contains("upgrade: spdy/3.1").contains("x-stream-protocol-version: v4.channel.k8s.io");
            out.write(new byte[]{(byte) 0x80, 3, 0, 1, 'a', 'b'});
            out.flush();
            byte[] want = Buffer.buffer("echo:").appendBytes(new byte[]{(byte) 0x80, 3, 0, 1, 'a', 'b'}).getBytes();
            assertThat(in.readNBytes(want.length)).containsExactly(want);
        }
        FakeKubelet.Seen seen = kubelet.seen.stream().filter(s -> s.uri().startsWith("/exec/default/p1/c1?command=date"))
                .findFirst().orElseThrow();
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.uri()).isEqualTo("/exec/default/p1/c1?command=date&output=1");
        assertThat(seen.headers().get("X-Stream-Protocol-Version")).containsExactly("v4.channel.k8s.io", "channel.k8s.io");
    }

    @Test
    void aKubeletThatDoesNotSwitchProtocolsIsRelayedAsItIs() throws Exception {
        try (SSLSocket s = (SSLSocket) admin.getSocketFactory().createSocket("127.0.0.1", server.server.port())) {
            s.getOutputStream().write(("POST /api/v1/namespaces/default/pods/p2/exec?container=c2&command=ls&stdout=true HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 500");
            int length = Integer.parseInt(head.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                    .findFirst().orElseThrow().substring("content-length:".length()).trim());
            assertThat(new String(in.readNBytes(length), StandardCharsets.UTF_8)).isEqualTo("exec failed: runtime is down");
        }
    }

    @Test
    void execIsValidatedAsUpstreamDoes() throws Exception {
        HttpResponse<String> noUpgrade = get("/api/v1/namespaces/default/pods/p1/exec?command=ls&stdout=true");
        assertThat(noUpgrade.statusCode()).isEqualTo(400);
        assertThat(status(noUpgrade).path("message").asText()).isEqualTo("Upgrade request required");

        HttpResponse<String> unbound = get("/api/v1/namespaces/default/pods/pending/exec?command=ls");
        assertThat(unbound.statusCode()).isEqualTo(400);
        assertThat(status(unbound).path("message").asText()).isEqualTo("pod pending does not have a host assigned");

        HttpResponse<String> wrong = get("/api/v1/namespaces/default/pods/p2/attach?container=zz");
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(status(wrong).path("message").asText()).isEqualTo("container zz is not valid for pod p2");

        HttpResponse<String> noPod = get("/api/v1/namespaces/default/pods/ghost/portforward?ports=80");
        assertThat(noPod.statusCode()).isEqualTo(404);
        assertThat(status(noPod).path("message").asText()).isEqualTo("pods \"ghost\" not found");
    }

    // ------------------------------------------------------------------ discovery and metrics

    @Test
    void discoveryListsThePodConnectSubresourcesWithUpstreamsVerbs() throws Exception {
        JsonNode list = Json.parse(get("/api/v1").body());
        java.util.Map<String, JsonNode> byName = new java.util.HashMap<>();
        list.path("resources").forEach(r -> byName.put(r.path("name").asText(), r));
        assertThat(byName.get("pods/exec").path("kind").asText()).isEqualTo("PodExecOptions");
        assertThat(byName.get("pods/exec").path("verbs").toString()).isEqualTo("[\"create\",\"get\"]");
        assertThat(byName.get("pods/attach").path("kind").asText()).isEqualTo("PodAttachOptions");
        assertThat(byName.get("pods/portforward").path("kind").asText()).isEqualTo("PodPortForwardOptions");
        assertThat(byName.get("pods/portforward").path("verbs").toString()).isEqualTo("[\"create\",\"get\"]");
        assertThat(byName.get("pods/log").path("kind").asText()).isEqualTo("Pod");
        assertThat(byName.get("pods/log").path("verbs").toString()).isEqualTo("[\"get\"]");
    }

    @Test
    void connectRequestsAreCountedUnderTheConnectVerb() throws Exception {
        get("/api/v1/namespaces/default/pods/p1/log");
        String metrics = get("/metrics").body();
        assertThat(metrics.lines().filter(l -> l.startsWith("apiserver_request_total{") && l.contains("verb=\"CONNECT\"")
                && l.contains("subresource=\"log\"") && l.contains("code=\"200\""))).isNotEmpty();
    }

    // ------------------------------------------------------------------ real kubectl

    @Test
    void realKubectlReadsLogsAndExecsThroughTheApiServer() throws Exception {
        java.nio.file.Path home = java.nio.file.Files.createTempDirectory(server.dataDir, "kubectl-home");
        java.nio.file.Path kubeconfig = home.resolve("kubeconfig");
        java.nio.file.Files.writeString(kubeconfig,
                io.kube4j.apiserver.pki.AdminKubeconfig.render(server.url(), server.server.pki()));
        String[] logs = kubectl(home, kubeconfig, "logs", "p1");
        assertThat(logs[0]).as(logs[1]).isEqualTo("0");
        assertThat(logs[1]).isEqualTo("line 1\nline 2\n");
        String[] waiting = kubectl(home, kubeconfig, "logs", "p2", "-c", "c2");
        assertThat(waiting[0]).isEqualTo("1");
        assertThat(waiting[2]).contains(
                "Error from server (BadRequest): container \"c2\" in pod \"p2\" is waiting to start: ContainerCreating");
        String[] exec = kubectl(home, kubeconfig, "exec", "p1", "--", "echo", "hi", "there");
        assertThat(exec[0]).as(exec[2]).isEqualTo("0");
        assertThat(exec[1]).isEqualTo("hi there\n");
    }

    /** Runs kubectl; returns exit code, stdout and stderr. */
    private static String[] kubectl(java.nio.file.Path home, java.nio.file.Path kubeconfig, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(System.getProperty("kube4j.kubectl", "/usr/bin/kubectl"),
                "--kubeconfig", kubeconfig.toString(), "--cache-dir", home.resolve("cache").toString(), "-n", "default"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("KUBECONFIG");
        java.nio.file.Path out = home.resolve("out");
        java.nio.file.Path err = home.resolve("err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null")));
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kubectl " + String.join(" ", args) + " timed out: "
                    + java.nio.file.Files.readString(err));
        }
        return new String[]{Integer.toString(p.exitValue()), java.nio.file.Files.readString(out),
                java.nio.file.Files.readString(err)};
    }

    private static String readHead(InputStream in) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.write(c);
            matched = c == end[matched] ? matched + 1 : (c == '\r' ? 1 : 0);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

}
