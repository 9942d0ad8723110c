package io.kube4j.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.parsetools.RecordParser;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Fan-out latency of watch events: W concurrent pod watches (HTTP/2 streams over a few connections), then
 * K writes one at a time; each write carries its sequence number in an annotation, so every delivered
 * event is matched to the moment its write was sent.
 */
final class WatchLatencyBench implements Benchmark {
    static final double GOAL_P99_MS = 100;
    static final int STREAMS_PER_CONNECTION = 100;
    static final String NAMESPACE = "watch";
    private static final byte[] MARKER = "\"bench/seq\":\"".getBytes(StandardCharsets.UTF_8);

    @Override
    public String name() {
        return "watch-latency";
    }

    @Override
    public String method() {
        return "W watches on GET /api/v1/namespaces/watch/pods?watch=1 (Vert.x HTTP/2 client, " + STREAMS_PER_CONNECTION
                + " streams per connection, admin certificate); once all are open, K writes one at a time, a fixed"
                + " interval apart (first half creates, second half merge-patches of those pods), each stamped with"
                + " its sequence number. Delivery latency = event line received - write request sent, over every"
                + " watcher x event.";
    }

    @Override
    public String goal() {
        return "watch p99 <= 100 ms to 1,000 watchers, every event delivered";
    }

    @Override
    public Result run(BenchContext ctx) throws Exception {
        BenchOptions o = ctx.options();
        int watchers = o.watchers();
        int writes = o.writes();
        Path dir = ctx.freshDataDir("watch");
        Vertx vertx = Vertx.vertx();
        long[] latency = new long[watchers * writes];
        java.util.Arrays.fill(latency, -1);
        AtomicLongArray sent = new AtomicLongArray(writes);
        AtomicLong delivered = new AtomicLong();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger unmatched = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        long[] writeRtt = new long[writes];
        long[] memWatching;
        long received;
        long openNanos;
        try (ServerProcess sp = ServerProcess.startReady(o, dir, "watch-latency");
             AdminClient admin = sp.admin()) {
            admin.ensureNamespace(NAMESPACE);
            Path tls = dir.resolve("tls");
            HttpClientOptions ho = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setSsl(true)
                    .setUseAlpn(true)
                    .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.resolve("admin.crt").toString())
                            .setKeyPath(tls.resolve("admin.key").toString()))
                    .setTrustOptions(new PemTrustOptions().addCertPath(tls.resolve("ca.crt").toString()))
                    .setHttp2MultiplexingLimit(STREAMS_PER_CONNECTION)
                    .setDefaultHost("127.0.0.1").setDefaultPort(sp.port());
            int connections = (watchers + STREAMS_PER_CONNECTION - 1) / STREAMS_PER_CONNECTION;
            HttpClientAgent client = vertx.createHttpClient(ho, new PoolOptions().setHttp2MaxSize(connections)
                    .setMaxWaitQueueSize(-1));
            String uri = "/api/v1/namespaces/" + NAMESPACE + "/pods?watch=1&timeoutSeconds=1800";
            List<Future<?>> opened = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int w = 0; w < watchers; w++) {
                int base = w * writes;
                RecordParser lines = RecordParser.newDelimited("\n", line -> {
                    long now = System.nanoTime();
                    int seq = sequence(line);
                    if (seq < 0 || seq >= writes) {
                        unmatched.incrementAndGet();
                        return;
                    }
                    if (latency[base + seq] >= 0) {
                        duplicates.incrementAndGet();
                        return;
                    }
                    latency[base + seq] = now - sent.get(seq);
                    delivered.incrementAndGet();
                });
                opened.add(client.request(new RequestOptions().setMethod(HttpMethod.GET).setURI(uri)
                                .addHeader("Accept", AdminClient.JSON))
                        .compose(req -> req.send())
                        .map(resp -> {
                            if (resp.statusCode() != 200) {
                                throw new IllegalStateException("watch: HTTP " + resp.statusCode());
                            }
                            resp.handler(lines);
                            resp.endHandler(v -> closed.incrementAndGet());
                            return resp;
                        }));
            }
            Future.all(opened).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
            openNanos = System.nanoTime() - t0;
            System.out.printf("  %d watches open in %.0f ms%n", watchers, LatencySummary.ms(openNanos));
            memWatching = sp.memoryKb();

            int half = writes / 2;
            long interval = TimeUnit.MILLISECONDS.toNanos(o.writeIntervalMillis());
            long start = System.nanoTime();
            for (int seq = 0; seq < writes; seq++) {
                long due = start + seq * interval;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                long s = System.nanoTime();
                sent.set(seq, s);
                AdminClient.Reply r;
                if (seq < half) {
                    r = admin.post("/api/v1/namespaces/" + NAMESPACE + "/pods",
                            AdminClient.pod("w-" + seq, "bench/seq", Integer.toString(seq)));
                } else {
                    r = admin.mergePatch("/api/v1/namespaces/" + NAMESPACE + "/pods/w-" + (seq - half),
                            ("{\"metadata\":{\"annotations\":{\"bench/seq\":\"" + seq + "\"}}}").getBytes(StandardCharsets.UTF_8));
                }
                writeRtt[seq] = System.nanoTime() - s;
                if (r.status() != 200 && r.status() != 201) {
                    throw new IllegalStateException("write " + seq + ": HTTP " + r.status() + " " + r.text());
                }
            }
            long expected = (long) watchers * writes;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (delivered.get() < expected && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            received = delivered.get();
            client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            ServerProcess.deleteTree(dir);
        }
        long expected = (long) watchers * writes;
        LatencySummary s = LatencySummary.of(latency);
        Map<String, Object> params = new LinkedHashMap<>(o.common());
        params.put("watchers", watchers);
        params.put("writes", writes);
        params.put("writeIntervalMs", o.writeIntervalMillis());
        params.put("streamsPerConnection", STREAMS_PER_CONNECTION);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("delivery", s.toMap());
        results.put("deliveriesExpected", expected);
        results.put("deliveriesReceived", received);
        results.put("duplicates", duplicates.get());
        results.put("unmatchedLines", unmatched.get());
        results.put("watchesClosedEarly", closed.get());
        results.put("writeRtt", LatencySummary.of(writeRtt).toMap());
        results.put("watchesOpenMs", LatencySummary.ms(openNanos));
        results.put("serverRssMbWatching", Math.round(memWatching[0] / 102.4) / 10.0);
        return new Result(params, results, received == expected && s.p99Ms() <= GOAL_P99_MS);
    }

    /** The number after {@code "bench/seq":"} in an event line, or -1. */
    static int sequence(Buffer line) {
        byte[] b = line.getBytes();
        outer:
        for (int i = 0; i + MARKER.length < b.length; i++) {
            for (int j = 0; j < MARKER.length; j++) {
                if (b[i + j] != MARKER[j]) {
                    continue outer;
                }
            }
            int v = 0;
            int k = i + MARKER.length;
            if (k >= b.length || b[k] < '0' || b[k] > '9') {
                return -1;
            }
            while (k < b.length && b[k] >= '0' && b[k] <= '9') {
                v = v * 10 + (b[k++] - '0');
            }
            return v;
        }
        return -1;
    }
}
