package io.kube4j.node.kubelet.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * What the exec/attach and port-forward bridges share: a WebSocket client speaking a channel protocol on one side,
 * the runtime's SPDY streaming connection on the other, one SPDY stream per channel, back-pressure both ways, and
 * one end for both sides. Subclasses open their streams and route the client's channels.
 *
 * <p>Lives on the Vert.x context of the client's connection; the runtime socket was opened there.
 */
abstract class SpdyChannelBridge implements SpdySession.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(SpdyChannelBridge.class);

    protected final ServerWebSocket ws;
    protected final ChannelWebSocket channels;
    protected final NetSocket runtime;
    protected final SpdySession spdy;
    protected final Map<Integer, Integer> channelOfStream = new HashMap<>();
    private boolean ended;

    SpdyChannelBridge(ServerWebSocket ws, ChannelProtocol protocol, NetSocket runtime) {
        this.ws = ws;
        this.channels = new ChannelWebSocket(ws, protocol);
        this.runtime = runtime;
        this.spdy = new SpdySession(true, this::toRuntime, this);
    }

    /** Wires both sides, opens the streams, then lets the runtime's bytes flow ({@code leftover} first). */
    final void start(Buffer leftover) {
        runtime.handler(spdy::feed);
        runtime.closeHandler(v -> end());
        runtime.exceptionHandler(e -> {
            LOG.debug("runtime stream error error={}", e.toString());
            runtime.close();
        });
        ws.closeHandler(v -> {
            if (!ended) {
                runtime.close();
            }
        });
        ws.exceptionHandler(e -> ws.close());
        ws.drainHandler(v -> runtime.resume());
        runtime.drainHandler(v -> ws.resume());
        openStreams();
        channels.handler(this::fromClient);
        if (leftover.length() > 0) {
            spdy.feed(leftover);
        }
        runtime.resume();
    }

    /** Opens the SPDY streams of the session (and says hello to the client where the protocol wants it). */
    protected abstract void openStreams();

    /** A message from the client on {@code channel}. */
    protected abstract void fromClient(int channel, Buffer data);

    /** Opens a stream with these headers, carried on {@code channel}; returns its id. */
    protected final int open(Map<String, String> headers, int channel) {
        int id = spdy.open(headers);
        channelOfStream.put(id, channel);
        return id;
    }

    private void toRuntime(Buffer bytes) {
        runtime.write(bytes);
        if (runtime.writeQueueFull()) {
            ws.pause();
        }
    }

    /** Data from the runtime for a channel; returns false when a subclass keeps it instead of sending it. */
    protected boolean forward(int channel, Buffer data) {
        return true;
    }

    @Override
    public void onData(int id, Buffer data) {
        Integer channel = channelOfStream.get(id);
        if (channel == null || !forward(channel, data)) {
            return;
        }
        channels.send(channel, data);
        if (ws.writeQueueFull()) {
            runtime.pause();
        }
    }

    @Override
    public void onProtocolError(Throwable cause) {
        LOG.warn("runtime broke the SPDY protocol error={}", cause.toString());
        runtime.close();
    }

    /** Last words to the client before the WebSocket closes. */
    protected void beforeEnd() {
    }

    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        beforeEnd();
        spdy.close();
        if (!ws.isClosed()) {
            ws.close((short) 1000);
        }
    }
}
