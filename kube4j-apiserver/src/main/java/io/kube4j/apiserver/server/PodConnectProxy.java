package io.kube4j.apiserver.server;

import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apiserver.kubelet.KubeletClient;
import io.kube4j.apiserver.kubelet.KubeletLocation;
import io.kube4j.apiserver.kubelet.KubeletResponseErrors;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Relays pod log, exec, attach and port-forward requests to the pod's kubelet. Logs are a
 * streamed GET whose body is piped chunk by chunk, with back-pressure, to the client; a client that
 * goes away closes the kubelet connection. Exec, attach and port-forward are HTTP/1.1 upgrades
 * (WebSocket or SPDY): the request goes to the kubelet as it came, the kubelet's 101 and its headers
 * (the chosen subprotocol included) go back to the client, and then raw bytes are spliced both ways
 * until either side closes. Called by {@link ApiServer} once the location is known; all work
 * happens in Vert.x callbacks, so it is safe from any thread.
 */
final class PodConnectProxy {
    private static final Logger LOG = LoggerFactory.getLogger(PodConnectProxy.class);
    private static final Pattern PATH = Pattern.compile(
            "^/api/v1/namespaces/([^/]+)/pods/([^/]+)/(log|exec|attach|portforward)/?$");
    /** Request headers that stay with the API server: credentials are the API server's own towards kubelets. */
    private static final Set<String> DROPPED = Set.of("host", "authorization", "proxy-authorization");
    /** Response headers that describe the kubelet's connection, not the answer relayed. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding",
            "content-length", "upgrade", "proxy-connection", "te", "trailer");

    /** A pod connect request: namespace, pod name and subresource. */
    record Target(String namespace, String name, String subresource) {
    }

    private final KubeletClient kubelet;

    PodConnectProxy(KubeletClient kubelet) {
        this.kubelet = kubelet;
    }

    /** The pod connect request {@code path} names, or null when it names none. */
    static Target match(String path) {
        Matcher m = PATH.matcher(path);
        return m.matches() ? new Target(m.group(1), m.group(2), m.group(3)) : null;
    }

