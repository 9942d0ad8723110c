package io.kube4j.ingress.proxy;

import io.kube4j.ingress.routing.Endpoint;
import io.kube4j.ingress.routing.Route;
import io.kube4j.ingress.routing.RoutingTable;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Set;
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
    // hop-by-hop headers (RFC 9110 7.6.1) are not forwarded
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "http2-settings");
    static final String NOT_FOUND_BODY = "default backend - 404";
    static final String UNAVAILABLE_BODY = "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n"
            + "<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n";
    static final String BAD_GATEWAY_BODY = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
            + "<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";

    private final Supplier<RoutingTable> table;
    private final HttpClientAgent client;

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
        // an HTTP/1 request without Content-Length or Transfer-Encoding has no body: sent as is, it must not
        // become a chunked one (an empty chunked body left unread makes some backends reset the connection)
        boolean noBody = req.version() != HttpVersion.HTTP_2 && !req.headers().contains("Content-Length")
                && !req.headers().contains("Transfer-Encoding");
        if (!noBody) {
            req.pause();
        }
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (var h : req.headers()) {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                headers.add(h.getKey(), h.getValue());
            }
        }
        String clientIp = req.remoteAddress() == null ? "" : req.remoteAddress().hostAddress();
        String proto = req.isSSL() ? "https" : "http";
        headers.set("X-Request-ID", Long.toHexString(System.nanoTime()));
        headers.set("X-Real-IP", clientIp);
        headers.set("X-Forwarded-For", clientIp);
        headers.set("X-Forwarded-Host", host);
        headers.set("X-Forwarded-Port", String.valueOf(req.localAddress() == null ? 0 : req.localAddress().port()));
        headers.set("X-Forwarded-Proto", proto);
        headers.set("X-Forwarded-Scheme", proto);
        RequestOptions options = new RequestOptions().setMethod(req.method()).setHost(ep.ip()).setPort(ep.port())
                .setURI(req.uri()).setHeaders(headers);
        HttpServerResponse out = req.response();
        client.request(options).compose(creq -> {
            if (authority != null) {
                creq.authority(authority);
            }
            return noBody ? creq.send() : creq.send(req);
        }).onSuccess(resp -> relay(resp, out, req.version()))
                .onFailure(err -> {
                    LOG.debug("backend={} endpoint={}:{} failed: {}", route.backend().service(), ep.ip(), ep.port(),
                            err.toString());
                    if (!out.headWritten()) {
                        reply(out, 502, "text/html", BAD_GATEWAY_BODY);
                    } else {
                        out.reset();
                    }
                });
    }

    private static void relay(HttpClientResponse resp, HttpServerResponse out, HttpVersion version) {
        out.setStatusCode(resp.statusCode());
        if (version != HttpVersion.HTTP_2) {
            out.setStatusMessage(resp.statusMessage());
        }
        boolean hasLength = false;
        for (var h : resp.headers()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(name)) {
                out.headers().add(h.getKey(), h.getValue());
                hasLength |= name.equals("content-length");
            }
        }
        if (!hasLength && version != HttpVersion.HTTP_2) {
            out.setChunked(true);
        }
        resp.pipeTo(out);
    }

    private static void reply(HttpServerResponse out, int status, String type, String body) {
        out.setStatusCode(status).putHeader("Content-Type", type).end(body);
    }
}
