package io.kube4j.node.kubelet.server;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A blocking stream onto a chunked Vert.x response, for a virtual thread: the 200 and headers
 * go out with the first byte (so an error before any output can still be a 4xx, as upstream's
 * lazily flushed writer allows), and a full write queue blocks the writer until it drains.
 * Fails with an IOException once the client has gone. One writer thread at a time.
 */
final class ResponseOutputStream extends OutputStream {
    private final HttpServerResponse resp;
    private final Context ctx;
    private final AtomicBoolean gone;
    private boolean started;

    ResponseOutputStream(HttpServerResponse resp, Context ctx, AtomicBoolean gone) {
        this.resp = resp;
        this.ctx = ctx;
        this.gone = gone;
    }

    boolean started() {
        return started;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (gone.get()) {
            throw new IOException("client closed the connection");
        }
        if (len == 0) {
            return;
        }
        Buffer chunk = Buffer.buffer(Arrays.copyOfRange(b, off, off + len));
        boolean first = !started;
        started = true;
        CompletableFuture<Void> drained = new CompletableFuture<>();
        ctx.runOnContext(v -> {
            if (first) {
                resp.setStatusCode(200).setChunked(true).putHeader("Content-Type", "text/plain; charset=utf-8");
            }
            resp.write(chunk);
            if (resp.writeQueueFull()) {
                resp.drainHandler(x -> drained.complete(null));
            } else {
                drained.complete(null);
            }
        });
        while (true) {
            try {
                drained.get(1, TimeUnit.SECONDS);
                return;
            } catch (TimeoutException e) {
                if (gone.get()) {
                    throw new IOException("client closed the connection");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            } catch (ExecutionException e) {
                throw new IOException(e.getCause());
            }
        }
    }
}
