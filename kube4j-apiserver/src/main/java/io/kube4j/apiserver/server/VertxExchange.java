package io.kube4j.apiserver.server;

import io.kube4j.apiserver.authn.UserInfo;
import io.kube4j.apiserver.endpoints.Exchange;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** An {@link Exchange} over a Vert.x request; used from the handler's virtual thread. */
final class VertxExchange implements Exchange {
    private final HttpServerRequest req;
    private final byte[] body;
    private final UserInfo user;
    private final MultiMap params;
    private final ServerWebSocket ws;
    private volatile boolean open = true;
    int status;

    /** @param ws the WebSocket the request was upgraded to (a watch over WebSocket), or null */
    VertxExchange(HttpServerRequest req, byte[] body, UserInfo user, ServerWebSocket ws) {
        this.req = req;
        this.body = body;
        this.user = user;
        this.params = req.params();
        this.ws = ws;
        if (ws != null) {
            ws.closeHandler(v -> open = false);
        } else {
            req.response().closeHandler(v -> open = false);
            req.connection().closeHandler(v -> open = false);
        }
    }

    @Override
    public String method() {
        return req.method().name();
    }

    @Override
    public String path() {
        return req.path();
    }

    @Override
    public String query(String name) {
        return params.get(name);
    }

    @Override
    public String header(String name) {
        return req.getHeader(name);
    }

    @Override
    public byte[] body() {
        return body;
    }

    @Override
    public UserInfo user() {
        return user;
    }

    @Override
    public void respond(int code, String contentType, byte[] bytes, Map<String, List<String>> headers) {
        status = code;
        if (ws != null) {
            // a WebSocket carries watch events only: an error becomes an ERROR event, then the socket closes
            String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            ws.writeTextMessage(code >= 400 ? "{\"type\":\"ERROR\",\"object\":" + text + "}" : text);
            ws.close();
            open = false;
            return;
        }
        HttpServerResponse resp = req.response();
        resp.setStatusCode(code);
        resp.putHeader("Content-Type", contentType);
        resp.putHeader("Cache-Control", "no-cache, private");
        headers.forEach(resp::putHeader);
        if (req.method().name().equals("HEAD")) {
            resp.putHeader("Content-Length", Integer.toString(bytes.length));
            resp.end();
        } else {
            resp.end(Buffer.buffer(bytes));
        }
    }

    private Stream webSocketStream() {
        return new Stream() {
            @Override
            public boolean write(byte[] chunk) {
                if (!open) {
                    return false;
                }
                int len = chunk.length;
                if (len > 0 && chunk[len - 1] == '\n') {
                    len--;
                }
                if (len == 0) {
                    return true;
                }
                CompletableFuture<Void> done = new CompletableFuture<>();
                ws.writeTextMessage(new String(chunk, 0, len, java.nio.charset.StandardCharsets.UTF_8))
                        .onComplete(ar -> done.complete(null));
                if (ws.writeQueueFull()) {
                    try {
                        done.get(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        open = false;
                    }
                }
                return open;
            }

            @Override
            public boolean isOpen() {
                return open;
            }

            @Override
            public void close() {
                if (open) {
                    open = false;
                    ws.close();
                }
            }
        };
    }

    @Override
    public Stream stream(int code, String contentType, Map<String, List<String>> headers) {
        status = code;
        if (ws != null) {
            return webSocketStream();
        }
        HttpServerResponse resp = req.response();
        resp.setStatusCode(code);
        resp.putHeader("Content-Type", contentType);
        resp.putHeader("Cache-Control", "no-cache, private");
        headers.forEach(resp::putHeader);
        resp.setChunked(true);
        return new Stream() {
            @Override
            public boolean write(byte[] chunk) {
                if (!open) {
                    return false;
                }
                if (chunk.length == 0) {
                    // flush headers so the client sees the stream start
                    if (!resp.headWritten()) {
                        resp.writeHead();
                    }
                    return true;
                }
                CompletableFuture<Void> done = new CompletableFuture<>();
                resp.write(Buffer.buffer(chunk)).onComplete(ar -> done.complete(null));
                if (resp.writeQueueFull()) {
                    try {
                        done.get(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        open = false;
                    }
                }
                return open;
            }

            @Override
            public boolean isOpen() {
                return open;
            }

            @Override
            public void close() {
                if (open) {
                    open = false;
                    try {
                        resp.end();
                    } catch (IllegalStateException ignored) {
                        // already ended or reset by the client
                    }
                }
            }
        };
    }
}
