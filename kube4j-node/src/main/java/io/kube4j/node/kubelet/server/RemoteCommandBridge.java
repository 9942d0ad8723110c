package io.kube4j.node.kubelet.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Bridges an exec or attach session from a WebSocket client (channel protocols v1 to v5) to the
 * runtime's SPDY streaming server speaking v4.channel.k8s.io: one SPDY stream per channel (error,
 * stdin, stdout, stderr, resize, matching the options given to CRI). The v5 CLOSE of stdin
 * half-closes the SPDY stdin stream, so that a command reading stdin sees its end. The runtime's
 * status on the error stream reaches v4/v5 clients unchanged; v1 clients get a failure's message.
 * The session ends when the runtime closes its connection, or the client closes the WebSocket.
 *
 * <p>Lives on the Vert.x context of the client's connection; the runtime socket was opened there.
 */
final class RemoteCommandBridge implements SpdySession.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteCommandBridge.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int STDIN = 0;
    static final int STDOUT = 1;
    static final int STDERR = 2;
    static final int ERROR = 3;
    static final int RESIZE = 4;
    static final int CLOSE = 255;

    private final ServerWebSocket ws;
    private final ChannelWebSocket channels;
    private final ChannelProtocol protocol;
    private final NetSocket runtime;
    private final StreamOptions opts;
    private final SpdySession spdy;
    private final Map<Integer, Integer> channelOfStream = new HashMap<>();
    private Buffer v1Status = Buffer.buffer();
    private int stdinStream = -1;
    private int resizeStream = -1;
    private boolean ended;

    RemoteCommandBridge(ServerWebSocket ws, ChannelProtocol protocol, NetSocket runtime, StreamOptions opts) {
        this.ws = ws;
        this.channels = new ChannelWebSocket(ws, protocol);
        this.protocol = protocol;
        this.runtime = runtime;
        this.opts = opts;
        this.spdy = new SpdySession(true, this::toRuntime, this);
    }

    void start(Buffer leftover) {
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

        // an empty message on the lowest writable channel tells the client the session is up; it goes out before
        // the streams open, since the runtime may answer on them at once (from its own event loop)
        channels.send(opts.stdout() ? STDOUT : opts.stderr() ? STDERR : ERROR, Buffer.buffer());
        // the same streams, in the same order, as client-go's v4 protocol opens them
        open("error", ERROR);
        if (opts.stdin()) {
            stdinStream = open("stdin", STDIN);
        }
        if (opts.stdout()) {
            open("stdout", STDOUT);
        }
        if (opts.stderr()) {
            open("stderr", STDERR);
        }
        if (opts.tty()) {
            resizeStream = open("resize", RESIZE);
        }
        channels.handler(this::fromClient);
        if (leftover.length() > 0) {
            spdy.feed(leftover);
        }
        runtime.resume();
    }

    private int open(String type, int channel) {
        int id = spdy.open(Map.of("streamtype", type));
        channelOfStream.put(id, channel);
        return id;
    }

    private void fromClient(int channel, Buffer data) {
        if (channel == STDIN && stdinStream > 0) {
            spdy.write(stdinStream, data, false);
        } else if (channel == RESIZE && resizeStream > 0) {
            spdy.write(resizeStream, data, false);
        } else if (channel == CLOSE && protocol.closeSignal && data.length() > 0 && data.getByte(0) == STDIN
                && stdinStream > 0) {
            spdy.write(stdinStream, Buffer.buffer(), true);
        }
    }

    private void toRuntime(Buffer bytes) {
        runtime.write(bytes);
        if (runtime.writeQueueFull()) {
            ws.pause();
        }
    }

    @Override
    public void onData(int id, Buffer data) {
        Integer channel = channelOfStream.get(id);
        if (channel == null) {
            return;
        }
        if (channel == ERROR && !protocol.statusJson) {
            v1Status.appendBuffer(data);
            return;
        }
        channels.send(channel, data);
        if (ws.writeQueueFull()) {
            runtime.pause();
        }
    }

    @Override
    public void onFin(int id) {
        Integer channel = channelOfStream.get(id);
        if (channel != null && channel == ERROR && !protocol.statusJson) {
            sendV1Status();
        }
    }

    @Override
    public void onProtocolError(Throwable cause) {
        LOG.warn("runtime broke the SPDY protocol error={}", cause.toString());
        runtime.close();
    }

    // v1 clients get no status on success and the message alone on failure
    private void sendV1Status() {
        if (v1Status.length() == 0) {
            return;
        }
        Buffer raw = v1Status;
        v1Status = Buffer.buffer();
        try {
            JsonNode status = JSON.readTree(raw.getBytes());
            if (!"Success".equals(status.path("status").asText())) {
                channels.send(ERROR, Buffer.buffer(status.path("message").asText()));
            }
        } catch (Exception e) {
            channels.send(ERROR, raw);
        }
    }

    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        if (!protocol.statusJson && v1Status.length() > 0) {
            sendV1Status();
        }
        spdy.close();
        if (!ws.isClosed()) {
            ws.close((short) 1000);
        }
    }
}
