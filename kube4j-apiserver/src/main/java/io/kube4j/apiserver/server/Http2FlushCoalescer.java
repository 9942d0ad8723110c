package io.kube4j.apiserver.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.HttpServerConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets the writes of the many streams of one HTTP/2 connection share flushes, and so TLS records.
 * Vert.x flushes after every write made from outside the event loop; a watch event sent to the 100
 * watch streams of one connection would then cost 100 flushes and 100 TLS records. Netty's
 * {@link FlushConsolidationHandler}, placed between the HTTP/2 handler and TLS, turns the flushes of
 * writes queued together on the event loop into one (at most {@value #MAX_FLUSHES_PER_FLUSH} apart),
 * and TLS packs the frames written meanwhile into full records. A write alone is flushed by the next
 * event-loop task, so a lone event is not delayed.
 *
 * <p>Also installs {@link Http2WritabilityRecheck} after the HTTP/2 handler, so that no stream stays waiting
 * for a writability change that was not reported.
 *
 * <p>Installed by {@link ApiServer} as the HTTP server's connection handler, on the connection's event
 * loop. Reaches the Netty pipeline through Vert.x's {@code HttpServerConnection} (an implementation
 * class, stable through Vert.x 4 and 5); when that is not available the connection is left as it is.
 */
final class Http2FlushCoalescer implements Handler<HttpConnection> {
    private static final Logger LOG = LoggerFactory.getLogger(Http2FlushCoalescer.class);
    static final String HANDLER_NAME = "kube4j-flush-consolidation";
    /** Flushes at least this often while writes keep coming, so a burst does not pile up unflushed. */
    static final int MAX_FLUSHES_PER_FLUSH = 256;
    private static volatile boolean warned;

    @Override
    public void handle(HttpConnection connection) {
        if (!(connection instanceof HttpServerConnection server)) {
            warnOnce(connection);
            return;
        }
        ChannelHandlerContext ctx = server.channelHandlerContext();
        ChannelPipeline pipeline = ctx.pipeline();
        // HTTP/1.1 has one response in flight per connection: nothing to coalesce
        if (!(ctx.handler() instanceof Http2ConnectionHandler http2) || pipeline.get(HANDLER_NAME) != null) {
            return;
        }
        pipeline.addBefore(ctx.name(), HANDLER_NAME, new FlushConsolidationHandler(MAX_FLUSHES_PER_FLUSH, true));
        // streams left waiting by a writability change Netty did not report (decision 0018)
        pipeline.addAfter(ctx.name(), Http2WritabilityRecheck.HANDLER_NAME, new Http2WritabilityRecheck(http2));
    }

    private static void warnOnce(HttpConnection connection) {
        if (!warned) {
            warned = true;
            LOG.warn("HTTP/2 flush consolidation off: unexpected connection class={}", connection.getClass().getName());
        }
    }
}
