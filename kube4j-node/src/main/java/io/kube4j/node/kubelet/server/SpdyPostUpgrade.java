package io.kube4j.node.kubelet.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets SPDY clients upgrade with POST, as client-go does for exec, attach and port-forward:
 * Vert.x hands over the raw connection only for GET upgrades, so a POST that asks for
 * {@code Upgrade: SPDY/3.1} is presented to Vert.x as a GET (it has no body). The handler sits
 * in the connection's Netty pipeline, just before Vert.x's own handler (an internal API: if it
 * is not there, POST SPDY upgrades fail and WebSocket clients are unaffected).
 */
@ChannelHandler.Sharable
final class SpdyPostUpgrade extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(SpdyPostUpgrade.class);
    static final SpdyPostUpgrade INSTANCE = new SpdyPostUpgrade();

    static void install(HttpConnection conn) {
        try {
            if (conn instanceof ConnectionBase base) {
                base.channel().pipeline().addBefore(base.channelHandlerContext().name(), "kube4j-spdy-post", INSTANCE);
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("cannot accept SPDY upgrades by POST error={}", e.toString());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest r && r.method() == HttpMethod.POST
                && "SPDY/3.1".equalsIgnoreCase(r.headers().get("Upgrade"))) {
            r.setMethod(HttpMethod.GET);
        }
        ctx.fireChannelRead(msg);
    }
}
