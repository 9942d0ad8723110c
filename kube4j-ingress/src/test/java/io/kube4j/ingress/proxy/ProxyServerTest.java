package io.kube4j.ingress.proxy;

import io.kube4j.ingress.routing.Backend;
import io.kube4j.ingress.routing.Endpoint;
import io.kube4j.ingress.routing.PathRule;
import io.kube4j.ingress.routing.RoutingTable;
import io.kube4j.ingress.tls.PemCertificates;
import io.kube4j.ingress.tls.TlsCertificate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The data plane on loopback: a Vert.x backend, a hand-made table, requests over HTTP/1.1, h2 (TLS) and h2c. */
class ProxyServerTest {
    Vertx vertx;
    HttpServer backend;
    HttpClientAgent client;
    ProxyServer proxy;
    final AtomicReference<RoutingTable> table = new AtomicReference<>();
    final TlsCertificate fooCert = PemCertificates.selfSigned("ns/foo-tls", "foo.com", "foo.com");

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        backend = await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body ->
                req.response().putHeader("X-Backend", "b1").end("uri=" + req.uri() + " host=" + req.getHeader("Host")
                        + " xff=" + req.getHeader("X-Forwarded-For") + " proto=" + req.getHeader("X-Forwarded-Proto")
                        + " xfh=" + req.getHeader("X-Forwarded-Host") + " body=" + body))).listen(0, "127.0.0.1"));
        Backend web = new Backend("ns/web:80", List.of(new Endpoint("127.0.0.1", backend.actualPort())));
        Backend empty = new Backend("ns/empty:80", List.of());
        Backend dead = new Backend("ns/dead:80", List.of(new Endpoint("127.0.0.1", 1)));
        table.set(new RoutingTable(Map.of("foo.com", List.of(PathRule.of("/empty", "Prefix", empty),
                PathRule.of("/dead", "Prefix", dead), PathRule.of("/", "Prefix", web))), Map.of(), List.of(), null,
                Map.of("foo.com", fooCert)));
        proxy = ProxyServer.start(table::get, "127.0.0.1", 0, 0, 2);
        client = vertx.createHttpClient(new HttpClientOptions().setTrustAll(true).setVerifyHost(false)
                .setForceSni(true));
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        await(vertx.close());
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private String[] call(HttpClientAgent c, boolean ssl, String host, HttpMethod method, String uri, String body)
            throws Exception {
        int port = ssl ? proxy.httpsPort() : proxy.httpPort();
        RequestOptions o = new RequestOptions().setServer(SocketAddress.inetSocketAddress(port, "127.0.0.1"))
                .setHost(host).setPort(port).setSsl(ssl).setMethod(method).setURI(uri);
        return await(c.request(o).compose(r -> body == null ? r.send() : r.send(body))
                .compose(r -> r.body().map(b -> new String[]{String.valueOf(r.statusCode()), b.toString(),
                        r.version().name()})));
    }

    @Test
    void proxiesWithForwardedHeadersAndAnswers404And503And502() throws Exception {
        String[] ok = call(client, false, "foo.com", HttpMethod.POST, "/a/b?x=1", "hello");
        assertThat(ok[0]).isEqualTo("200");
        assertThat(ok[1]).isEqualTo("uri=/a/b?x=1 host=foo.com:" + proxy.httpPort()
                + " xff=127.0.0.1 proto=http xfh=foo.com body=hello");
        assertThat(call(client, false, "bar.com", HttpMethod.GET, "/", null)[0]).isEqualTo("404");
        assertThat(call(client, false, "foo.com", HttpMethod.GET, "/empty", null)[0]).isEqualTo("503");
        assertThat(call(client, false, "foo.com", HttpMethod.GET, "/dead", null)[0]).isEqualTo("502");
        // a swapped table applies to the next request
        table.set(RoutingTable.EMPTY);
        assertThat(call(client, false, "foo.com", HttpMethod.GET, "/", null)[0]).isEqualTo("404");
    }

    @Test
    void forwardsEndToEndHeadersOnlyAndAddsTheForwardedOnesAndKeepsTheReasonPhrase() throws Exception {
        HttpServer echo = await(vertx.createHttpServer().requestHandler(req -> {
            StringBuilder b = new StringBuilder();
            req.headers().forEach((k, v) -> b.append(k.toLowerCase(java.util.Locale.ROOT)).append('=').append(v)
                    .append('\n'));
            req.response().setStatusMessage(req.path().equals("/odd") ? "Fine Thanks" : "OK")
                    .putHeader("Keep-Alive", "timeout=5").putHeader("Upgrade", "h2c").putHeader("X-Backend", "b1")
                    .end(b.toString());
        }).listen(0, "127.0.0.1"));
        Backend b = new Backend("ns/echo:80", List.of(new Endpoint("127.0.0.1", echo.actualPort())));
        table.set(new RoutingTable(Map.of("echo.com", List.of(PathRule.of("/", "Prefix", b))), Map.of(), List.of(),
                null, Map.of()));
        String request = "GET /odd?q=1 HTTP/1.1\r\nHost: Echo.com\r\nCookie: a=1\r\ncookie: b=2\r\n"
                + "Connection: keep-alive, X-Hop\r\nKeep-Alive: timeout=9\r\nTE: trailers\r\n"
                + "Proxy-Authorization: Basic eA==\r\nX-Forwarded-For: 6.6.6.6\r\nX-Custom: yes\r\n\r\n";
        String[] answer = rawHttp1(request);
        assertThat(answer[0]).startsWith("HTTP/1.1 200 Fine Thanks\r\n");
        assertThat(answer[0].toLowerCase(java.util.Locale.ROOT)).contains("x-backend: b1").contains("content-length:")
                .doesNotContain("keep-alive: timeout").doesNotContain("upgrade:");
        assertThat(answer[1].lines().toList()).contains("cookie=a=1", "cookie=b=2", "x-custom=yes",
                        "x-real-ip=127.0.0.1", "x-forwarded-for=127.0.0.1", "x-forwarded-host=Echo.com",
                        "x-forwarded-port=" + proxy.httpPort(), "x-forwarded-proto=http", "x-forwarded-scheme=http",
                        "host=Echo.com")
                .anyMatch(l -> l.matches("x-request-id=[0-9a-f]+"))
                .noneMatch(l -> l.startsWith("te=") || l.startsWith("keep-alive=")
                        || l.startsWith("proxy-authorization=") || l.contains("6.6.6.6"));
        assertThat(rawHttp1(request.replace("/odd?q=1", "/"))[0]).startsWith("HTTP/1.1 200 OK\r\n");
    }

    @Test
    void relaysSmallLargeChunkedAndHeadAnswersWhole() throws Exception {
        String large = "x".repeat(100_000);
        HttpServer sizes = await(vertx.createHttpServer().requestHandler(req -> {
            switch (req.path()) {
                case "/large" -> req.response().end(large);
                case "/chunked" -> req.response().setChunked(true).write("a".repeat(20_000)).compose(v ->
                        req.response().end("b"));
                default -> req.response().end("tiny");
            }
        }).listen(0, "127.0.0.1"));
        Backend b = new Backend("ns/sizes:80", List.of(new Endpoint("127.0.0.1", sizes.actualPort())));
        table.set(new RoutingTable(Map.of("sizes.com", List.of(PathRule.of("/", "Prefix", b))), Map.of(), List.of(),
                null, Map.of()));
        assertThat(call(client, false, "sizes.com", HttpMethod.GET, "/tiny", null)[1]).isEqualTo("tiny");
        assertThat(call(client, false, "sizes.com", HttpMethod.GET, "/large", null)[1]).isEqualTo(large);
        assertThat(call(client, false, "sizes.com", HttpMethod.GET, "/chunked", null)[1])
                .isEqualTo("a".repeat(20_000) + "b");
        String[] head = await(client.request(new RequestOptions().setServer(SocketAddress.inetSocketAddress(
                        proxy.httpPort(), "127.0.0.1")).setHost("sizes.com").setMethod(HttpMethod.HEAD).setURI("/tiny"))
                .compose(r -> r.send()).compose(r -> r.body().map(body -> new String[]{
                        String.valueOf(r.statusCode()), body.toString()})));
        assertThat(head).containsExactly("200", "");
    }

    /** Sends one request as is over a new connection; the head and the body of the answer (Content-Length). */
    private String[] rawHttp1(String request) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", proxy.httpPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.readUnsignedByte());
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
            assertThat(m.find()).as(head.toString()).isTrue();
            byte[] body = new byte[Integer.parseInt(m.group(1))];
            in.readFully(body);
            return new String[]{head.toString(), new String(body, java.nio.charset.StandardCharsets.ISO_8859_1)};
        }
    }

    @Test
    void http2OverTlsByAlpnAndH2c() throws Exception {
        HttpClientAgent h2 = vertx.createHttpClient(new HttpClientOptions().setTrustAll(true).setVerifyHost(false)
                .setForceSni(true).setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2));
        String[] tls = call(h2, true, "foo.com", HttpMethod.GET, "/x", null);
        assertThat(tls[0]).isEqualTo("200");
        assertThat(tls[2]).isEqualTo("HTTP_2");
        assertThat(tls[1]).contains("proto=https").contains("xfh=foo.com");
        HttpClientAgent h2c = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
        String[] clear = call(h2c, false, "foo.com", HttpMethod.GET, "/y", null);
        assertThat(clear[0]).isEqualTo("200");
        assertThat(clear[2]).isEqualTo("HTTP_2");
    }

    @Test
    void picksTheCertificateBySni() throws Exception {
        assertThat(serverCertificate("foo.com").getSubjectX500Principal().getName()).contains("CN=foo.com");
        assertThat(serverCertificate("other.com").getSubjectX500Principal().getName())
                .contains("CN=Kubernetes Ingress Controller Fake Certificate");
        assertThat(serverCertificate(null).getSubjectX500Principal().getName())
                .contains("Fake Certificate");
    }

    private X509Certificate serverCertificate(String sni) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[]{new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) {
            }

            public void checkServerTrusted(X509Certificate[] c, String a) {
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", proxy.httpsPort())) {
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
            s.setSSLParameters(p);
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }
}
