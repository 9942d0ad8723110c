package io.kube4j.apiserver.server;

import io.kube4j.apiserver.authn.UserInfo;
import io.kube4j.apiserver.endpoints.Exchange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.internal.buffer.BufferInternal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An {@link Exchange} over a Vert.x request; used from the handler's virtual thread, except for a streamed
 * response's {@linkplain Stream#pump pump}, which runs on the connection's event loop.
 */
final class VertxExchange implements Exchange {
    private static final Logger LOG = LoggerFactory.getLogger(VertxExchange.class);
    private final HttpServerRequest req;
    private final byte[] body;
    private final UserInfo user;
    private final MultiMap params;
    private final ServerWebSocket ws;
    /** The connection's event loop, which may feed streamed responses; null when unknown. */
    private final Context loop;
    private volatile boolean open = true;
    private final CountDownLatch ended = new CountDownLatch(1);
    int status;

    /**
     * @param ws   the WebSocket the request was upgraded to (a watch over WebSocket), or null
     * @param loop the Vert.x context (event loop) of the request's connection, or null
     */
    VertxExchange(HttpServerRequest req, byte[] body, UserInfo user, ServerWebSocket ws, Context loop) {
        this.req = req;
        this.body = body;
        this.user = user;
        this.params = req.params();
        this.ws = ws;
        this.loop = loop;
        if (ws != null) {
            ws.closeHandler(v -> markClosed());
        } else {
            req.response().closeHandler(v -> markClosed());
            req.connection().closeHandler(v -> markClosed());
        }
    }

    private void markClosed() {
        open = false;
        ended.countDown();
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
            markClosed();
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
            }, ws::writeQueueFull, () -> ws.close(), null);
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
        }, loop == null ? null : resp);
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
        /** The HTTP response a {@link LoopPump} may write to on the event loop, or null for no pump. */
        private final HttpServerResponse pumped;

        FlowControlledStream(Function<List<byte[]>, Future<Void>> writer, BooleanSupplier queueFull, Runnable closer,
                             HttpServerResponse pumped) {
            this.writer = writer;
            this.queueFull = queueFull;
            this.closer = closer;
            this.pumped = pumped;
        }

        @Override
        public Pump pump(Supplier<List<byte[]>> source) {
            if (pumped == null) {
                return null;
            }
            LoopPump p = new LoopPump(source, pumped, this, drainBatch());
            pumped.drainHandler(v -> p.wake());
            return p;
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
                    markClosed();
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
                markClosed();
                closer.run();
            }
        }
    }

    /** The connection's {@link DrainBatch}, or null when the connection does not show its Netty channel. */
    private DrainBatch drainBatch() {
        if (req.connection() instanceof HttpServerConnection c) {
            return DrainBatch.of(c.channelHandlerContext().channel());
        }
        return null;
    }

    /**
     * Feeds an HTTP response from a source on the connection's event loop. A wake-up requests one drain
     * unless one is pending; the drains requested meanwhile by the streams of one connection run in one
     * event-loop task ({@link DrainBatch}). A drain writes what the source has until it is empty or the
     * stream's write queue is full, and the response's drain handler wakes it again when the client has
     * caught up. Writes made on the event loop need no hand-over, and the flushes of the drains that run
     * together are merged into one by {@link Http2FlushCoalescer}.
     */
    private final class LoopPump implements Pump {
        private final Supplier<List<byte[]>> source;
        private final HttpServerResponse resp;
        private final FlowControlledStream stream;
        private final AtomicBoolean scheduled = new AtomicBoolean();
        /** The connection's batch, or null: then each wake-up is its own task on the context. */
        private final DrainBatch batch;
        private final Runnable drainTask = this::drain;
        private final Handler<Void> drain = v -> drain();

        LoopPump(Supplier<List<byte[]>> source, HttpServerResponse resp, FlowControlledStream stream,
                 DrainBatch batch) {
            this.source = source;
            this.resp = resp;
            this.stream = stream;
            this.batch = batch;
        }

        @Override
        public void wake() {
            if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
                if (batch != null) {
                    batch.request(drainTask);
                } else {
                    loop.runOnContext(drain);
                }
            }
        }

        @Override
        public boolean awaitClosed(long millis) throws InterruptedException {
            return ended.await(millis, TimeUnit.MILLISECONDS);
        }

        private void drain() {
            // cleared first: a wake-up from here on schedules another drain, so no event is left behind
            scheduled.set(false);
            try {
                while (open && !resp.writeQueueFull()) {
                    List<byte[]> chunks;
                    try {
                        chunks = source.get();
                    } catch (RuntimeException e) {
                        LOG.warn("stream source failed path={}", req.path(), e);
                        stream.close();
                        return;
                    }
                    if (chunks == null) {
                        stream.close();
                        return;
                    }
                    if (chunks.isEmpty()) {
                        return;
                    }
                    resp.write(chunks.size() == 1 && batch != null ? batch.shared(chunks.getFirst())
                            : BufferInternal.buffer(Unpooled.wrappedBuffer(chunks.toArray(byte[][]::new))));
                }
            } catch (IllegalStateException e) {
                // ended by a timeout on the watch's thread, or reset by the client
                markClosed();
            }
        }
    }
}
