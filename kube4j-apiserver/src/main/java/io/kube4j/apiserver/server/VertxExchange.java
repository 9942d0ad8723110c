package io.kube4j.apiserver.server;

import io.kube4j.apiserver.authn.UserInfo;
import io.kube4j.apiserver.endpoints.Exchange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.buffer.BufferInternal;

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
            return new FlowControlledStream(chunks -> {
                byte[] chunk = chunks.size() == 1 ? chunks.getFirst() : concat(chunks);
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
        return new FlowControlledStream(chunks -> {
            ByteBuf data = Unpooled.wrappedBuffer(chunks.toArray(byte[][]::new));
            if (!data.isReadable()) {
                // flush the headers so the client sees the stream start
                if (!resp.headWritten()) {
                    resp.writeHead();
                }
                return null;
            }
            // wraps the caller's arrays (a watch event line shared by every watcher) without copying them:
            // Vert.x hands Netty a slice of this buffer, and nothing on the way writes into it
            return resp.write(BufferInternal.buffer(data));
        }, resp::writeQueueFull, () -> {
            try {
                resp.end();
            } catch (IllegalStateException ignored) {
                // already ended or reset by the client
            }
        });
    }

    private static byte[] concat(List<byte[]> chunks) {
        int n = 0;
        for (byte[] c : chunks) {
            n += c.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] c : chunks) {
            System.arraycopy(c, 0, all, at, c.length);
            at += c.length;
        }
        return all;
    }

    /**
     * A stream that waits, when the connection's write queue is full, until the last write is done,
     * so a slow client slows its watch down instead of filling memory.
     */
    private final class FlowControlledStream implements Stream {
        private final Function<List<byte[]>, Future<Void>> writer;
        private final BooleanSupplier queueFull;
        private final Runnable closer;

        FlowControlledStream(Function<List<byte[]>, Future<Void>> writer, BooleanSupplier queueFull, Runnable closer) {
            this.writer = writer;
            this.queueFull = queueFull;
            this.closer = closer;
        }

        @Override
        public boolean write(byte[] chunk) {
            return write(List.of(chunk));
        }

        @Override
        public boolean write(List<byte[]> chunks) {
            if (!open) {
                return false;
            }
            Future<Void> written = writer.apply(chunks);
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
