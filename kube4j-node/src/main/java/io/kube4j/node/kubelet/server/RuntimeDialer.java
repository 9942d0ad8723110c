package io.kube4j.node.kubelet.server;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Opens a connection to the container runtime's streaming server and upgrades it to SPDY/3.1,
 * offering Kubernetes stream protocols in the {@code X-Stream-Protocol-Version} header, as
 * client-go does (with GET, which the runtime's streaming server accepts like POST). Only
 * {@code http} URLs: the runtime listens on loopback.
 *
 * <p>Call from a Vert.x context: the socket's handlers run on it. Thread-safe otherwise.
 */
final class RuntimeDialer {
    private static final int MAX_HEAD = 64 * 1024;

    /** An upgraded connection. The socket is paused: set its handlers, then resume it. */
    record Upgraded(NetSocket socket, String protocol, Buffer leftover) {
    }

    /** The runtime answered the upgrade with something else than 101. */
    static final class UpgradeFailed extends RuntimeException {
        final int status;

        UpgradeFailed(int status, String body) {
            super(body);
            this.status = status;
        }
    }

    private final Vertx vertx;
    private final NetClient client;

    RuntimeDialer(Vertx vertx, NetClient client) {
        this.vertx = vertx;
        this.client = client;
    }

    Future<Upgraded> upgrade(String url, List<String> protocols) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(new IllegalArgumentException("invalid streaming URL " + url));
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            return Future.failedFuture(new IllegalArgumentException("unsupported streaming URL " + url));
        }
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        StringBuilder req = new StringBuilder()
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(uri.getHost()).append(':').append(port).append("\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Upgrade: SPDY/3.1\r\n");
        for (String p : protocols) {
            req.append("X-Stream-Protocol-Version: ").append(p).append("\r\n");
        }
        req.append("\r\n");
        return client.connect(port, uri.getHost()).compose(sock -> {
            Promise<Upgraded> promise = Promise.promise();
            Buffer acc = Buffer.buffer();
            int[] headEnd = {-1};
            int[] status = {0};
            int[] contentLength = {-1};
            String[] protocol = {""};
            sock.handler(chunk -> {
                acc.appendBuffer(chunk);
                if (headEnd[0] < 0) {
                    int end = indexOf(acc, "\r\n\r\n");
                    if (end < 0) {
                        if (acc.length() > MAX_HEAD) {
                            sock.close();
                            promise.tryFail(new IllegalStateException("runtime sent an oversized response head"));
                        }
                        return;
                    }
                    headEnd[0] = end + 4;
                    String head = acc.getString(0, end, "ISO-8859-1");
                    String[] lines = head.split("\r\n");
                    String[] statusLine = lines[0].split(" ", 3);
                    try {
                        status[0] = Integer.parseInt(statusLine[1]);
                    } catch (RuntimeException e) {
                        sock.close();
                        promise.tryFail(new IllegalStateException("runtime sent a malformed status line: " + lines[0]));
                        return;
                    }
                    for (int i = 1; i < lines.length; i++) {
                        int colon = lines[i].indexOf(':');
                        if (colon < 0) {
                            continue;
                        }
                        String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                        String value = lines[i].substring(colon + 1).trim();
                        if (name.equals("x-stream-protocol-version")) {
                            protocol[0] = value;
                        } else if (name.equals("content-length")) {
                            try {
                                contentLength[0] = Integer.parseInt(value);
                            } catch (NumberFormatException ignored) {
                                // read the body to the end of the connection
                            }
                        }
                    }
                    if (status[0] == 101) {
                        sock.pause();
                        sock.handler(null);
                        promise.tryComplete(new Upgraded(sock, protocol[0], acc.getBuffer(headEnd[0], acc.length())));
                        return;
                    }
                }
                if (contentLength[0] >= 0 && acc.length() - headEnd[0] >= contentLength[0]) {
                    sock.close();
                    promise.tryFail(new UpgradeFailed(status[0],
                            acc.getString(headEnd[0], headEnd[0] + contentLength[0], "UTF-8")));
                }
            });
            sock.closeHandler(v -> {
                if (headEnd[0] >= 0) {
                    promise.tryFail(new UpgradeFailed(status[0], acc.getString(headEnd[0], acc.length(), "UTF-8")));
                } else {
                    promise.tryFail(new IllegalStateException("runtime closed the connection before answering"));
                }
            });
            sock.exceptionHandler(promise::tryFail);
            long timer = vertx.setTimer(30_000, t -> {
                if (promise.tryFail(new IllegalStateException("timed out waiting for the runtime's upgrade response"))) {
                    sock.close();
                }
            });
            sock.write(Buffer.buffer(req.toString().getBytes(StandardCharsets.ISO_8859_1)));
            return promise.future().andThen(ar -> {
                vertx.cancelTimer(timer);
                if (ar.succeeded()) {
                    sock.closeHandler(null);
                    sock.exceptionHandler(null);
                }
            });
        });
    }

    private static int indexOf(Buffer b, String s) {
        byte[] needle = s.getBytes(StandardCharsets.ISO_8859_1);
        outer:
        for (int i = 0; i + needle.length <= b.length(); i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b.getByte(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
