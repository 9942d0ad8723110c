package io.kube4j.ingress.proxy;

import io.kube4j.ingress.routing.RoutingTable;
import io.kube4j.ingress.tls.PemCertificates;
import io.kube4j.ingress.tls.SniKeyManager;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.KeyCertOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The ingress data plane: its own Vert.x, one HTTP server per event loop on each of the HTTP port (HTTP/1.1, h2c)
 * and the HTTPS port (HTTP/2 by ALPN, HTTP/1.1; certificate by SNI from the current table, else a self-signed
 * one). Each server instance has its own {@link ReverseProxy} and pooled keep-alive backend client, created on its
 * event loop: a pool shared by all loops hands a connection made on one loop to a request on another, and every
 * request then pays two cross-thread hand-offs (a selector wake-up each). {@link #close} stops it all.
 */
public final class ProxyServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

    private final Vertx vertx;
    private int httpPort;
    private int httpsPort;

    private ProxyServer(int eventLoops) {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
    }

    /** A backend client; created in a verticle, it is closed with it, and its connections stay on its event loop. */
    private HttpClientAgent backendClient() {
        return vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(60)
                        .setConnectTimeout(5000).setIdleTimeout(120).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(256).setMaxWaitQueueSize(4096));
    }

    /** Binds both ports ({@code 0}: any free one); throws, having stopped what it started, when one can't be bound. */
    public static ProxyServer start(Supplier<RoutingTable> table, String bindAddress, int httpPort, int httpsPort,
                                    int eventLoops) throws Exception {
        ProxyServer p = new ProxyServer(eventLoops);
        try {
            SniKeyManager keys = new SniKeyManager(name -> table.get().certificate(name), PemCertificates.selfSigned(
                    "kube4j-default", "Kubernetes Ingress Controller Fake Certificate", "ingress.local"));
            HttpServerOptions http = new HttpServerOptions().setHost(bindAddress).setPort(httpPort)
                    .setHttp2ClearTextEnabled(true).setTcpNoDelay(true).setIdleTimeout(75);
            HttpServerOptions https = new HttpServerOptions(http).setPort(httpsPort).setSsl(true).setUseAlpn(true)
                    .setKeyCertOptions(KeyCertOptions.wrap(keys));
            p.httpPort = p.bind(http, table, eventLoops, -1);
            p.httpsPort = p.bind(https, table, eventLoops, -2);
        } catch (Exception e) {
            p.close();
            throw e;
        }
        return p;
    }

    private int bind(HttpServerOptions serverOptions, Supplier<RoutingTable> table, int instances, int randomPortKey)
            throws Exception {
        // one server per event loop on one port, each in its own verticle of one deployment: Vert.x spreads the
        // connections over them. A negative port shares one random port between the instances.
        HttpServerOptions shared = new HttpServerOptions(serverOptions)
                .setPort(serverOptions.getPort() == 0 ? randomPortKey : serverOptions.getPort());
        List<HttpServer> started = new java.util.concurrent.CopyOnWriteArrayList<>();
        await(vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                ReverseProxy proxy = new ReverseProxy(table, backendClient());
                return vertx.createHttpServer(shared).requestHandler(proxy::handle).listen().onSuccess(started::add);
            }
        }, new DeploymentOptions().setInstances(instances)));
        return started.getFirst().actualPort();
    }

    public int httpPort() {
        return httpPort;
    }

    public int httpsPort() {
        return httpsPort;
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        try {
            await(vertx.close());
        } catch (Exception e) {
            LOG.debug("closing ingress vertx: {}", e.toString());
        }
    }
}
