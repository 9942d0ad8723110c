package io.kube4j.ingress.proxy;

import io.kube4j.ingress.routing.Endpoint;
import io.kube4j.ingress.routing.Route;
import io.kube4j.ingress.routing.RoutingTable;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The request handler of the ingress data plane: routes each request by the routing table current when it arrived
 * (a swap never affects a request in flight), then streams it to an endpoint chosen round robin over a pooled,
 * keep-alive HTTP/1.1 client, adding X-Forwarded-* headers as ingress-nginx does. Answers 404 when no rule matches
 * (ingress-nginx's default backend), 503 when the backend has no ready endpoint, 502 when the endpoint can't be
 * reached. Runs on Vert.x event loops; thread-safe.
 */
public final class ReverseProxy {
    private static final Logger LOG = LoggerFactory.getLogger(ReverseProxy.class);
    private static final AsciiString X_REQUEST_ID = AsciiString.cached("X-Request-ID");
    private static final AsciiString X_REAL_IP = AsciiString.cached("X-Real-IP");
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("X-Forwarded-For");
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("X-Forwarded-Host");
    private static final AsciiString X_FORWARDED_PORT = AsciiString.cached("X-Forwarded-Port");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("X-Forwarded-Proto");
    private static final AsciiString X_FORWARDED_SCHEME = AsciiString.cached("X-Forwarded-Scheme");
    static final String NOT_FOUND_BODY = "default backend - 404";
    static final String UNAVAILABLE_BODY = "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n"
            + "<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n";
    static final String BAD_GATEWAY_BODY = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
            + "<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";

    // Content-Length up to 4 digits (< 10 kB): decimal digits, checked by the decoder
    private static final int SMALL_BODY_DIGITS = 4;

    private final Supplier<RoutingTable> table;
    private final HttpClientAgent client;
    private volatile PortText lastPort;

    public ReverseProxy(Supplier<RoutingTable> table, HttpClientAgent client) {
        this.table = table;
        this.client = client;
    }

    public void handle(HttpServerRequest req) {
        HostAndPort authority = req.authority();
        String host = authority == null ? "" : authority.host();
        Route route = table.get().route(host, req.path());
        if (!route.found()) {
            reply(req.response(), 404, "text/plain", NOT_FOUND_BODY);
            return;
        }
        Endpoint ep = route.backend().pick();
        if (ep == null) {
            reply(req.response(), 503, "text/html", UNAVAILABLE_BODY);
            return;
        }
        HttpVersion version = req.version();
        // an HTTP/1 request without Content-Length or Transfer-Encoding has no body: sent as is, it must not
        // become a chunked one (an empty chunked body left unread makes some backends reset the connection)
        boolean noBody = version != HttpVersion.HTTP_2 && !req.headers().contains(HttpHeaders.CONTENT_LENGTH)
                && !req.headers().contains(HttpHeaders.TRANSFER_ENCODING);
        if (!noBody) {
            req.pause();
        }
        HttpServerResponse out = req.response();
        // the headers go straight into the backend request's own map: building them in RequestOptions first made
        // Vert.x copy them once more per request. One listener per future, no compose: fewer futures per request.
        client.request(new RequestOptions().setMethod(req.method()).setHost(ep.ip()).setPort(ep.port())
                .setURI(req.uri())).onComplete(created -> {
            if (created.failed()) {
                failed(route, ep, out, created.cause());
                return;
            }
            HttpClientRequest creq = created.result();
            if (authority != null) {
                creq.authority(authority);
            }
            forwardedHeaders(req, host, creq.headers());
            (noBody ? creq.send() : creq.send(req)).onComplete(answered -> {
                if (answered.succeeded()) {
                    relay(answered.result(), out, version, req.method() == HttpMethod.HEAD);
                } else {
                    failed(route, ep, out, answered.cause());
                }
            });
        });
    }

    /** The request's end-to-end headers, then X-Request-ID, X-Real-IP and X-Forwarded-*, as ingress-nginx sets them. */
    void forwardedHeaders(HttpServerRequest req, String host, MultiMap to) {
        copyEndToEnd(req.headers(), to);
        String clientIp = req.remoteAddress() == null ? "" : req.remoteAddress().hostAddress();
        String proto = req.isSSL() ? "https" : "http";
        to.set(X_REQUEST_ID, Long.toHexString(System.nanoTime()));
        to.set(X_REAL_IP, clientIp);
        to.set(X_FORWARDED_FOR, clientIp);
        to.set(X_FORWARDED_HOST, host);
        to.set(X_FORWARDED_PORT, portText(req.localAddress() == null ? 0 : req.localAddress().port()));
        to.set(X_FORWARDED_PROTO, proto);
        to.set(X_FORWARDED_SCHEME, proto);
    }

    /** Adds {@code from}'s headers but the hop-by-hop ones to {@code to}, names and values as received. */
    static void copyEndToEnd(MultiMap from, MultiMap to) {
        if (from instanceof io.netty.handler.codec.http.HttpHeaders nettyFrom
                && to instanceof io.netty.handler.codec.http.HttpHeaders nettyTo) {
            // Vert.x's HTTP/1 maps: names and values stay the decoder's AsciiStrings, no String per header
            for (Iterator<Map.Entry<CharSequence, CharSequence>> it = nettyFrom.iteratorCharSequence();
                 it.hasNext(); ) {
                Map.Entry<CharSequence, CharSequence> h = it.next();
                if (!HopByHopHeaders.contains(h.getKey())) {
                    nettyTo.add(h.getKey(), h.getValue());
                }
            }
            return;
        }
        for (Map.Entry<String, String> h : from) {
            if (!HopByHopHeaders.contains(h.getKey())) {
                to.add(h.getKey(), h.getValue());
            }
        }
    }

    /** The text of a local port; a proxy serves one or two ports, so the last one is kept (a benign race). */
    private String portText(int port) {
        PortText last = lastPort;
        if (last == null || last.port() != port) {
            last = new PortText(port, Integer.toString(port));
            lastPort = last;
        }
        return last.text();
    }

    private record PortText(int port, String text) {
    }

    private static void failed(Route route, Endpoint ep, HttpServerResponse out, Throwable err) {
        LOG.debug("backend={} endpoint={}:{} failed: {}", route.backend().service(), ep.ip(), ep.port(),
                err.toString());
        if (!out.headWritten()) {
            reply(out, 502, "text/html", BAD_GATEWAY_BODY);
        } else {
            out.reset();
        }
    }

    private static void relay(HttpClientResponse resp, HttpServerResponse out, HttpVersion version, boolean head) {
        int status = resp.statusCode();
        out.setStatusCode(status);
        if (version != HttpVersion.HTTP_2) {
            // the standard phrase is what Vert.x writes anyway; setting it made a new status object per answer
            String message = resp.statusMessage();
            if (message != null && !message.equals(HttpResponseStatus.valueOf(status).reasonPhrase())) {
                out.setStatusMessage(message);
            }
        }
        String length = null;
        MultiMap headers = out.headers();
        for (Map.Entry<String, String> h : resp.headers()) {
            String name = h.getKey();
            if (!HopByHopHeaders.contains(name)) {
                headers.add(name, h.getValue());
                if (HopByHopHeaders.is(name, HopByHopHeaders.CONTENT_LENGTH)) {
                    length = h.getValue();
                }
            }
        }
        if (head || status == 204 || status == 304) {
            // no body by definition (a HEAD answer's Content-Length describes the GET's): end with the head. The
            // backend answer may have ended before a body handler could be set, so none is waited for
            out.end();
            return;
        }
        if (length == null && version != HttpVersion.HTTP_2) {
            out.setChunked(true);
        }
        if (length != null && length.length() <= SMALL_BODY_DIGITS) {
            // a small body is read whole and sent with the head in one message, as nginx buffers answers: half
            // the writes and no pipe per request; a backend failing mid-body closes the client's connection
            resp.body().onComplete(body -> {
                if (body.succeeded()) {
                    out.end(body.result());
                } else {
                    out.reset();
                }
            });
        } else {
            resp.pipeTo(out);
        }
    }

    private static void reply(HttpServerResponse out, int status, String type, String body) {
        out.setStatusCode(status).putHeader("Content-Type", type).end(body);
    }
}
