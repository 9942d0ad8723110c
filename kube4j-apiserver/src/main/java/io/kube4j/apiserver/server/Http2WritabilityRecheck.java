package io.kube4j.apiserver.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2RemoteFlowController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every stream of an HTTP/2 connection that it may write again once the connection's channel has turned
 * writable, so no stream is left waiting for a writability change that was never reported (decision 0018).
 *
 * <p>Why: Netty's remote flow controller reports per-stream writability changes to one listener. When the
 * channel's writability changes it first records the connection's new state, then walks the streams and reports
 * each one whose state differs from what it last reported. Vert.x's listener writes the stream's queued data
 * from inside that callback. Those writes can fill the socket's write buffer partway through the walk, so the
 * streams after that point are recorded as "not writable" while the connection stays recorded as "writable".
 * When the buffer drains, Netty compares the channel with the connection's record, sees no change, and never
 * walks the streams again: they keep their data queued in Vert.x until the channel's writability next changes
 * for some other reason. With small HTTP/2 windows the connection window stops the writes before the socket
 * buffer fills, so this only shows with large client windows (client-go's 1 GB connection window) and many
 * streams on one connection, as with many watches.
 *
 * <p>The fix: after the HTTP/2 handler has handled a change to writable, this handler asks the flow controller
 * to re-check each active stream ({@link Http2RemoteFlowController#incrementWindowSize} by zero re-evaluates a
 * stream's writability and reports it if it differs from the last report). Only public Netty API is used; that a
 * zero increment re-checks the stream is Netty's behaviour (read in 4.2.9), covered by
 * {@code Http2WritabilityRecheckTest} and {@code LargeWindowWatchTest}. A recheck can itself fill the buffer
 * partway; then the channel turns writable again later and the next recheck continues.
 *
 * <p>Installed by {@link Http2FlushCoalescer} right after the HTTP/2 connection handler, one per connection.
 * Runs on the connection's event loop only.
 */
final class Http2WritabilityRecheck extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(Http2WritabilityRecheck.class);
    static final String HANDLER_NAME = "kube4j-writability-recheck";

    private final Http2ConnectionHandler http2;

    Http2WritabilityRecheck(Http2ConnectionHandler http2) {
        this.http2 = http2;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        // the HTTP/2 handler before this one has flushed and made its own check already
        if (ctx.channel().isWritable()) {
            recheck(http2.connection(), http2.encoder().flowController());
        }
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * Has {@code flow} re-evaluate the writability of every active stream of {@code connection} and report the
     * streams whose state differs from what it last reported. Event loop only.
     */
    static void recheck(Http2Connection connection, Http2RemoteFlowController flow) {
        try {
            connection.forEachActiveStream(stream -> {
                flow.incrementWindowSize(stream, 0);
                return true;
            });
        } catch (Http2Exception e) {
            // a zero increment cannot overflow a window; nothing to do but say so
            LOG.warn("HTTP/2 writability recheck failed", e);
        }
    }
}
