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
final class PortForwardBridge extends SpdyChannelBridge {
    private static final Logger LOG = LoggerFactory.getLogger(PortForwardBridge.class);

    private final List<Integer> ports;
    private final Map<Integer, Integer> dataStreamOfChannel = new HashMap<>();
    private int openDataStreams;

    PortForwardBridge(ServerWebSocket ws, ChannelProtocol protocol, NetSocket runtime, List<Integer> ports) {
        super(ws, protocol, runtime);
        this.ports = ports;
    }

    @Override
    protected void openStreams() {
        for (int i = 0; i < ports.size(); i++) {
            String port = Integer.toString(ports.get(i));
            String requestId = Integer.toString(i);
            open(Map.of("streamtype", "error", "port", port, "requestid", requestId), 2 * i + 1);
            int data = open(Map.of("streamtype", "data", "port", port, "requestid", requestId), 2 * i);
            dataStreamOfChannel.put(2 * i, data);
            openDataStreams++;
            Buffer portBytes = Buffer.buffer(2).appendUnsignedShortLE(ports.get(i));
            channels.send(2 * i, portBytes);
            channels.send(2 * i + 1, portBytes);
        }
    }

    @Override
    protected void fromClient(int channel, Buffer data) {
        Integer stream = dataStreamOfChannel.get(channel);
        if (stream != null) {
            spdy.write(stream, data, false);
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
        onFin(id);
    }

    private void dataDone(int id) {
        if (channelOfStream.remove(id) != null && --openDataStreams == 0) {
            LOG.debug("all forwarded ports closed by the pod side");
            runtime.close();
        }
    }
}
