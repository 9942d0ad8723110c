package io.kube4j.apiserver.server;

import io.kube4j.apiserver.authn.UserInfo;
import io.kube4j.apiserver.endpoints.Exchange;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/** An {@link Exchange} over a Vert.x request; used from the handler's virtual thread. */
final class VertxExchange implements Exchange {
    private final HttpServerRequest req;
    private final byte[] body;
    private final UserInfo user;
    private final MultiMap params;
    private final ServerWebSocket ws;
    private volatile boolean open = true;
    int status;

    /** @param ws the WebSocket the request was upgraded to (a watch over WebSocket), or null */
    VertxExchange(HttpServerRequest req, byte[] body, UserInfo user, ServerWebSocket ws) {
        this.req = req;
        this.body = body;
        this.user = user;
        this.params = req.params();
        this.ws = ws;
        if (ws != null) {
            ws.closeHandler(v -> open = false);
        } else {
            req.response().closeHandler(v -> open = false);
            req.connection().closeHandler(v -> open = false);
        }
    }

    @Override
    public boolean isWebSocket() {
        return ws != null;
    }

    @Override
    public String method() {
        return req.method().name();
    }

    @Override
    public String path() {
        return req.path();
    }

    @Override
    public String query(String name) {
        return params.get(name);
    }

    @Override
    public String header(String name) {
        return req.getHeader(name);
    }

    @Override
    public byte[] body() {
        return body;
    }

    @Override
    public UserInfo user() {
        return user;
    }

    @Override
    public void respond(int code, String contentType, byte[] bytes, Map<String, List<String>> headers) {
        status = code;
        if (ws != null) {
            // a WebSocket carries watch events only: an error becomes an ERROR event, then the socket closes
            String text = new String(bytes, StandardCharsets.UTF_8);
            ws.writeTextMessage(code >= 400 ? "{\"type\":\"ERROR\",\"object\":" + text + "}" : text);
            ws.close();
            open = false;
            return;
        }
        HttpServerResponse resp = req.response();
        resp.setStatusCode(code);
        resp.putHeader("Content-Type", contentType);
        resp.putHeader("Cache-Control", "no-cache, private");
        headers.forEach(resp::putHeader);
        if (req.method().name().equals("HEAD")) {
            resp.putHeader("Content-Length", Integer.toString(bytes.length));
            resp.end();
        } else {
            resp.end(Buffer.buffer(bytes));
        }
    }

    @Override
    public Stream stream(int code, String contentType, Map<String, List<String>> headers) {
        status = code;
        if (ws != null) {
            // one WebSocket message per watch event, without the newline that separates them on HTTP
            return new FlowControlledStream(chunk -> {
                int len = chunk.length > 0 && chunk[chunk.length - 1] == '\n' ? chunk.length - 1 : chunk.length;
                return len == 0 ? null : ws.writeTextMessage(new String(chunk, 0, len, StandardCharsets.UTF_8));
            }, ws::writeQueueFull, () -> ws.close());
        }
        HttpServerResponse resp = req.response();
        resp.setStatusCode(code);
        resp.putHeader("Content-Type", contentType);
        resp.putHeader("Cache-Control", "no-cache, private");
        headers.forEach(resp::putHeader);
        resp.setChunked(true);
        return new FlowControlledStream(chunk -> {
            if (chunk.length == 0) {
                // flush the headers so the client sees the stream start
                if (!resp.headWritten()) {
                    resp.writeHead();
                }
                return null;
            }
            return resp.write(Buffer.buffer(chunk));
        }, resp::writeQueueFull, () -> {
            try {
                resp.end();
            } catch (IllegalStateException ignored) {
                // already ended or reset by the client
            }
        });
    }

    /**
     * A stream that waits, when the connection's write queue is full, until the last write is done,
     * so a slow client slows its watch down instead of filling memory.
     */
    private final class FlowControlledStream implements Stream {
        private final Function<byte[], Future<Void>> writer;
        private final BooleanSupplier queueFull;
        private final Runnable closer;

        FlowControlledStream(Function<byte[], Future<Void>> writer, BooleanSupplier queueFull, Runnable closer) {
            this.writer = writer;
            this.queueFull = queueFull;
            this.closer = closer;
        }

        @Override
        public boolean write(byte[] chunk) {
            if (!open) {
                return false;
            }
            Future<Void> written = writer.apply(chunk);
            if (written != null && queueFull.getAsBoolean()) {
                try {
                    written.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    open = false;
                }
            }
            return open;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            if (open) {
                open = false;
                closer.run();
            }
        }
    }
}
