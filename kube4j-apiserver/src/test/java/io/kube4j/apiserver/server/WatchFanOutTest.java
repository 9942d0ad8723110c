package io.kube4j.apiserver.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many watches on one HTTP/2 connection, as the watch fan-out path serves them: shared event lines written on the
 * connection's event loop, flushes coalesced per connection. Every watcher must get every event once, in order,
 * and a watch's timeout must still end its stream.
 */
class WatchFanOutTest {
    static InProcessServer server;
    static Vertx vertx;
    static HttpClientAgent http;

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
                .setHttp2MultiplexingLimit(100), new PoolOptions().setHttp2MaxSize(1));
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        server.close();
    }

    private record Watch(List<String> lines, CompletableFuture<Void> ended) {
    }

    private static Watch open(String query) throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        HttpClientResponse resp = http.request(HttpMethod.GET, server.server.port(), "127.0.0.1",
                        "/api/v1/namespaces/default/configmaps?watch=1&labelSelector=fan%3Dout" + query)
                .compose(r -> r.send()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(resp.version()).isEqualTo(HttpVersion.HTTP_2);
        RecordParser parser = RecordParser.newDelimited("\n", b -> lines.add(b.toString()));
        resp.handler(parser);
        resp.endHandler(v -> ended.complete(null));
        return new Watch(lines, ended);
    }

    @Test
    void everyWatchOnOneConnectionGetsEveryEventOnceInOrder() throws Exception {
        List<Watch> watches = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            watches.add(open(i == 0 ? "&timeoutSeconds=3" : "&timeoutSeconds=60"));
        }
        List<Future<?>> created = new ArrayList<>();
        int n = 30;
        for (int i = 0; i < n; i++) {
            String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"fan-" + i
                    + "\",\"labels\":{\"fan\":\"out\"}},\"data\":{\"i\":\"" + i + "\"}}";
            created.add(http.request(HttpMethod.POST, server.server.port(), "127.0.0.1",
                            "/api/v1/namespaces/default/configmaps")
                    .compose(r -> r.putHeader("Content-Type", "application/json").send(body))
                    .compose(r -> r.body().map(b -> {
                        assertThat(r.statusCode()).as(b.toString()).isEqualTo(201);
                        return null;
                    })));
            // one at a time, so the order of the events is the order of the creates
            created.getLast().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        await().atMost(20, TimeUnit.SECONDS).until(() -> watches.stream().allMatch(w -> w.lines().size() >= n));
        for (Watch w : watches) {
            List<String> names = new ArrayList<>();
            for (String line : w.lines()) {
                assertThat(line).startsWith("{\"type\":\"ADDED\",\"object\":{");
                names.add(io.kube4j.apimachinery.json.Json.parse(line).path("object").path("metadata").path("name").asText());
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                expected.add("fan-" + i);
            }
            assertThat(names).containsExactlyElementsOf(expected);
        }
        // the short watch ends by its timeout; the others stay open
        watches.getFirst().ended().get(10, TimeUnit.SECONDS);
        assertThat(watches.get(1).ended()).isNotDone();
    }
}
