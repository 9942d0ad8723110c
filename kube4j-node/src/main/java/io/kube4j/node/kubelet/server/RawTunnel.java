package io.kube4j.node.kubelet.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetSocket;

/**
 * Byte pipes between a client and an upgraded runtime connection, for clients that speak SPDY
 * themselves: a plain {@code Upgrade: SPDY/3.1} request (the runtime's answer is passed through,
 * as upstream's kubelet proxies), or SPDY frames tunnelled in WebSocket binary messages
 * ({@code SPDY/3.1+portforward.k8s.io}, kubectl's port-forward since 1.31).
 *
 * <p>Lives on the Vert.x context of the client's connection.
 */
final class RawTunnel {
    private RawTunnel() {
    }

    static void pipe(NetSocket client, NetSocket runtime, Buffer leftover) {
        client.handler(b -> {
            runtime.write(b);
            if (runtime.writeQueueFull()) {
                client.pause();
                runtime.drainHandler(v -> client.resume());
            }
        });
        runtime.handler(b -> {
            client.write(b);
            if (client.writeQueueFull()) {
                runtime.pause();
                client.drainHandler(v -> runtime.resume());
            }
        });
        client.closeHandler(v -> runtime.close());
        runtime.closeHandler(v -> client.close());
        client.exceptionHandler(e -> client.close());
        runtime.exceptionHandler(e -> runtime.close());
        if (leftover.length() > 0) {
            client.write(leftover);
        }
        runtime.resume();
    }

    static void pipe(ServerWebSocket ws, NetSocket runtime, Buffer leftover) {
        ws.binaryMessageHandler(b -> {
            runtime.write(b);
            if (runtime.writeQueueFull()) {
                ws.pause();
                runtime.drainHandler(v -> ws.resume());
            }
        });
        runtime.handler(b -> {
            if (ws.isClosed()) {
                return;
            }
            ws.writeBinaryMessage(b);
            if (ws.writeQueueFull()) {
                runtime.pause();
                ws.drainHandler(v -> runtime.resume());
            }
        });
        ws.closeHandler(v -> runtime.close());
        runtime.closeHandler(v -> {
            if (!ws.isClosed()) {
                ws.close((short) 1000);
            }
        });
        ws.exceptionHandler(e -> ws.close());
        runtime.exceptionHandler(e -> runtime.close());
        if (leftover.length() > 0) {
            ws.writeBinaryMessage(leftover);
        }
        runtime.resume();
    }
}
