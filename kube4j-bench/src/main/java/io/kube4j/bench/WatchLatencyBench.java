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
                + " streams per connection, admin certificate); once all are open, unmeasured warm-up creates (and a pause until"
                + " all their events arrived), then K writes one at a time, at least a fixed interval apart (first half creates, second half"
                + " merge-patches of those pods), each stamped with its sequence number. Delivery latency = event line received - write request sent, over every"
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
        int warmup = o.watchWarmupWrites();
        int writes = o.writes();
        int total = warmup + writes;
        Path dir = ctx.freshDataDir("watch");
        Vertx vertx = Vertx.vertx();
        long[] latency = new long[watchers * total];
        java.util.Arrays.fill(latency, -1);
        AtomicLongArray sent = new AtomicLongArray(total);
        AtomicLong delivered = new AtomicLong();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger unmatched = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        long[] writeRtt = new long[total];
        long[] memWatching;
        long received;
        long openNanos;
        long phaseMillis;
        long drainMillis = 0;
        long serverCpu;
        long benchCpu;
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
                int base = w * total;
                RecordParser lines = RecordParser.newDelimited("\n", line -> {
                    long now = System.nanoTime();
                    int seq = sequence(line);
                    if (seq < 0 || seq >= total) {
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

            long serverCpu0 = sp.cpuMillis();
            long benchCpu0 = ServerProcess.ownCpuMillis();
            long phase0 = System.nanoTime();
            int half = writes / 2;
            long interval = TimeUnit.MILLISECONDS.toNanos(o.writeIntervalMillis());
            long start = System.nanoTime();
            for (int seq = 0; seq < total; seq++) {
                long due = start + seq * interval;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                long s = System.nanoTime();
                sent.set(seq, s);
                AdminClient.Reply r;
                int m = seq - warmup;
                if (m < 0) {
                    r = admin.post("/api/v1/namespaces/" + NAMESPACE + "/pods",
                            AdminClient.pod("warm-" + seq, "bench/seq", Integer.toString(seq)));
                } else if (m < half) {
                    r = admin.post("/api/v1/namespaces/" + NAMESPACE + "/pods",
                            AdminClient.pod("w-" + m, "bench/seq", Integer.toString(seq)));
                } else {
                    r = admin.mergePatch("/api/v1/namespaces/" + NAMESPACE + "/pods/w-" + (m - half),
                            ("{\"metadata\":{\"annotations\":{\"bench/seq\":\"" + seq + "\"}}}").getBytes(StandardCharsets.UTF_8));
                }
                writeRtt[seq] = System.nanoTime() - s;
                if (r.status() != 200 && r.status() != 201) {
                    throw new IllegalStateException("write " + seq + ": HTTP " + r.status() + " " + r.text());
                }
                if (seq == warmup - 1) {
                    // let the warm-up backlog drain so the measured writes start from a quiet server
                    long drain0 = System.nanoTime();
                    long until = drain0 + TimeUnit.SECONDS.toNanos(60);
                    while (delivered.get() < (long) watchers * warmup && System.nanoTime() < until) {
                        Thread.sleep(10);
                    }
                    drainMillis = (System.nanoTime() - drain0) / 1_000_000;
                    start = System.nanoTime() - (seq + 1) * interval;
                }
            }
            long expected = (long) watchers * total;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (delivered.get() < expected && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            received = delivered.get();
            phaseMillis = (System.nanoTime() - phase0) / 1_000_000;
            serverCpu = sp.cpuMillis() - serverCpu0;
            benchCpu = ServerProcess.ownCpuMillis() - benchCpu0;
            client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            ServerProcess.deleteTree(dir);
        }
        long expected = (long) watchers * total;
        long[] measured = new long[watchers * writes];
        for (int w = 0; w < watchers; w++) {
            System.arraycopy(latency, w * total + warmup, measured, w * writes, writes);
        }
        LatencySummary s = LatencySummary.of(measured);
        LatencySummary warm = LatencySummary.of(new long[0]);
        if (warmup > 0) {
            long[] w0 = new long[watchers * warmup];
            for (int w = 0; w < watchers; w++) {
                System.arraycopy(latency, w * total, w0, w * warmup, warmup);
            }
            warm = LatencySummary.of(w0);
        }
        Map<String, Object> params = new LinkedHashMap<>(o.common());
        params.put("watchers", watchers);
        params.put("writes", writes);
        params.put("warmupWrites", warmup);
        params.put("writeIntervalMs", o.writeIntervalMillis());
        params.put("streamsPerConnection", STREAMS_PER_CONNECTION);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("delivery", s.toMap());
        results.put("deliveryDuringWarmup", warm.toMap());
        results.put("deliveriesExpected", expected);
        results.put("deliveriesReceived", received);
        results.put("duplicates", duplicates.get());
        results.put("unmatchedLines", unmatched.get());
        results.put("watchesClosedEarly", closed.get());
        results.put("p99ByWriteDecileMs", byDecile(measured, watchers, writes));
        results.put("warmupDrainMs", drainMillis);
        results.put("writePhaseWallMs", phaseMillis);
        results.put("serverCpuMsInWritePhase", serverCpu);
        results.put("benchClientCpuMsInWritePhase", benchCpu);
        results.put("writeRtt", LatencySummary.of(java.util.Arrays.copyOfRange(writeRtt, warmup, total)).toMap());
        results.put("watchesOpenMs", LatencySummary.ms(openNanos));
        results.put("serverRssMbWatching", Math.round(memWatching[0] / 102.4) / 10.0);
        return new Result(params, results, received == expected && s.p99Ms() <= GOAL_P99_MS);
    }

    /** p99 delivery latency of the writes in each tenth of the sequence: shows whether delays build up. */
    private static List<Double> byDecile(long[] latency, int watchers, int writes) {
        List<Double> out = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            int from = d * writes / 10;
            int to = (d + 1) * writes / 10;
            long[] part = new long[watchers * (to - from)];
            int n = 0;
            for (int w = 0; w < watchers; w++) {
                for (int seq = from; seq < to; seq++) {
                    part[n++] = latency[w * writes + seq];
                }
            }
            out.add(LatencySummary.of(part, n).p99Ms());
        }
        return out;
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
