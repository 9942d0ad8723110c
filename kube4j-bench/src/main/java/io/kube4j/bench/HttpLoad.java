package io.kube4j.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small closed-loop HTTP/1.1 load generator on Vert.x: {@code connections} keep-alive connections, each sending
 * its next GET as soon as the previous answer is read, until the time or the request count runs out. Only
 * loopback targets. Used by the ingress benchmark from its main thread; one run at a time.
 */
final class HttpLoad implements AutoCloseable {
    /** Requests answered with {@code 200}, other answers and failures, the rate, and the 200s' latencies. */
    record Result(int ok, int failed, double requestsPerSecond, LatencySummary latency) {
    }

    private final Vertx vertx = Vertx.vertx();

    Result run(int port, String host, String path, int connections, Duration time, int maxRequests)
            throws InterruptedException {
        HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                .setPipelining(false).setConnectTimeout(5000).setIdleTimeout(30),
                new PoolOptions().setHttp1MaxSize(connections));
        long[] latencies = new long[maxRequests];
        java.util.Arrays.fill(latencies, -1);
        AtomicInteger issued = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong lastEnd = new AtomicLong();
        CountDownLatch done = new CountDownLatch(connections);
        long start = System.nanoTime();
        long deadline = start + time.toNanos();
        RequestOptions req = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
                .setURI(path);
        Runnable[] loop = new Runnable[1];
        loop[0] = () -> {
            int i = issued.getAndIncrement();
            if (i >= maxRequests || System.nanoTime() > deadline) {
                done.countDown();
                return;
            }
            long t0 = System.nanoTime();
            client.request(req).compose(r -> r.authority(HostAndPort.create(host, port)).send())
                    .compose(r -> r.body().map(b -> r.statusCode()))
                    .onComplete(ar -> {
                        long t1 = System.nanoTime();
                        if (ar.succeeded() && ar.result() == 200) {
                            latencies[i] = t1 - t0;
                            ok.incrementAndGet();
                        } else {
                            latencies[i] = -1;
                            failed.incrementAndGet();
                        }
                        lastEnd.accumulateAndGet(t1, Math::max);
                        loop[0].run();
                    });
        };
        for (int c = 0; c < connections; c++) {
            vertx.runOnContext(v -> loop[0].run());
        }
        if (!done.await(time.toSeconds() + 30, TimeUnit.SECONDS)) {
            failed.addAndGet(connections - (int) done.getCount());
        }
        client.close().await();
        int n = Math.min(issued.get(), maxRequests);
        double seconds = Math.max(1, lastEnd.get() - start) / 1e9;
        return new Result(ok.get(), failed.get(), ok.get() / seconds, LatencySummary.of(latencies, n));
    }

    @Override
    public void close() {
        vertx.close().await();
    }
}
