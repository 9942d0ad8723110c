package io.kube4j.ingress.proxy;

import io.kube4j.ingress.routing.Backend;
import io.kube4j.ingress.routing.Endpoint;
import io.kube4j.ingress.routing.PathRule;
import io.kube4j.ingress.routing.RoutingTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A CPU and allocation profile of the ingress data plane, not a test (run by hand, never by surefire): starts a
 * {@link ProxyServer} in this JVM in front of a keep-alive Vert.x backend on 127.0.0.1 (answering like the bench's
 * nginx pod: a 37-byte static file with nginx's headers) and drives it with a closed loop of keep-alive HTTP/1.1
 * connections, as kube4j-bench's HttpLoad does. Backend and load generator each run on their own single event loop;
 * every other Vert.x thread of the JVM is the proxy's. Per round it prints requests/s and, per request, the CPU time of the
 * proxy's threads, the CPU time of the whole process less the backend's and load generator's threads (so GC and JIT
 * are counted), and the bytes the proxy's threads allocated. CPU per request holds up on a busy machine where
 * requests/s does not.
 *
 * The backend's CPU per request is printed too: a Vert.x HTTP server alone, a floor for half of the proxy's work.
 *
 * <p>Run, after {@code mvn -o -q -B -pl kube4j-ingress test-compile dependency:build-classpath
 * -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp.txt}, with the launcher's flags: {@code java
 * --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xss512k -XX:MaxRAMPercentage=25 -Xms48m
 * -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -cp target/classes:target/test-classes:$(cat /tmp/cp.txt)
 * io.kube4j.ingress.proxy.ProxyCpuProfile [connections=16] [warmupSeconds=10] [roundSeconds=5] [rounds=3]}
 * from kube4j-ingress.
 */
public final class ProxyCpuProfile {
    private static final String BODY = "You've hit the kube4j bench backend\n";

    private ProxyCpuProfile() {
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Vertx backendVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        Vertx loadVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        Buffer body = Buffer.buffer(BODY);
        HttpServer backend = await(backendVertx.createHttpServer().requestHandler(req -> req.response()
                .putHeader("Server", "nginx/1.22.1").putHeader("Date", "Tue, 25 Nov 2026 03:29:00 GMT")
                .putHeader("Content-Type", "text/plain").putHeader("Last-Modified", "Tue, 25 Nov 2026 03:20:00 GMT")
                .putHeader("Connection", "keep-alive").putHeader("ETag", "\"6925201a-25\"")
                .putHeader("Accept-Ranges", "bytes").end(body)).listen(0, "127.0.0.1"));
        Backend web = new Backend("bench/web:80", List.of(new Endpoint("127.0.0.1", backend.actualPort())));
        RoutingTable table = new RoutingTable(Map.of("bench.kube4j.local", List.of(PathRule.of("/", "Prefix", web))),
                Map.of(), List.of(), null, Map.of());
        long backendThread = threadOf(backendVertx);
        Set<Long> others = new HashSet<>();
        others.add(backendThread);
        others.add(threadOf(loadVertx));
        others.add(Thread.currentThread().threadId());
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (ProxyServer proxy = ProxyServer.start(() -> table, "127.0.0.1", 0, 0, 2)) {
            HttpClientAgent client = loadVertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                    .setPipelining(false).setIdleTimeout(30), new PoolOptions().setHttp1MaxSize(connections));
            System.out.printf("connections=%d warmup=%ds rounds=%dx%ds gc=%s load=%s not-proxy-threads=%s%n", connections,
                    warmup, rounds,
                    seconds, ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName()).toList(),
                    loadAverage(), others);
            run(loadVertx, client, proxy.httpPort(), connections, warmup);
            double[] cpu = new double[rounds];
            double[] alloc = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                Sample before = Sample.take(others);
                long backendBefore = threads.getThreadCpuTime(backendThread);
                long n = run(loadVertx, client, proxy.httpPort(), connections, seconds);
                long backendCpu = threads.getThreadCpuTime(backendThread) - backendBefore;
                Sample after = Sample.take(others);
                cpu[r] = (after.proxyCpu - before.proxyCpu) / 1e3 / n;
                alloc[r] = (double) (after.proxyAlloc - before.proxyAlloc) / n;
                System.out.printf("round %d: %,.0f req/s  proxy threads %.1f µs/req  process-minus-load-and-backend %.1f µs/req"
                                + "  alloc %,.0f B/req  gc %d (%d ms)  backend (a plain Vert.x server) %.1f µs/req"
                                + "  load %s%n", r + 1, n / (double) seconds, cpu[r],
                        (after.restCpu - before.restCpu) / 1e3 / n, alloc[r], after.gcCount - before.gcCount,
                        after.gcMillis - before.gcMillis, backendCpu / 1e3 / n, loadAverage());
            }
            Arrays.sort(cpu);
            Arrays.sort(alloc);
            System.out.printf("median: proxy threads %.1f µs/req, alloc %,.0f B/req%n", cpu[rounds / 2],
                    alloc[rounds / 2]);
        } finally {
            await(loadVertx.close());
            await(backendVertx.close());
        }
    }

    /** Closed loop for {@code seconds}: each connection sends its next GET when the previous answer is read. */
    private static long run(Vertx vertx, HttpClientAgent client, int port, int connections, int seconds)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        RequestOptions req = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
                .setURI("/");
        HostAndPort authority = HostAndPort.create("bench.kube4j.local", port);
        CompletableFuture<Void> all = new CompletableFuture<>();
        AtomicLong running = new AtomicLong(connections);
        Runnable[] loop = new Runnable[1];
        loop[0] = () -> {
            if (System.nanoTime() > deadline) {
                if (running.decrementAndGet() == 0) {
                    all.complete(null);
                }
                return;
            }
            client.request(req).compose(r -> r.authority(authority).send())
                    .compose(r -> r.body().map(b -> r.statusCode()))
                    .onComplete(ar -> {
                        if (ar.succeeded() && ar.result() == 200) {
                            done.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                        loop[0].run();
                    });
        };
        for (int c = 0; c < connections; c++) {
            vertx.runOnContext(v -> loop[0].run());
        }
        all.get(seconds + 30L, TimeUnit.SECONDS);
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " requests failed");
        }
        return done.get();
    }

    private static long threadOf(Vertx vertx) throws Exception {
        CompletableFuture<Long> id = new CompletableFuture<>();
        vertx.runOnContext(v -> id.complete(Thread.currentThread().threadId()));
        return id.get(10, TimeUnit.SECONDS);
    }

    private static String loadAverage() {
        return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** CPU (ns) and allocation (bytes) of the proxy's threads, the rest of the process's CPU, GCs so far. */
    private record Sample(long proxyCpu, long proxyAlloc, long restCpu, long gcCount, long gcMillis) {
        static Sample take(Set<Long> others) {
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu = 0;
            long alloc = 0;
            long otherCpu = 0;
            for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null) {
                    continue;
                }
                long id = info.getThreadId();
                long t = Math.max(0, threads.getThreadCpuTime(id));
                if (others.contains(id)) {
                    otherCpu += t;
                } else if (info.getThreadName().startsWith("vert.x-")) {
                    cpu += t;
                    alloc += Math.max(0, threads.getThreadAllocatedBytes(id));
                }
            }
            long gcs = 0;
            long gcMs = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                gcs += gc.getCollectionCount();
                gcMs += gc.getCollectionTime();
            }
            return new Sample(cpu, alloc, os.getProcessCpuTime() - otherCpu, gcs, gcMs);
        }
    }
}
