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
