package io.kube4j.apiserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.kube4j.apimachinery.json.Json;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The API server's TLS engine (decision 0023): BoringSSL by default where netty-tcnative's native library loads
 * (this build bundles the Linux x86-64 one), the JDK's engine on request, and either way the same service: ALPN h2
 * and HTTP/1.1, TLS 1.2 and 1.3, client certificates asked for but not required.
 */
class ServerTlsEngineTest {

    @Test
    void boringSslIsTheDefaultWhereItsNativeLibraryLoads() {
        ServerTlsEngine engine = ServerTlsEngine.choose("auto");
        assertThat(engine.name())
                .as("BoringSSL on %s/%s (only the linux-x86_64 native library is bundled)",
                        System.getProperty("os.name"), System.getProperty("os.arch"))
                .isEqualTo("openssl");
        assertThat(engine.options()).isInstanceOf(OpenSSLEngineOptions.class);
        assertThat(engine.detail()).containsIgnoringCase("BoringSSL");
        assertThat(ServerTlsEngine.choose("openssl").name()).isEqualTo("openssl");
    }

    @Test
    void theJdkEngineWhenAskedFor() {
        ServerTlsEngine engine = ServerTlsEngine.choose("jdk");
        assertThat(engine.name()).isEqualTo("jdk");
        assertThat(engine.options()).isInstanceOf(JdkSSLEngineOptions.class);
    }

    @Test
    void anUnknownEngineIsRefused() {
        assertThatThrownBy(() -> ServerTlsEngine.choose("boringssl"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auto, openssl or jdk");
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "jdk"})
    void servesH2AndHttp11WithClientCertificates(String wanted) throws Exception {
        InProcessServer server;
        System.setProperty(ServerTlsEngine.PROPERTY, wanted);
        try {
            server = new InProcessServer("memory");
        } finally {
            System.clearProperty(ServerTlsEngine.PROPERTY);
        }
        Vertx vertx = Vertx.vertx();
        try {
            assertThat(server.server.tlsEngine()).isEqualTo(wanted.equals("auto") ? "openssl" : "jdk");
            String ca = server.server.pki().ca().certPem();
            PemKeyCertOptions admin = new PemKeyCertOptions()
                    .setCertValue(Buffer.buffer(server.server.pki().admin().certPem()))
                    .setKeyValue(Buffer.buffer(server.server.pki().admin().keyPem()));

            HttpClientAgent h2 = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setUseAlpn(true)
                    .setProtocolVersion(HttpVersion.HTTP_2).setKeyCertOptions(admin)
                    .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(ca))));
            Answer a = whoAmI(h2, server.server.port());
            assertThat(a.version()).isEqualTo(HttpVersion.HTTP_2);
            assertThat(a.status()).isEqualTo(201);
            assertThat(a.body().path("status").path("userInfo").path("username").asText()).isEqualTo("system:admin");

            // no ALPN: HTTP/1.1, and TLS 1.2 only, which picks the server's ECDSA key by the cipher suite
            HttpClientAgent h1 = vertx.createHttpClient(new HttpClientOptions().setSsl(true)
                    .setProtocolVersion(HttpVersion.HTTP_1_1).setKeyCertOptions(admin)
                    .setEnabledSecureTransportProtocols(Set.of("TLSv1.2"))
                    .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(ca))));
            a = whoAmI(h1, server.server.port());
            assertThat(a.version()).isEqualTo(HttpVersion.HTTP_1_1);
            assertThat(a.status()).isEqualTo(201);
            assertThat(a.body().path("status").path("userInfo").path("username").asText()).isEqualTo("system:admin");

            // a client certificate is asked for, not required: without one the handshake succeeds and the
            // request is refused by authentication, not by TLS
            HttpClientAgent anonymous = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setUseAlpn(true)
                    .setProtocolVersion(HttpVersion.HTTP_2)
                    .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(ca))));
            int status = anonymous.request(HttpMethod.GET, server.server.port(), "127.0.0.1", "/api/v1/namespaces")
                    .compose(r -> r.send()).map(r -> r.statusCode())
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(status).isIn(401, 403);

            // fabric8 on the JDK's HttpClient
            try (var client = server.client()) {
                assertThat(client.namespaces().list().getItems()).extracting(n -> n.getMetadata().getName())
                        .contains("default");
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            server.close();
        }
    }

    private record Answer(HttpVersion version, int status, JsonNode body) {
    }

    private static Answer whoAmI(HttpClientAgent http, int port) throws Exception {
        String review = "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}";
        return http.request(HttpMethod.POST, port, "127.0.0.1", "/apis/authentication.k8s.io/v1/selfsubjectreviews")
                .compose(r -> r.putHeader("Content-Type", "application/json").send(review)
                        .compose(resp -> resp.body().map(b -> new Answer(resp.version(), resp.statusCode(),
                                Json.parse(b.getBytes())))))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
