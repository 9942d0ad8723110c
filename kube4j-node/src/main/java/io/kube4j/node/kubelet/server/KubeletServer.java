package io.kube4j.node.kubelet.server;

import io.kube4j.node.kubelet.logs.ContainerLogs;
import io.kube4j.node.kubelet.logs.LogOptions;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The kubelet's HTTPS server, on upstream's paths:
 * <ul>
 *   <li>{@code GET /healthz}: "ok"</li>
 *   <li>{@code GET /containerLogs/{namespace}/{pod}/{container}} with follow, previous, tailLines
 *       (or the older tail), sinceSeconds, sinceTime, timestamps, limitBytes: the log as chunked
 *       text</li>
 *   <li>{@code /exec/{namespace}/{pod}[/{uid}]/{container}?command=...&stdin&stdout&stderr&tty},
 *       {@code /attach/...} and {@code /portForward/{namespace}/{pod}[/{uid}]}: streaming
 *       sessions bridged to the runtime's streaming server</li>
 * </ul>
 * Every request must come with a client certificate that chains to the client CA (the API
 * server's kubelet-client certificate); without one the answer is 401.
 *
 * <p>Streaming: WebSocket clients with channel protocols (v5, v4, v4 base64, v1, base64 v1) and
 * port forwarding with ports in the query are bridged to SPDY streams towards the runtime;
 * clients that speak SPDY themselves ({@code Upgrade: SPDY/3.1}, or SPDY tunnelled in a WebSocket
 * as {@code SPDY/3.1+portforward.k8s.io}) are piped to the runtime byte for byte.
 *
 * <p>Created and started by the kubelet; thread-safe. Blocking calls into
 * {@link ContainerLocator} and {@link StreamingRuntime} run on virtual threads.
 */
public final class KubeletServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KubeletServer.class);

    static final String SPDY_TUNNEL_PORT_FORWARD = "SPDY/3.1+portforward.k8s.io";
    static final String PORT_FORWARD_PROTOCOL = "portforward.k8s.io";
    static final String RUNTIME_REMOTE_COMMAND_PROTOCOL = "v4.channel.k8s.io";
    static final List<String> EXEC_WS_PROTOCOLS = List.of(
            "v5.channel.k8s.io", "v4.channel.k8s.io", "v4.base64.channel.k8s.io",
            "channel.k8s.io", "base64.channel.k8s.io", "");
    static final List<String> PORT_FORWARD_WS_PROTOCOLS = List.of(
            SPDY_TUNNEL_PORT_FORWARD, "v4.channel.k8s.io", "v4.base64.channel.k8s.io", PORT_FORWARD_PROTOCOL, "");
    private static final String INVALID_REQUEST = "{\"message\": \"Invalid request.\"}";
    private static final String UNDECODABLE_QUERY = "{\"message\": \"Unable to decode query.\"}";

    private final KubeletServerOptions options;
    private final ContainerLocator locator;
    private final StreamingRuntime runtime;
    private final Clock clock;
    private final Vertx vertx;
    private final boolean ownVertx;
    private NetClient netClient;
    private RuntimeDialer dialer;
    private HttpServer server;

    /** A server on its own Vert.x instance, closed with the server. */
    public KubeletServer(KubeletServerOptions options, ContainerLocator locator, StreamingRuntime runtime) {
        this(null, options, locator, runtime, Clock.systemUTC());
    }

    /**
     * @param vertx the Vert.x to run on, left open by {@link #close()}; null for an own one
     * @param clock turns sinceSeconds into an instant
     */
    public KubeletServer(Vertx vertx, KubeletServerOptions options, ContainerLocator locator,
                         StreamingRuntime runtime, Clock clock) {
        this.options = options;
        this.locator = locator;
        this.runtime = runtime;
        this.clock = clock;
        this.ownVertx = vertx == null;
        this.vertx = vertx == null ? Vertx.vertx() : vertx;
    }

    /** Binds and listens; returns the bound port. */
    public synchronized int start() {
        Set<String> subprotocols = new LinkedHashSet<>();
        EXEC_WS_PROTOCOLS.forEach(subprotocols::add);
        PORT_FORWARD_WS_PROTOCOLS.forEach(subprotocols::add);
        subprotocols.remove("");
        HttpServerOptions ho = new HttpServerOptions()
                .setHost(options.host())
                .setPort(options.port())
                .setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .addCertValue(Buffer.buffer(options.certPem()))
                        .addKeyValue(Buffer.buffer(options.keyPem())))
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(options.clientCaPem())))
                .setClientAuth(ClientAuth.REQUEST)
                .setWebSocketSubProtocols(new ArrayList<>(subprotocols))
                .setMaxWebSocketFrameSize(1024 * 1024)
                .setMaxWebSocketMessageSize(16 * 1024 * 1024)
                .setCompressionSupported(false);
        netClient = vertx.createNetClient(new NetClientOptions().setConnectTimeout(10_000).setTcpNoDelay(true));
        dialer = new RuntimeDialer(vertx, netClient);
        try {
            server = vertx.createHttpServer(ho).connectionHandler(SpdyPostUpgrade::install)
                    .requestHandler(this::onRequest).listen()
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("kubelet server failed to listen on " + options.host() + ":" + options.port(), e);
        }
        LOG.info("kubelet server listening address={} port={}", options.host(), server.actualPort());
        return server.actualPort();
    }

    public int port() {
        return server == null ? -1 : server.actualPort();
    }

    @Override
    public synchronized void close() {
        try {
            if (server != null) {
                server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            if (netClient != null) {
                netClient.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            if (ownVertx) {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.warn("kubelet server close failed error={}", e.toString());
        }
    }

    // ------------------------------------------------------------------ routing

    private void onRequest(HttpServerRequest req) {
        req.pause();
        if (!authenticated(req)) {
            respond(req, 401, "Unauthorized");
            return;
        }
        List<String> seg = segments(req.path());
        HttpMethod m = req.method();
        boolean getOrPost = m == HttpMethod.GET || m == HttpMethod.POST;
        String root = seg.isEmpty() ? "" : seg.get(0);
        switch (root) {
            case "healthz" -> {
                if (seg.size() == 1 && m == HttpMethod.GET) {
                    respond(req, 200, "ok");
                    return;
                }
            }
            case "containerLogs" -> {
                if (seg.size() == 4 && m == HttpMethod.GET) {
                    containerLogs(req, seg.get(1), seg.get(2), seg.get(3));
                    return;
                }
            }
            case "exec", "attach" -> {
                if ((seg.size() == 4 || seg.size() == 5) && getOrPost) {
                    remoteCommand(req, root.equals("exec"), seg.get(1), seg.get(2), seg.get(seg.size() - 1));
                    return;
                }
            }
            case "portForward" -> {
                if ((seg.size() == 3 || seg.size() == 4) && getOrPost) {
                    portForward(req, seg.get(1), seg.get(2));
                    return;
                }
            }
            default -> {
            }
        }
        respond(req, 404, "404 page not found\n");
    }

    private static boolean authenticated(HttpServerRequest req) {
        try {
            List<Certificate> certs = req.connection().peerCertificates();
            return certs != null && !certs.isEmpty();
        } catch (SSLPeerUnverifiedException e) {
            return false;
        }
    }

    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void respond(HttpServerRequest req, int code, String body) {
        HttpServerResponse resp = req.response();
        if (resp.ended() || resp.headWritten()) {
            return;
        }
        resp.setStatusCode(code).putHeader("Content-Type", "text/plain; charset=utf-8").end(body);
    }

    // ------------------------------------------------------------------ logs

    private void containerLogs(HttpServerRequest req, String ns, String pod, String container) {
        LogOptions opts;
        boolean previous;
        try {
            MultiMap q = req.params();
            previous = bool(q.get("previous"));
            opts = logOptions(q, clock);
        } catch (KubeletStatusException e) {
            respond(req, e.code(), e.getMessage());
            return;
        }
        Context ctx = vertx.getOrCreateContext();
        AtomicBoolean gone = new AtomicBoolean();
        HttpServerResponse resp = req.response();
        resp.closeHandler(v -> gone.set(true));
        Thread.ofVirtual().name("kubelet-logs").start(() -> {
            ContainerLocator.ContainerLog log;
            try {
                log = locator.locate(ns, pod, container, previous);
            } catch (KubeletStatusException e) {
                ctx.runOnContext(v -> respond(req, e.code(), e.getMessage()));
                return;
            } catch (RuntimeException e) {
                LOG.warn("locating container log failed pod={}/{} container={} error={}", ns, pod, container, e.toString());
                ctx.runOnContext(v -> respond(req, 500, String.valueOf(e.getMessage())));
                return;
            }
            ResponseOutputStream raw = new ResponseOutputStream(resp, ctx, gone);
            try (OutputStream out = new BufferedOutputStream(raw, 8192)) {
                ContainerLogs.stream(log.file(), opts, out,
                        () -> !gone.get() && log.running().getAsBoolean());
            } catch (IOException e) {
                if (!raw.started() && !gone.get()) {
                    String msg = "failed to open log file \"" + log.file() + "\": " + e.getMessage();
                    ctx.runOnContext(v -> respond(req, 400, msg));
                    return;
                }
                LOG.debug("log stream ended early pod={}/{} container={} error={}", ns, pod, container, e.toString());
            }
            ctx.runOnContext(v -> {
                if (!resp.ended() && !gone.get()) {
                    if (!resp.headWritten()) {
                        resp.setStatusCode(200).putHeader("Content-Type", "text/plain; charset=utf-8");
                    }
                    resp.end();
                }
            });
        });
    }

    /** Upstream's PodLogOptions decoding and validation, with its status codes and bodies. */
    static LogOptions logOptions(MultiMap q, Clock clock) {
        String tailLines = q.get("tailLines");
        String tail = q.get("tail");
        if (tail != null && !tail.isEmpty()) {
            tailLines = tail.equals("all") ? null : tail;
        }
        long tailN = -1;
        long limit = -1;
        Long sinceSeconds = null;
        Instant sinceTime = null;
        try {
            if (tailLines != null) {
                tailN = Long.parseLong(tailLines);
                if (tailN < 0) {
                    throw new KubeletStatusException(422, INVALID_REQUEST);
                }
            }
            if (q.get("limitBytes") != null) {
                limit = Long.parseLong(q.get("limitBytes"));
                if (limit < 1) {
                    throw new KubeletStatusException(422, INVALID_REQUEST);
                }
            }
            if (q.get("sinceSeconds") != null) {
                sinceSeconds = Long.parseLong(q.get("sinceSeconds"));
                if (sinceSeconds < 1) {
                    throw new KubeletStatusException(422, INVALID_REQUEST);
                }
            }
            if (q.get("sinceTime") != null && !q.get("sinceTime").isEmpty()) {
                sinceTime = OffsetDateTime.parse(q.get("sinceTime"), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            }
        } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
            throw new KubeletStatusException(400, UNDECODABLE_QUERY);
        }
        if (sinceSeconds != null && sinceTime != null) {
            throw new KubeletStatusException(422, INVALID_REQUEST);
        }
        if (sinceSeconds != null) {
            sinceTime = clock.instant().minusSeconds(sinceSeconds);
        }
        return new LogOptions(bool(q.get("follow")), tailN, sinceTime, bool(q.get("timestamps")), limit);
    }

    // query booleans as Kubernetes decodes them: absent is false, "false", "0", "f", "n", "no" are false
    private static boolean bool(String v) {
        if (v == null) {
            return false;
        }
        return !(v.equals("0") || v.equalsIgnoreCase("f") || v.equalsIgnoreCase("false")
                || v.equalsIgnoreCase("n") || v.equalsIgnoreCase("no"));
    }

    // ------------------------------------------------------------------ streaming

    private enum Transport { WEBSOCKET, SPDY, SPDY_IN_WEBSOCKET }

    private void remoteCommand(HttpServerRequest req, boolean exec, String ns, String pod, String container) {
        StreamOptions opts;
        try {
            MultiMap q = req.params();
            // upstream kubelet parameter names: the API server maps stdin/stdout/stderr to input/output/error
            opts = StreamOptions.fromQuery(q.getAll("input"), q.getAll("output"), q.getAll("error"), q.getAll("tty"));
        } catch (KubeletStatusException e) {
            respond(req, e.code(), e.getMessage());
            return;
        }
        List<String> command = req.params().getAll("command");
        Transport transport;
        String chosen = null;
        List<String> runtimeProtocols;
        if (isWebSocket(req)) {
            chosen = selectWebSocketProtocol(req, EXEC_WS_PROTOCOLS);
            if (chosen == null) {
                return;
            }
            transport = Transport.WEBSOCKET;
            runtimeProtocols = List.of(RUNTIME_REMOTE_COMMAND_PROTOCOL);
        } else if (isSpdy(req)) {
            transport = Transport.SPDY;
            runtimeProtocols = req.headers().getAll("X-Stream-Protocol-Version");
        } else {
            respond(req, 400, "Upgrade request required");
            return;
        }
        String protocol = chosen;
        resolveAndConnect(req, () -> exec
                        ? runtime.execUrl(ns, pod, container, command, opts)
                        : runtime.attachUrl(ns, pod, container, opts),
                runtimeProtocols, transport, protocol,
                (ws, up) -> new RemoteCommandBridge(ws, ChannelProtocol.of(protocol), up.socket(), opts).start(up.leftover()));
    }

    private void portForward(HttpServerRequest req, String ns, String pod) {
        Transport transport;
        String chosen = null;
        List<Integer> ports = List.of();
        if (isWebSocket(req)) {
            chosen = selectWebSocketProtocol(req, PORT_FORWARD_WS_PROTOCOLS);
            if (chosen == null) {
                return;
            }
            if (chosen.equals(SPDY_TUNNEL_PORT_FORWARD)) {
                transport = Transport.SPDY_IN_WEBSOCKET;
            } else {
                transport = Transport.WEBSOCKET;
                try {
                    ports = ports(req.params().getAll("port"));
                } catch (KubeletStatusException e) {
                    respond(req, e.code(), e.getMessage());
                    return;
                }
            }
        } else if (isSpdy(req)) {
            transport = Transport.SPDY;
        } else {
            respond(req, 400, "Upgrade request required");
            return;
        }
        List<String> runtimeProtocols = transport == Transport.SPDY
                ? req.headers().getAll("X-Stream-Protocol-Version")
                : List.of(PORT_FORWARD_PROTOCOL);
        String protocol = chosen;
        List<Integer> forwarded = ports;
        ChannelProtocol channelProtocol = protocol == null || transport != Transport.WEBSOCKET ? null
                : protocol.equals(PORT_FORWARD_PROTOCOL) ? ChannelProtocol.NONE : ChannelProtocol.of(protocol);
        resolveAndConnect(req, () -> runtime.portForwardUrl(ns, pod), runtimeProtocols, transport, protocol,
                (ws, up) -> new PortForwardBridge(ws, channelProtocol, up.socket(), forwarded).start(up.leftover()));
    }

    /** Upstream's port query parsing for WebSocket port forwarding; errors are 400s. */
    static List<Integer> ports(List<String> values) {
        if (values.isEmpty()) {
            throw new KubeletStatusException(400, "query parameter \"port\" is required");
        }
        List<Integer> out = new ArrayList<>();
        for (String v : values) {
            if (v.isEmpty()) {
                throw new KubeletStatusException(400, "query parameter \"port\" cannot be empty");
            }
            for (String p : v.split(",", -1)) {
                int port;
                try {
                    port = Integer.parseInt(p);
                    if (port > 65535 || port < 0 || p.startsWith("+")) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new KubeletStatusException(400, "unable to parse \"" + v + "\" as a port: strconv.ParseUint: parsing \""
                            + p + "\": " + (p.matches("\\d+") ? "value out of range" : "invalid syntax"));
                }
                if (port < 1) {
                    throw new KubeletStatusException(400, "port \"" + v + "\" must be > 0");
                }
                out.add(port);
            }
        }
        return out;
    }

    private static boolean isWebSocket(HttpServerRequest req) {
        String upgrade = req.getHeader("Upgrade");
        String connection = req.getHeader("Connection");
        return upgrade != null && upgrade.equalsIgnoreCase("websocket")
                && connection != null && connection.toLowerCase(java.util.Locale.ROOT).contains("upgrade");
    }

    private static boolean isSpdy(HttpServerRequest req) {
        String upgrade = req.getHeader("Upgrade");
        String connection = req.getHeader("Connection");
        return upgrade != null && upgrade.equalsIgnoreCase("SPDY/3.1")
                && connection != null && connection.toLowerCase(java.util.Locale.ROOT).contains("upgrade");
    }

    /** Picks the subprotocol, or answers 400 and returns null. */
    private static String selectWebSocketProtocol(HttpServerRequest req, List<String> supported) {
        List<String> offered = ChannelProtocol.offered(req.headers().getAll("Sec-WebSocket-Protocol"));
        String chosen = ChannelProtocol.select(offered, supported);
        if (chosen == null) {
            respond(req, 400, "requested protocol(s) are not supported: " + offered + "; supports "
                    + supported.stream().filter(s -> !s.isEmpty()).toList());
        }
        return chosen;
    }

    private interface UrlSource {
        String get();
    }

    private interface WebSocketBridge {
        void start(io.vertx.core.http.ServerWebSocket ws, RuntimeDialer.Upgraded up);
    }

    /**
     * Asks the runtime for the URL (blocking, on a virtual thread), upgrades a connection to it,
     * and only then answers the client's upgrade, so that failures are still plain HTTP errors.
     */
    private void resolveAndConnect(HttpServerRequest req, UrlSource url, List<String> runtimeProtocols,
                                   Transport transport, String wsProtocol, WebSocketBridge bridge) {
        Context ctx = vertx.getOrCreateContext();
        Thread.ofVirtual().name("kubelet-stream").start(() -> {
            String target;
            try {
                target = url.get();
            } catch (KubeletStatusException e) {
                ctx.runOnContext(v -> respond(req, e.code(), e.getMessage()));
                return;
            } catch (RuntimeException e) {
                LOG.warn("streaming URL request failed path={} error={}", req.path(), e.toString());
                ctx.runOnContext(v -> respond(req, 500, String.valueOf(e.getMessage())));
                return;
            }
            ctx.runOnContext(v -> dialer.upgrade(target, runtimeProtocols).onComplete(ar -> {
                if (ar.failed()) {
                    Throwable e = ar.cause();
                    if (e instanceof RuntimeDialer.UpgradeFailed f) {
                        respond(req, f.status, f.getMessage());
                    } else {
                        LOG.warn("connecting to the runtime streaming server failed url={} error={}", target, e.toString());
                        respond(req, 500, "error dialing backend: " + e.getMessage());
                    }
                    return;
                }
                RuntimeDialer.Upgraded up = ar.result();
                switch (transport) {
                    case SPDY -> {
                        HttpServerResponse resp = req.response();
                        resp.putHeader("Connection", "Upgrade").putHeader("Upgrade", "SPDY/3.1");
                        if (!up.protocol().isEmpty()) {
                            resp.putHeader("X-Stream-Protocol-Version", up.protocol());
                        }
                        req.toNetSocket().onComplete(s -> {
                            if (s.succeeded()) {
                                RawTunnel.pipe(s.result(), up.socket(), up.leftover());
                            } else {
                                up.socket().close();
                            }
                        });
                    }
                    case WEBSOCKET, SPDY_IN_WEBSOCKET -> {
                        // leave only the chosen subprotocol, so that the handshake answers with it
                        if (wsProtocol.isEmpty()) {
                            req.headers().remove("Sec-WebSocket-Protocol");
                        } else {
                            req.headers().set("Sec-WebSocket-Protocol", wsProtocol);
                        }
                        req.toWebSocket().onComplete(w -> {
                            if (w.failed()) {
                                LOG.debug("websocket handshake failed error={}", w.cause().toString());
                                up.socket().close();
                                return;
                            }
                            if (transport == Transport.SPDY_IN_WEBSOCKET) {
                                RawTunnel.pipe(w.result(), up.socket(), up.leftover());
                            } else {
                                bridge.start(w.result(), up);
                            }
                        });
                    }
                    default -> throw new IllegalStateException();
                }
            }));
        });
    }
}
