package io.kube4j.node.kubelet.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.BiConsumer;

/**
 * Channel framing over a server WebSocket, binary or base64 as the negotiated
 * {@link ChannelProtocol} says. Used on the WebSocket's context only.
 */
final class ChannelWebSocket {
    private final ServerWebSocket ws;
    private final boolean base64;

    ChannelWebSocket(ServerWebSocket ws, ChannelProtocol protocol) {
        this.ws = ws;
        this.base64 = protocol.base64;
    }

    void send(int channel, Buffer data) {
        if (ws.isClosed()) {
            return;
        }
        if (base64) {
            ws.writeTextMessage((char) ('0' + channel) + Base64.getEncoder().encodeToString(data.getBytes()));
        } else {
            ws.writeBinaryMessage(Buffer.buffer(data.length() + 1).appendByte((byte) channel).appendBuffer(data));
        }
    }

    /** Delivers each message as (channel, data). Malformed base64 messages are dropped. */
    void handler(BiConsumer<Integer, Buffer> h) {
        ws.binaryMessageHandler(m -> {
            if (m.length() > 0) {
                h.accept(m.getByte(0) & 0xff, m.getBuffer(1, m.length()));
            }
        });
        ws.textMessageHandler(m -> {
            if (m.isEmpty()) {
                return;
            }
            if (base64) {
                try {
                    h.accept(m.charAt(0) - '0', Buffer.buffer(Base64.getDecoder().decode(m.substring(1))));
                } catch (IllegalArgumentException ignored) {
                    // upstream logs and drops a frame it cannot decode
                }
            } else {
                byte[] b = m.getBytes(StandardCharsets.UTF_8);
                h.accept(b[0] & 0xff, Buffer.buffer(b).getBuffer(1, b.length));
            }
        });
    }

    ServerWebSocket socket() {
        return ws;
    }
}