    /** Whether the client asked to upgrade its connection, as upstream decides it: {@code Connection} names Upgrade. */
    static boolean isUpgrade(HttpServerRequest req) {
        if (req.version() == HttpVersion.HTTP_2) {
            return false;
        }
        for (String c : req.headers().getAll("Connection")) {
            if (c.toLowerCase(Locale.ROOT).contains("upgrade")) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ logs

    /**
     * Streams the kubelet's answer to {@code GET location} as the response of {@code req}.
     * {@code onError} renders an API error; {@code done} gets the status code once the response ends.
     */
    void streamLog(HttpServerRequest req, KubeletLocation location, String podName,
                   BiConsumer<HttpServerRequest, StatusException> onError, IntConsumer done) {
        kubelet.request(HttpMethod.GET, location).onComplete(ar -> {
            if (ar.failed()) {
                fail(req, StatusException.unknown("Get \"" + location.url() + "\": " + dialMessage(location, ar.cause())),
                        onError, done);
                return;
            }
            HttpClientRequest creq = ar.result();
            creq.send().onComplete(rr -> {
                if (rr.failed()) {
                    fail(req, StatusException.unknown("Get \"" + location.url() + "\": " + dialMessage(location, rr.cause())),
                            onError, done);
                    return;
                }
                relayLog(req, creq, rr.result(), podName, onError, done);
            });
        });
    }

    private static void relayLog(HttpServerRequest req, HttpClientRequest creq, HttpClientResponse cresp, String podName,
                                 BiConsumer<HttpServerRequest, StatusException> onError, IntConsumer done) {
        int code = cresp.statusCode();
        if (!KubeletResponseErrors.isSuccess(code)) {
            cresp.body().onComplete(b -> {
                Buffer body = b.succeeded() ? b.result() : Buffer.buffer();
                String text = body.getString(0, Math.min(body.length(), KubeletResponseErrors.MAX_BODY),
                        StandardCharsets.UTF_8.name());
                fail(req, KubeletResponseErrors.of(code, text, "pods/log", podName), onError, done);
            });
            return;
        }
        HttpServerResponse resp = req.response();
        AtomicBoolean finished = new AtomicBoolean();
        // a client that leaves (or resets its HTTP/2 stream) ends the kubelet's stream too
        resp.closeHandler(v -> {
            if (finished.compareAndSet(false, true)) {
                creq.reset();
                done.accept(code);
            }
        });
        resp.setStatusCode(200);
        resp.putHeader("Content-Type", "text/plain");
        resp.putHeader("Cache-Control", "no-cache, private");
        resp.setChunked(true);
        resp.writeHead();
        // pipeTo pauses the kubelet when the client's write queue is full, and ends the response at the end
        cresp.pipeTo(resp).onComplete(p -> {
            if (finished.compareAndSet(false, true)) {
                if (p.failed()) {
                    creq.reset();
                    resp.reset();
                }
                done.accept(code);
            }
        });
    }

    // ------------------------------------------------------------------ upgrades

    /**
     * Forwards the upgrade request {@code req} to {@code location} and, once the kubelet switches
     * protocols, splices the two connections. A kubelet answer other than 101 is relayed as it is.
     */
    void upgrade(HttpServerRequest req, KubeletLocation location,
                 BiConsumer<HttpServerRequest, StatusException> onError, IntConsumer done) {
        kubelet.connect(location).onComplete(ar -> {
            if (ar.failed()) {
                fail(req, StatusException.unknown("error dialing backend: " + dialMessage(location, ar.cause())), onError, done);
                return;
            }
            NetSocket up = ar.result();
            Buffer received = Buffer.buffer();
            UpgradeResponse.Head[] head = {null};
            AtomicBoolean answered = new AtomicBoolean();
            up.handler(chunk -> {
                received.appendBuffer(chunk);
                try {
                    if (head[0] == null) {
                        head[0] = UpgradeResponse.parseHead(received);
                        if (head[0] == null) {
                            if (received.length() > UpgradeResponse.MAX_HEAD) {
                                throw new IllegalArgumentException("response head too large");
                            }
                            return;
                        }
                        if (head[0].status() == 101 && answered.compareAndSet(false, true)) {
                            up.pause();
                            up.handler(null);
                            switchProtocols(req, up, head[0], received.getBuffer(head[0].length(), received.length()), done);
                            return;
                        }
                    }
                    Buffer body = UpgradeResponse.body(head[0], received, false);
                    if (body != null && answered.compareAndSet(false, true)) {
                        relayAnswer(req, head[0], body, onError, done);
                        up.close();
                    }
                } catch (RuntimeException e) {
                    if (answered.compareAndSet(false, true)) {
                        up.close();
                        fail(req, StatusException.unknown("error proxying to the kubelet: " + e.getMessage()), onError, done);
                    }
                }
            });
            up.closeHandler(v -> {
                if (!answered.compareAndSet(false, true)) {
                    return;
                }
                if (head[0] != null) {
                    relayAnswer(req, head[0], UpgradeResponse.body(head[0], received, true), onError, done);
                } else {
                    fail(req, StatusException.unknown("error proxying to the kubelet: connection closed before a response"),
                            onError, done);
                }
            });
            up.exceptionHandler(e -> LOG.debug("kubelet connection error location={}", location.url(), e));
            up.write(requestHead(req, location));
        });
    }

    private static Buffer requestHead(HttpServerRequest req, KubeletLocation location) {
        StringBuilder s = new StringBuilder();
        s.append(req.method().name()).append(' ').append(location.uri()).append(" HTTP/1.1\r\n");
        s.append("Host: ").append(location.hostPort()).append("\r\n");
        MultiMap headers = req.headers();
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (DROPPED.contains(name) || name.startsWith("impersonate-")) {
                continue;
            }
            s.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        if (req.remoteAddress() != null) {
            String forwarded = headers.get("X-Forwarded-For");
            if (forwarded == null) {
                s.append("X-Forwarded-For: ").append(req.remoteAddress().hostAddress()).append("\r\n");
            }
        }
        s.append("\r\n");
        return Buffer.buffer(s.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void switchProtocols(HttpServerRequest req, NetSocket up, UpgradeResponse.Head head, Buffer early,
                                        IntConsumer done) {
        HttpServerResponse resp = req.response();
        for (Map.Entry<String, String> h : head.headers()) {
            resp.headers().add(h.getKey(), h.getValue());
        }
        clientSocket(req).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warn("cannot take over the client connection path={}", req.path(), ar.cause());
                up.close();
                req.connection().close();
                done.accept(500);
                return;
            }
            NetSocket down = ar.result();
            if (early.length() > 0) {
                down.write(early);
            }
            down.closeHandler(v -> up.close());
            up.closeHandler(v -> down.close());
            down.exceptionHandler(e -> down.close());
            up.exceptionHandler(e -> up.close());
            // each pipe pauses its source while the other side's write queue is full
            down.pipeTo(up);
            up.pipeTo(down);
            done.accept(101);
        });
    }

    /**
     * The client's connection as a raw socket, after sending the 101 with the headers set on the
     * response. Vert.x only lets GET upgrade this way; SPDY clients POST, so for them the same
     * switch is made through the response's own method, told the request was a GET upgrade.
     */
    @SuppressWarnings("unchecked")
    static Future<NetSocket> clientSocket(HttpServerRequest req) {
        if (req.method() == HttpMethod.GET) {
            return req.toNetSocket();
        }
        try {
            HttpServerResponse resp = req.response();
            var m = resp.getClass().getDeclaredMethod("netSocket", HttpMethod.class, MultiMap.class);
            m.setAccessible(true);
            return (Future<NetSocket>) m.invoke(resp, HttpMethod.GET, req.headers());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    /** The kubelet declined to switch: its answer goes to the client as it is (upstream echoes errors raw). */
    private static void relayAnswer(HttpServerRequest req, UpgradeResponse.Head head, Buffer body,
                                    BiConsumer<HttpServerRequest, StatusException> onError, IntConsumer done) {
        if (head.status() < 400) {
            fail(req, StatusException.unknown("invalid upgrade response: status code " + head.status()), onError, done);
            return;
        }
        HttpServerResponse resp = req.response();
        resp.setStatusCode(head.status());
        for (Map.Entry<String, String> h : head.headers()) {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                resp.headers().add(h.getKey(), h.getValue());
            }
        }
        resp.end(body);
        done.accept(head.status());
    }

    private static void fail(HttpServerRequest req, StatusException e,
                             BiConsumer<HttpServerRequest, StatusException> onError, IntConsumer done) {
        onError.accept(req, e);
        done.accept(e.code());
    }

    /** A connection failure in the words Go's dialer uses, which is what upstream reports. */
    private static String dialMessage(KubeletLocation location, Throwable cause) {
        Throwable c = cause;
        while (c.getCause() != null && !(c instanceof ConnectException)) {
            c = c.getCause();
        }
        if (c instanceof ConnectException) {
            return "dial tcp " + location.hostPort() + ": connect: connection refused";
        }
        return String.valueOf(cause.getMessage());
    }
}
