package io.kube4j.apiserver.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.parsetools.RecordParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hundreds of watches multiplexed on one HTTP/2 connection by a client with client-go's flow-control windows
 * (4 MB per stream, 1 GB per connection). With windows that large, HTTP/2 flow control never holds the server
 * back, so the socket's own write buffer fills up and the channel turns unwritable and writable again while
 * events go out: every event must still reach every watch without a later write to move it (decision 0018).
 */
class LargeWindowWatchTest {
    private static final int WATCHES = 400;
    private static final int EVENTS = 20;
    static InProcessServer server;
    static Vertx vertx;
    static HttpClientAgent http;
    /** Makes the writes on a connection of its own, so nothing written later on the watch connection moves events. */
    static HttpClientAgent writer;

    @BeforeAll
    static void start() throws Exception {
        server = new InProcessServer("memory");
        vertx = Vertx.vertx();
        http = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setSsl(true)
                .setUseAlpn(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .setCertValue(Buffer.buffer(server.server.pki().admin().certPem()))
                        .setKeyValue(Buffer.buffer(server.server.pki().admin().keyPem())))
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(server.server.pki().ca().certPem())))
                // client-go's receive windows (golang.org/x/net/http2 Transport defaults)
                .setInitialSettings(new Http2Settings().setInitialWindowSize(4 << 20))
                .setHttp2ConnectionWindowSize(1 << 30)
                .setHttp2MultiplexingLimit(1000), new PoolOptions().setHttp2MaxSize(1));
        writer = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_1_1).setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .setCertValue(Buffer.buffer(server.server.pki().admin().certPem()))
                        .setKeyValue(Buffer.buffer(server.server.pki().admin().keyPem())))
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(server.server.pki().ca().certPem()))));
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        server.close();
    }

    @Test
    void everyWatchOnOneLargeWindowConnectionGetsEveryEventOfABurst() throws Exception {
        AtomicInteger[] received = new AtomicInteger[WATCHES];
        List<Future<HttpClientResponse>> opened = new ArrayList<>();
        for (int w = 0; w < WATCHES; w++) {
            AtomicInteger count = new AtomicInteger();
            received[w] = count;
            opened.add(http.request(HttpMethod.GET, server.server.port(), "127.0.0.1",
                            "/api/v1/namespaces/default/configmaps?watch=1&labelSelector=burst%3Dlarge-window"
                                    + "&timeoutSeconds=600")
                    .compose(r -> r.send())
                    .map(resp -> {
                        resp.handler(RecordParser.newDelimited("\n", line -> count.incrementAndGet()));
                        return resp;
                    }));
        }
        Future.all(opened).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        for (Future<HttpClientResponse> f : opened) {
            assertThat(f.result().statusCode()).isEqualTo(200);
            assertThat(f.result().version()).isEqualTo(HttpVersion.HTTP_2);
        }
        // one connection carries every watch
        assertThat(opened.stream().map(f -> f.result().request().connection()).distinct()).hasSize(1);

        // about 1 KB per event: 400 watches make 400 KB per event, far above the socket's write-buffer mark
        String padding = "x".repeat(1000);
        for (int i = 0; i < EVENTS; i++) {
            String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"burst-" + i
                    + "\",\"labels\":{\"burst\":\"large-window\"}},\"data\":{\"pad\":\"" + padding + "\"}}";
            int code = writer.request(HttpMethod.POST, server.server.port(), "127.0.0.1",
                            "/api/v1/namespaces/default/configmaps")
                    .compose(r -> r.putHeader("Content-Type", "application/json").send(body))
                    .compose(r -> r.body().map(b -> r.statusCode()))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(code).isEqualTo(201);
        }
        // nothing is written after the burst: an event held back on the server would stay there
        await().atMost(120, TimeUnit.SECONDS).until(() -> missing(received) == 0);
        for (AtomicInteger count : received) {
            assertThat(count.get()).isEqualTo(EVENTS);
        }
    }

    private static long missing(AtomicInteger[] received) {
        long missing = 0;
        for (AtomicInteger count : received) {
            missing += EVENTS - count.get();
        }
        return missing;
    }
}
