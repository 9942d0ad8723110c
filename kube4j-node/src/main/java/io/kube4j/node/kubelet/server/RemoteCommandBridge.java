package io.kube4j.node.kubelet.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetSocket;

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
final class RemoteCommandBridge extends SpdyChannelBridge {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int STDIN = 0;
    static final int STDOUT = 1;
    static final int STDERR = 2;
    static final int ERROR = 3;
    static final int RESIZE = 4;
    static final int CLOSE = 255;

    private final ChannelProtocol protocol;
    private final StreamOptions opts;
    private Buffer v1Status = Buffer.buffer();
    private int stdinStream = -1;
    private int resizeStream = -1;

    RemoteCommandBridge(ServerWebSocket ws, ChannelProtocol protocol, NetSocket runtime, StreamOptions opts) {
        super(ws, protocol, runtime);
        this.protocol = protocol;
        this.opts = opts;
    }

    @Override
    protected void openStreams() {
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
    }

    private int open(String type, int channel) {
        return open(Map.of("streamtype", type), channel);
    }

    @Override
    protected void fromClient(int channel, Buffer data) {
        if (channel == STDIN && stdinStream > 0) {
            spdy.write(stdinStream, data, false);
        } else if (channel == RESIZE && resizeStream > 0) {
            spdy.write(resizeStream, data, false);
        } else if (channel == CLOSE && protocol.closeSignal && data.length() > 0 && data.getByte(0) == STDIN
                && stdinStream > 0) {
            spdy.write(stdinStream, Buffer.buffer(), true);
        }
    }

    @Override
    protected boolean forward(int channel, Buffer data) {
        if (channel == ERROR && !protocol.statusJson) {
            v1Status.appendBuffer(data);
            return false;
        }
        return true;
    }

    @Override
    public void onFin(int id) {
        Integer channel = channelOfStream.get(id);
        if (channel != null && channel == ERROR && !protocol.statusJson) {
            sendV1Status();
        }
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

    @Override
    protected void beforeEnd() {
        if (!protocol.statusJson && v1Status.length() > 0) {
            sendV1Status();
        }
    }
}
