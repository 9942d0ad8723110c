package io.kube4j.apiserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.errors.StatusReason;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.authn.Authenticator;
import io.kube4j.apiserver.authn.TokenFile;
import io.kube4j.apiserver.authn.UserInfo;
import io.kube4j.apiserver.discovery.Discovery;
import io.kube4j.apiserver.endpoints.Exchange;
import io.kube4j.apiserver.endpoints.MediaTypes;
import io.kube4j.apiserver.endpoints.RequestInfo;
import io.kube4j.apiserver.endpoints.ResourceHandler;
import io.kube4j.apiserver.openapi.OpenApi;
import io.kube4j.apiserver.pki.ClusterPki;
import io.kube4j.apiserver.registry.ObjectCodec;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.registry.cache.CacheRouter;
import io.kube4j.apiserver.resources.BuiltinResources;
import io.kube4j.apiserver.resources.ClusterBootstrap;
import io.kube4j.apiserver.registry.cache.CompactNodeFactory;
import io.kube4j.storage.Storage;
import io.kube4j.storage.memory.MemoryStorage;
import io.kube4j.storage.sqlite.SqliteStorage;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.VerticleBase;
import io.kube4j.apiserver.pki.PkiTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The kube4j API server: HTTPS with HTTP/2, authentication, discovery, OpenAPI, health, metrics and
 * the resource endpoints, over the generic registry and the watch cache. {@link #start} returns once
 * it serves; {@link #close} stops it. Requests run on virtual threads.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    public static final String GIT_VERSION = "v1.32.0+kube4j";

    private final ApiServerOptions options;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final java.util.concurrent.ConcurrentHashMap<RequestKey, RequestMeters> requestMeters =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.function.Supplier<Storage> storageFactory;
    private Storage storage;
    private CacheRouter router;
    private Registry registry;
    private Discovery discovery;
    private OpenApi openApi;
    private ResourceHandler handler;
    private Authenticator authenticator;
    private ClusterPki pki;
    private Vertx vertx;
    private HttpServer http;
    private ServerTlsEngine tlsEngine;
    private ClusterBootstrap bootstrap;
    private io.kube4j.apiserver.kubelet.KubeletClient kubeletClient;
    private PodConnectProxy podConnect;
    private io.kube4j.apiserver.resources.core.pod.PodStreamLocations podLocations;
    private io.kube4j.apiserver.registry.Compactor compactor;
    private volatile boolean ready;
    private volatile java.util.concurrent.CompletableFuture<Void> coreStarted;

    public ApiServer(ApiServerOptions options) {
        this(options, null);
    }

    /**
     * A server over the store {@code storageFactory} opens (for {@code --storage etcd}, whose client lives in
     * its own module); null opens the one {@link ApiServerOptions#storage()} names. The server closes it.
     */
    public ApiServer(ApiServerOptions options, java.util.function.Supplier<Storage> storageFactory) {
        this.options = options;
        this.storageFactory = storageFactory;
    }

    /** Opens storage, loads the caches, bootstraps the cluster and starts listening. */
    public ApiServer start() throws Exception {
        long t0 = System.nanoTime();
        if (storageFactory != null) {
            // a store shared by several servers (etcd): the cluster's CA, service-account key and join token come
            // from it (or go into it, for the first server) before this server loads its certificates
            storage = storageFactory.get();
            io.kube4j.apiserver.pki.SharedBootstrap.sync(storage, options.dataDir(), () -> {
                ClusterPki local = ClusterPki.loadOrCreate(options.dataDir().resolve("tls"), servingSans());
                io.kube4j.apiserver.authn.serviceaccount.ServiceAccountKey.loadOrCreate(options.dataDir().resolve("tls"));
                io.kube4j.apiserver.pki.NodeJoin.loadOrCreate(local, options.dataDir().resolve("node-token"));
            });
        }
        // storage, caches and bootstrap load while TLS and the HTTP server come up
        java.util.concurrent.CompletableFuture<Void> core = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                startCore();
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, workers);
        // loading BoringSSL's native library overlaps with the certificates and the storage
        java.util.concurrent.CompletableFuture<ServerTlsEngine> tlsChoice =
                java.util.concurrent.CompletableFuture.supplyAsync(ServerTlsEngine::fromSystemProperty, workers);
        authenticator = new Authenticator(options.tokenAuthFile() == null ? TokenFile.empty()
                : TokenFile.load(options.tokenAuthFile()));
        pki = ClusterPki.loadOrCreate(options.dataDir().resolve("tls"), servingSans());
        nodeJoin = io.kube4j.apiserver.pki.NodeJoin.loadOrCreate(pki, options.dataDir().resolve("node-token"));
        authenticator.addTokenCheck(nodeJoin::authenticate);
        tlsEngine = tlsChoice.join();
        LOG.info("API server TLS engine={} detail={}", tlsEngine.name(), tlsEngine.detail());
        int eventLoops = Math.max(2, Runtime.getRuntime().availableProcessors());
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops)
                .setWorkerPoolSize(4).setBlockedThreadCheckInterval(10_000));
        kubeletClient = new io.kube4j.apiserver.kubelet.KubeletClient(vertx, pki);
        podConnect = new PodConnectProxy(kubeletClient);
        HttpServerOptions ho = new HttpServerOptions()
                .setHost(options.bindAddress())
                .setPort(options.port())
                .setSsl(true)
                .setSslEngineOptions(tlsEngine.options())
                .setUseAlpn(true)
                .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
                .setKeyCertOptions(KeyCertOptions.wrap(PkiTls.keyManager(pki.server(), pki.ca())))
                .setTrustOptions(TrustOptions.wrap(PkiTls.trust(pki.ca())))
                .setClientAuth(ClientAuth.REQUEST)
                .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(1000))
                .setCompressionSupported(false)
                .setMaxHeaderSize(64 * 1024);
        coreStarted = core;
        try {
            // one server per event loop on one port: Vert.x spreads the connections over them. A
            // negative port shares one random port between the instances (port 0 would give each its own).
            HttpServerOptions shared = new HttpServerOptions(ho).setPort(options.port() == 0 ? -1 : options.port());
            java.util.Queue<HttpServer> started = new java.util.concurrent.ConcurrentLinkedQueue<>();
            vertx.deployVerticle(() -> new VerticleBase() {
                @Override
                public io.vertx.core.Future<?> start() {
                    return vertx.createHttpServer(shared).connectionHandler(new Http2FlushCoalescer())
                            .requestHandler(ApiServer.this::onRequest).listen()
                            .onSuccess(started::add);
                }
            }, new DeploymentOptions().setInstances(Integer.getInteger("kube4j.httpInstances", eventLoops))).toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            // requests that arrive before the core is up wait for it in dispatch()
            http = started.peek();
            core.get(120, TimeUnit.SECONDS);
            // identity (issue 6): service-account JWTs, checked against the accounts and pods in the registry
            authenticator.addTokenCheck(new io.kube4j.apiserver.authn.serviceaccount.ServiceAccountTokenAuthenticator(
                    serviceAccountTokens, this::findCoreObject, options.clock(),
                    io.kube4j.apiserver.authn.serviceaccount.ServiceAccountTokens.API_AUDIENCES));
        } catch (java.util.concurrent.ExecutionException e) {
            close();
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
        ready = true;
        openApi.buildInBackground();
        LOG.info("API server listening address={} port={} storage={} startupMillis={}", options.bindAddress(),
                http.actualPort(), options.storage(), (System.nanoTime() - t0) / 1_000_000);
        return this;
    }

    /** Opens storage, loads the caches, bootstraps the cluster and builds the request handler. */
    private void startCore() throws Exception {
        if (storageFactory != null) {
            // opened by start(), before the certificates
        } else if (options.storage().equals("etcd")) {
            throw new IllegalStateException("--storage etcd needs an etcd store from the caller");
        } else {
            storage = options.storage().equals("memory") ? new MemoryStorage()
                    : new SqliteStorage(options.dataDir().resolve("db"));
        }
        router = new CacheRouter(storage, "/registry/", CompactNodeFactory::decode, ObjectCodec::objectJson);
        registry = new Registry();
        // identity (issue 6): service-account tokens signed with a key kept next to the cluster CA
        serviceAccountTokens = new io.kube4j.apiserver.authn.serviceaccount.ServiceAccountTokens(
                io.kube4j.apiserver.authn.serviceaccount.ServiceAccountKey.loadOrCreate(options.dataDir().resolve("tls")),
                io.kube4j.apiserver.authn.serviceaccount.ServiceAccountTokens.ISSUER);
        BuiltinResources.register(registry, storage, router, options.clock(), new Random(), options.serviceCidr(),
                serviceAccountTokens, options.admissionPlugins());
        router.start();
        compactor = new io.kube4j.apiserver.registry.Compactor(storage, Duration.ofMinutes(5));
        compactor.start();
        bootstrap = new ClusterBootstrap(registry, options, storage);
        bootstrap.run();
        discovery = new Discovery(registry);
        podLocations = new io.kube4j.apiserver.resources.core.pod.PodStreamLocations(registry,
                new io.kube4j.apiserver.kubelet.NodeConnectionInfo(registry));
        openApi = new OpenApi(registry);
        handler = new ResourceHandler(registry, openApi.fieldValidation(), BuiltinResources.patcher(openApi),
                options.clock(), 60_000);
    }

    private List<String> servingSans() {
        List<String> sans = new ArrayList<>(List.of("localhost", "kubernetes", "kubernetes.default",
                "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "127.0.0.1", "::1",
                ClusterBootstrap.firstServiceIp(options.serviceCidr())));
        try {
            String host = InetAddress.getLocalHost().getHostName();
            if (!sans.contains(host)) {
                sans.add(host);
            }
        } catch (Exception e) {
            LOG.debug("no host name", e);
        }
        if (!options.bindAddress().equals("0.0.0.0") && !options.bindAddress().equals("::")
                && !sans.contains(options.bindAddress())) {
            sans.add(options.bindAddress());
        }
        return sans;
    }

    public int port() {
        return http.actualPort();
    }

    /** The TLS engine the listener uses, {@code openssl} (BoringSSL) or {@code jdk}; set once {@link #start} ran. */
    public String tlsEngine() {
        return tlsEngine.name();
    }

    public ClusterPki pki() {
        return pki;
    }

    public Registry registry() {
        return registry;
    }

    public Storage storage() {
        return storage;
    }

    /** The watch caches' router: whether they are ready and how often they re-listed. */
    public CacheRouter cacheRouter() {
        return router;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    // ------------------------------------------------------------------ request path

    private void onRequest(HttpServerRequest req) {
        // the connection's event loop: streamed responses (watches) are fed on it
        io.vertx.core.Context loop = vertx.getOrCreateContext();
        List<Certificate> certs = null;
        try {
            if (req.isSSL()) {
                certs = req.connection().peerCertificates();
            }
        } catch (SSLPeerUnverifiedException e) {
            certs = null;
        }
        final List<Certificate> peer = certs;
        PodConnectProxy.Target connect = PodConnectProxy.match(req.path());
        if (connect != null) {
            // logs stream and exec/attach/portforward take the connection over: no body to buffer. The
            // proxying itself goes back to this connection's event loop, so both sides share one thread.
            io.vertx.core.Context context = vertx.getOrCreateContext();
            workers.execute(() -> connect(req, peer, connect, context));
            return;
        }
        if (req.canUpgradeToWebSocket()) {
            // clients such as fabric8 watch over WebSocket
            req.toWebSocket().onComplete(ar -> {
                if (ar.succeeded()) {
                    workers.execute(() -> dispatch(req, new byte[0], peer, ar.result(), null));
                }
            });
            return;
        }
        String len = req.getHeader("Content-Length");
        if (len != null) {
            try {
                if (Long.parseLong(len) > ResourceHandler.MAX_BODY_BYTES) {
                    tooLarge(req);
                    return;
                }
            } catch (NumberFormatException ignored) {
                // let the body reader enforce the limit
            }
        }
        Buffer body = Buffer.buffer();
        boolean[] over = {false};
        req.handler(chunk -> {
            if (over[0]) {
                return;
            }
            if (body.length() + chunk.length() > ResourceHandler.MAX_BODY_BYTES) {
                over[0] = true;
                tooLarge(req);
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> {
            if (!over[0]) {
                workers.execute(() -> dispatch(req, body.getBytes(), peer, null, loop));
            }
        });
    }

    private void tooLarge(HttpServerRequest req) {
        StatusException e = StatusException.tooLarge("Request entity too large: limit is " + ResourceHandler.MAX_BODY_BYTES);
        req.response().setStatusCode(413).putHeader("Content-Type", MediaTypes.JSON)
                .end(Buffer.buffer(Json.bytes(e.toStatus())));
    }

    private void dispatch(HttpServerRequest req, byte[] body, List<Certificate> peer, ServerWebSocket ws,
                          io.vertx.core.Context loop) {
        long start = System.nanoTime();
        String path = req.path();
        if (!ready && !isPublic(path)) {
            try {
                coreStarted.get(120, TimeUnit.SECONDS);
            } catch (Exception e) {
                req.response().setStatusCode(503).end();
                return;
            }
        }
        UserInfo user = authenticator.authenticate(peer, req.getHeader("Authorization"));
        VertxExchange ex = new VertxExchange(req, body, user, ws, loop);
        RequestInfo ri = null;
        String verb = req.method().name();
        String resource = "";
        String group = "";
        String subresource = "";
        try {
            if (isPublic(path)) {
                servePublic(ex, path);
                return;
            }
            if (user == null) {
                throw StatusException.unauthorized();
            }
            ri = RequestInfo.parse(req.method().name(), path, "true".equals(req.getParam("watch"))
                    || "1".equals(req.getParam("watch")));
            if (ri != null) {
                verb = metricVerb(ri.verb());
                resource = ri.resource();
                group = ri.group();
                subresource = ri.subresource() == null ? "" : ri.subresource();
                handler.handle(ri, ex);
            } else {
                serveNonResource(ex, path);
            }
        } catch (StatusException e) {
            sendStatus(ex, e);
        } catch (RuntimeException e) {
            if (e instanceof io.kube4j.storage.StorageException se
                    && se.code() == io.kube4j.storage.StorageException.Code.TIMEOUT) {
                // asked, never answered: a write may still land, so say so as upstream does (504, not 500)
                LOG.warn("request timed out method={} path={} error={}", req.method(), path, se.getMessage());
                sendStatus(ex, StatusException.timeout(
                        "request did not complete within requested timeout - context deadline exceeded"));
            } else if (e instanceof io.kube4j.storage.StorageException se
                    && se.code() == io.kube4j.storage.StorageException.Code.UNAVAILABLE) {
                // a remote store (etcd) that does not answer: known cause, no stack trace
                LOG.warn("request failed method={} path={} error={}", req.method(), path, se.getMessage());
                sendStatus(ex, StatusException.internal(se.getMessage()));
            } else {
                LOG.error("request failed method={} path={}", req.method(), path, e);
                sendStatus(ex, StatusException.internal(e.getClass().getSimpleName() + ": " + e.getMessage()));
            }
        } catch (Throwable t) {
            LOG.error("request failed method={} path={}", req.method(), path, t);
            sendStatus(ex, StatusException.internal(t.toString()));
        } finally {
            recordRequest(verb, group, resource, subresource, ex.status, start);
            LOG.debug("request method={} path={} status={} user={} micros={}", req.method(), path, ex.status,
                    user == null ? "" : user.name(), (System.nanoTime() - start) / 1000);
        }
    }

    private io.kube4j.apiserver.pki.NodeJoin nodeJoin;
    private io.kube4j.apiserver.authn.serviceaccount.ServiceAccountTokens serviceAccountTokens;

    /** A core/v1 object from the cache, or null when it does not exist. */
    private ObjectNode findCoreObject(String resource, String namespace, String name) {
        try {
            return registry.store("", resource).get(namespace, name);
        } catch (StatusException e) {
            if (e.code() == 404) {
                return null;
            }
            throw e;
        }
    }

    private void recordRequest(String verb, String group, String resource, String subresource, int code, long start) {
        RequestMeters m = requestMeters.computeIfAbsent(new RequestKey(verb, group, resource, subresource, code),
                k -> new RequestMeters(Timer.builder("apiserver_request_duration_seconds")
                        .description("Response latency distribution in seconds for each verb, group, resource and subresource.")
                        .tags("verb", verb, "group", group, "resource", resource, "subresource", subresource)
                        .publishPercentileHistogram()
                        .maximumExpectedValue(Duration.ofSeconds(60))
                        .register(metrics),
                        io.micrometer.core.instrument.Counter.builder("apiserver_request_total")
                                .description("Counter of API server requests broken out by verb, group, resource, "
                                        + "subresource and HTTP response code.")
                                .tags("verb", verb, "group", group, "resource", resource, "subresource", subresource,
                                        "code", Integer.toString(code))
                                .register(metrics)));
        m.duration().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        m.total().increment();
    }

    /** The labels of a request's meters; the meters are looked up once per distinct key, not built per request. */
    private record RequestKey(String verb, String group, String resource, String subresource, int code) {
    }

    private record RequestMeters(Timer duration, io.micrometer.core.instrument.Counter total) {
    }

    /**
     * {@code pods/NAME/log}, {@code exec}, {@code attach} and {@code portforward}: authenticates,
     * finds the pod's kubelet with upstream's checks, then hands the request to the proxy. Runs on
     * a virtual thread; the proxy finishes in Vert.x callbacks.
     */
    private void connect(HttpServerRequest req, List<Certificate> peer, PodConnectProxy.Target target,
                         io.vertx.core.Context context) {
        long start = System.nanoTime();
        // upstream reports every connect subresource under the CONNECT verb
        java.util.function.IntConsumer done = code -> {
            recordRequest("CONNECT", "", "pods", target.subresource(), code, start);
            LOG.debug("connect method={} path={} subresource={} status={} micros={}", req.method(), req.path(),
                    target.subresource(), code, (System.nanoTime() - start) / 1000);
        };
        java.util.function.BiConsumer<HttpServerRequest, StatusException> onError = (r, e) ->
                sendStatus(new VertxExchange(r, new byte[0], null, null, null), e);
        try {
            if (!ready) {
                coreStarted.get(120, TimeUnit.SECONDS);
            }
            UserInfo user = authenticator.authenticate(peer, req.getHeader("Authorization"));
            if (user == null) {
                throw StatusException.unauthorized();
            }
            String method = req.method().name();
            java.util.function.Function<String, List<String>> query = req.params()::getAll;
            if (target.subresource().equals("log")) {
                if (!method.equals("GET")) {
                    throw StatusException.methodNotSupported("", "pods/log", method.equals("POST") ? "create" : method.toLowerCase());
                }
                var location = podLocations.logLocation(target.namespace(), target.name(),
                        io.kube4j.apiserver.resources.core.pod.PodLogOptions.fromQuery(query));
                if (location == null) {
                    // not on a node yet: upstream answers an empty log
                    req.response().setStatusCode(200).putHeader("Content-Type", "text/plain").end();
                    done.accept(200);
                    return;
                }
                context.runOnContext(v -> podConnect.streamLog(req, location, target.name(), onError, done));
                return;
            }
            if (!method.equals("GET") && !method.equals("POST")) {
                throw StatusException.methodNotSupported("", "pods/" + target.subresource(), method.toLowerCase());
            }
            var location = switch (target.subresource()) {
                case "exec" -> podLocations.execLocation(target.namespace(), target.name(), query);
                case "attach" -> podLocations.attachLocation(target.namespace(), target.name(), query);
                default -> podLocations.portForwardLocation(target.namespace(), target.name(), query);
            };
            if (!PodConnectProxy.isUpgrade(req)) {
                throw StatusException.badRequest("Upgrade request required");
            }
            context.runOnContext(v -> podConnect.upgrade(req, location, onError, done));
        } catch (StatusException e) {
            onError.accept(req, e);
            done.accept(e.code());
        } catch (Exception e) {
            LOG.error("connect failed method={} path={}", req.method(), req.path(), e);
            StatusException se = StatusException.internal(e.toString());
            onError.accept(req, se);
            done.accept(se.code());
        }
    }

    /** The verb label upstream's request metrics use: the HTTP-style verb, with LIST and WATCH apart. */
    private static String metricVerb(String verb) {
        return switch (verb) {
            case "get" -> "GET";
            case "list" -> "LIST";
            case "watch" -> "WATCH";
            case "create" -> "POST";
            case "update" -> "PUT";
            case "patch" -> "PATCH";
            case "delete", "deletecollection" -> "DELETE";
            default -> verb.toUpperCase();
        };
    }

    private static boolean isPublic(String path) {
        return path.equals("/cacerts") || path.equals("/healthz") || path.equals("/livez") || path.equals("/readyz") || path.equals("/version")
                || path.startsWith("/healthz/") || path.startsWith("/livez/") || path.startsWith("/readyz/")
                || path.equals("/version/");
    }

    private void servePublic(Exchange ex, String path) {
        if (path.equals("/cacerts")) {
            // what an agent checks against the hash in its join token
            ex.respond(200, "text/plain; charset=utf-8", pki.caPem().getBytes(StandardCharsets.UTF_8), Map.of());
            return;
        }
        if (path.startsWith("/version")) {
            ex.respond(200, MediaTypes.JSON, Json.bytes(version()), Map.of());
            return;
        }
        String check = path.startsWith("/readyz") ? "readyz" : path.startsWith("/livez") ? "livez" : "healthz";
        // each check is real: storage answers, and (for readiness) the caches are loaded and serving
        java.util.LinkedHashMap<String, Boolean> checks = new java.util.LinkedHashMap<>();
        checks.put("ping", true);
        checks.put("storage", storageAnswers());
        if (check.equals("readyz")) {
            checks.put("informer-sync", ready);
        }
        boolean ok = !checks.containsValue(false);
        if (ex.query("verbose") != null) {
            StringBuilder body = new StringBuilder();
            checks.forEach((name, good) -> body.append(good ? "[+]" : "[-]").append(name)
                    .append(good ? " ok" : " failed").append('\n'));
            body.append(check).append(" check ").append(ok ? "passed" : "failed").append('\n');
            ex.respond(ok ? 200 : 500, "text/plain; charset=utf-8", body.toString().getBytes(StandardCharsets.UTF_8), Map.of());
            return;
        }
        ex.respond(ok ? 200 : 500, "text/plain; charset=utf-8", (ok ? "ok" : check + " check failed")
                .getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private boolean storageAnswers() {
        try {
            Storage s = storage;
            return s != null && s.currentRevision() >= 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static final java.util.Properties BUILD = loadBuild();

    private static java.util.Properties loadBuild() {
        java.util.Properties p = new java.util.Properties();
        try (var in = ApiServer.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (java.io.IOException e) {
            LOG.debug("no build properties", e);
        }
        return p;
    }

    private ObjectNode version() {
        ObjectNode v = Json.object();
        v.put("major", "1");
        v.put("minor", "32");
        v.put("gitVersion", GIT_VERSION);
        // kube4j is not built from upstream's git tree: no commit to report
        v.put("gitCommit", "");
        v.put("gitTreeState", "");
        v.put("buildDate", BUILD.getProperty("buildDate", ""));
        v.put("goVersion", "java" + Runtime.version().feature());
        v.put("compiler", "kube4j " + BUILD.getProperty("version", ""));
        v.put("platform", System.getProperty("os.name").toLowerCase() + "/" + platformArch());
        return v;
    }

    private static String platformArch() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> arch;
        };
    }

    /**
     * {@code POST /kube4j/v1/node-credentials} with {"nodeName": N, "addresses": [..]}: certificates for a joining
     * node, for holders of the join token or cluster admins only.
     */
    private void serveNodeCredentials(Exchange ex) {
        var user = ex.user();
        boolean allowed = user.groups().contains(io.kube4j.apiserver.pki.NodeJoin.JOIN_GROUP)
                || user.groups().contains("system:masters");
        if (!allowed) {
            throw StatusException.forbidden("kube4j.io", "node-credentials", "", "User \"" + user.name()
                    + "\" cannot create node credentials");
        }
        if (!"POST".equals(ex.method())) {
            throw StatusException.methodNotSupported("kube4j.io", "node-credentials", ex.method().toLowerCase());
        }
        JsonNode parsed = Json.parse(ex.body());
        if (!(parsed instanceof ObjectNode body)) {
            throw StatusException.badRequest("body must be a JSON object");
        }
        String node = Json.text(body, "nodeName");
        if (node == null || !io.kube4j.apimachinery.validation.NameRules.isDns1123Subdomain(node).isEmpty()) {
            throw StatusException.badRequest("nodeName must be a DNS-1123 subdomain");
        }
        List<String> addresses = new java.util.ArrayList<>();
        body.path("addresses").forEach(a -> addresses.add(a.asText()));
        var creds = nodeJoin.issue(node, addresses);
        ObjectNode out = Json.object();
        out.put("caCert", creds.caPem());
        out.put("clientCert", creds.clientCertPem());
        out.put("clientKey", creds.clientKeyPem());
        out.put("servingCert", creds.servingCertPem());
        out.put("servingKey", creds.servingKeyPem());
        ex.respond(200, MediaTypes.JSON, Json.bytes(out), Map.of());
    }

    /** The join token agents use, also in {@code DATA/node-token}. */
    public io.kube4j.apiserver.pki.NodeJoin nodeJoin() {
        return nodeJoin;
    }

    private void serveNonResource(Exchange ex, String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String accept = ex.header("Accept") == null ? "" : ex.header("Accept");
        switch (p) {
            case "/api" -> {
                if (accept.contains("as=APIGroupDiscoveryList")) {
                    aggregated(ex, true, accept);
                } else {
                    ex.respond(200, MediaTypes.JSON, Json.bytes(discovery.apiVersions(advertised())), Map.of());
                }
                return;
            }
            case "/apis" -> {
                if (accept.contains("as=APIGroupDiscoveryList")) {
                    aggregated(ex, false, accept);
                } else {
                    ex.respond(200, MediaTypes.JSON, Json.bytes(discovery.apiGroupList()), Map.of());
                }
                return;
            }
            case "/kube4j/v1/node-credentials" -> {
                serveNodeCredentials(ex);
                return;
            }
            case "/metrics" -> {
                ex.respond(200, "text/plain; version=0.0.4; charset=utf-8",
                        metrics.scrape().getBytes(StandardCharsets.UTF_8), Map.of());
                return;
            }
            case "/" -> {
                ObjectNode paths = Json.object();
                var arr = paths.putArray("paths");
                List.of("/api", "/api/v1", "/apis", "/healthz", "/livez", "/metrics", "/openapi/v2", "/openapi/v3",
                        "/readyz", "/version").forEach(arr::add);
                registry.groupVersions().stream().filter(gv -> gv.contains("/")).forEach(gv -> arr.add("/apis/" + gv));
                ex.respond(200, MediaTypes.JSON, Json.bytes(paths), Map.of());
                return;
            }
            default -> {
            }
        }
        if (p.startsWith("/openapi/")) {
            openApi.serve(ex, p);
            return;
        }
        if (p.startsWith("/api/")) {
            ObjectNode rl = discovery.apiResourceList(p.substring("/api/".length()));
            if (rl != null) {
                ex.respond(200, MediaTypes.JSON, Json.bytes(rl), Map.of());
                return;
            }
        }
        if (p.startsWith("/apis/")) {
            String rest = p.substring("/apis/".length());
            ObjectNode doc = rest.contains("/") ? discovery.apiResourceList(rest) : discovery.apiGroup(rest);
            if (doc != null) {
                ex.respond(200, MediaTypes.JSON, Json.bytes(doc), Map.of());
                return;
            }
        }
        throw StatusException.pathNotFound();
    }

    private void aggregated(Exchange ex, boolean core, String accept) {
        // the first media range that asks for the aggregated list decides its version
        String version = "v2";
        for (String range : accept.split(",")) {
            if (range.contains("as=APIGroupDiscoveryList")) {
                version = range.contains("v=v2beta1") ? "v2beta1" : "v2";
                break;
            }
        }
        String ct = version.equals("v2") ? Discovery.AGGREGATED_V2 : Discovery.AGGREGATED_V2BETA1;
        ex.respond(200, ct, Json.bytes(discovery.aggregated(core, version)), Map.of("Vary", List.of("Accept")));
    }

    private String advertised() {
        String host = options.bindAddress().equals("0.0.0.0") ? "127.0.0.1" : options.bindAddress();
        return host + ":" + http.actualPort();
    }

    private static void sendStatus(Exchange ex, StatusException e) {
        Map<String, List<String>> headers = e.retryAfterSeconds() == null ? Map.of()
                : Map.of("Retry-After", List.of(Integer.toString(e.retryAfterSeconds())));
        try {
            ex.respond(e.code(), MediaTypes.JSON, Json.bytes(e.toStatus()), headers);
        } catch (IllegalStateException alreadySent) {
            LOG.debug("response already sent, dropping status {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        ready = false;
        if (kubeletClient != null) {
            kubeletClient.close();
        }
        if (vertx != null) {
            try {
                // stops every HTTP server instance first, so no request reaches a closing store
                vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.debug("closing vertx", e);
            }
        }
        if (bootstrap != null) {
            bootstrap.close();
        }
        if (compactor != null) {
            compactor.close();
        }
        workers.shutdownNow();
        if (router != null) {
            router.close();
        }
        if (storage != null) {
            storage.close();
        }
        LOG.info("API server stopped");
    }

    /** For the reason of a status, as tests and tools use it. */
    static StatusReason reasonOf(StatusException e) {
        return e.reason();
    }
}
