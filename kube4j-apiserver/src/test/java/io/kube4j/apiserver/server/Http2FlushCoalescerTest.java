package io.kube4j.apiserver.server;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.impl.HttpServerConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class Http2FlushCoalescerTest {
    private Vertx vertx;
    private HttpServer server;
    private final Map<String, Boolean> installed = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        // cleartext HTTP/2 (prior knowledge) has the same pipeline shape as HTTP/2 over TLS after the handshake
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .connectionHandler(new Http2FlushCoalescer())
                .requestHandler(req -> {
                    HttpServerConnection c = (HttpServerConnection) req.connection();
                    installed.put(req.version().name(),
                            c.channelHandlerContext().pipeline().get(Http2FlushCoalescer.HANDLER_NAME) != null);
                    installed.put(req.version().name() + "-recheck",
                            c.channelHandlerContext().pipeline().get(Http2WritabilityRecheck.HANDLER_NAME) != null);
                    int n = Integer.parseInt(req.getParam("lines"));
                    req.response().setChunked(true);
                    // written from a foreign thread, one write (and one flush) per line, like a watch
                    Thread.ofVirtual().start(() -> {
                        for (int i = 0; i < n; i++) {
                            req.response().write(Buffer.buffer("line " + i + "\n"));
                        }
                        req.response().end();
                    });
                })
                .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void http2StreamsSharingAConnectionGetEveryWriteInOrder() throws Exception {
        HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false).setHttp2MultiplexingLimit(50), new PoolOptions().setHttp2MaxSize(1));
        List<java.util.concurrent.CompletableFuture<String>> bodies = new ArrayList<>();
        for (int s = 0; s < 20; s++) {
            bodies.add(client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/?lines=500")
                    .compose(r -> r.send()).compose(r -> r.body()).map(Buffer::toString)
                    .toCompletionStage().toCompletableFuture());
        }
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            expected.append("line ").append(i).append('\n');
        }
        for (var b : bodies) {
            assertThat(b.get(30, TimeUnit.SECONDS)).isEqualTo(expected.toString());
        }
        assertThat(installed).containsEntry("HTTP_2", true).containsEntry("HTTP_2-recheck", true);
    }

    @Test
    void http11ConnectionsAreLeftAlone() throws Exception {
        HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_1_1));
        String body = client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/?lines=3")
                .compose(r -> r.send()).compose(r -> r.body()).map(Buffer::toString)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(body).isEqualTo("line 0\nline 1\nline 2\n");
        assertThat(installed).containsEntry("HTTP_1_1", false).containsEntry("HTTP_1_1-recheck", false);
    }
}
