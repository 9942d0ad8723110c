package io.kube4j.node.kubelet.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bridges upstream's WebSocket port forwarding (ports in the query; channel 2i carries port i's
 * data, 2i+1 its errors; each channel's first message is the port, 2 bytes little endian) to the
 * runtime's SPDY streaming server speaking portforward.k8s.io: an error stream and a data stream
 * per port, tied by a request id. The WebSocket closes when the runtime has finished every data
 * stream (the pod side closed) or closes its connection.
 *
 * <p>Lives on the Vert.x context of the client's connection.
 */
final class PortForwardBridge implements SpdySession.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(PortForwardBridge.class);

    private final ServerWebSocket ws;
    private final ChannelWebSocket channels;
    private final NetSocket runtime;
    private final List<Integer> ports;
    private final SpdySession spdy;
    private final Map<Integer, Integer> channelOfStream = new HashMap<>();
    private final Map<Integer, Integer> dataStreamOfChannel = new HashMap<>();
    private int openDataStreams;
    private boolean ended;

    PortForwardBridge(ServerWebSocket ws, ChannelProtocol protocol, NetSocket runtime, List<Integer> ports) {
        this.ws = ws;
        this.channels = new ChannelWebSocket(ws, protocol);
        this.runtime = runtime;
        this.ports = ports;
        this.spdy = new SpdySession(true, this::toRuntime, this);
    }

    void start(Buffer leftover) {
        runtime.handler(spdy::feed);
        runtime.closeHandler(v -> end());
        runtime.exceptionHandler(e -> runtime.close());
        ws.closeHandler(v -> {
            if (!ended) {
                runtime.close();
            }
        });
        ws.exceptionHandler(e -> ws.close());
        ws.drainHandler(v -> runtime.resume());
        runtime.drainHandler(v -> ws.resume());
        for (int i = 0; i < ports.size(); i++) {
            String port = Integer.toString(ports.get(i));
            String requestId = Integer.toString(i);
            int err = spdy.open(Map.of("streamtype", "error", "port", port, "requestid", requestId));
            int data = spdy.open(Map.of("streamtype", "data", "port", port, "requestid", requestId));
            channelOfStream.put(err, 2 * i + 1);
            channelOfStream.put(data, 2 * i);
            dataStreamOfChannel.put(2 * i, data);
            openDataStreams++;
            Buffer portBytes = Buffer.buffer(2).appendUnsignedShortLE(ports.get(i));
            channels.send(2 * i, portBytes);
            channels.send(2 * i + 1, portBytes);
        }
        channels.handler((channel, data) -> {
            Integer stream = dataStreamOfChannel.get(channel);
            if (stream != null) {
                spdy.write(stream, data, false);
            }
        });
        if (leftover.length() > 0) {
            spdy.feed(leftover);
        }
        runtime.resume();
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
        channels.send(channel, data);
        if (ws.writeQueueFull()) {
            runtime.pause();
        }
    }

    @Override
    public void onFin(int id) {
        Integer channel = channelOfStream.get(id);
        if (channel != null && channel % 2 == 0) {
            dataDone(id);
        }
    }

    @Override
    public void onReset(int id) {
        Integer channel = channelOfStream.get(id);
        if (channel != null && channel % 2 == 0) {
            dataDone(id);
        }
    }

    private void dataDone(int id) {
        if (channelOfStream.remove(id) != null && --openDataStreams == 0) {
            LOG.debug("all forwarded ports closed by the pod side");
            runtime.close();
        }
    }

    @Override
    public void onProtocolError(Throwable cause) {
        LOG.warn("runtime broke the SPDY protocol error={}", cause.toString());
        runtime.close();
    }

    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        spdy.close();
        if (!ws.isClosed()) {
            ws.close((short) 1000);
        }
    }
}
