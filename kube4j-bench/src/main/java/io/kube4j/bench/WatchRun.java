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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The watch delivery measurement shared by watch-latency, watch-fanout and the api scenario's watch step: W pod
 * watches on one namespace (Vert.x HTTP/2 client, admin certificate, a fixed number of streams per connection),
 * then a sequence of writes by one writer, each stamped with its sequence number in the annotation
 * {@code bench/seq}, so every event line a watcher receives is matched to the moment its write was sent.
 * Writes: unmeasured warm-up creates (then a pause until all their events arrived), measured creates, then
 * measured merge-patches of the measured pods (or of the warm-up pods when there are no measured creates).
 * Called from one benchmark thread; {@link #run} starts and stops its own Vert.x instance.
 */
final class WatchRun {
    private static final byte[] MARKER = "\"bench/seq\":\"".getBytes(StandardCharsets.UTF_8);

    /**
     * What to run.
     *
     * @param namespace            namespace watched and written (created when missing)
     * @param watchers             concurrent watches
     * @param streamsPerConnection HTTP/2 streams per client connection
     * @param warmupCreates        unmeasured creates first
     * @param measuredCreates      measured creates
     * @param measuredPatches      measured merge-patches after them
     * @param intervalMillis       least time between the starts of two writes; 0 = back to back (a burst)
     */
    record Plan(String namespace, int watchers, int streamsPerConnection, int warmupCreates, int measuredCreates,
                int measuredPatches, int intervalMillis) {
        int measured() {
            return measuredCreates + measuredPatches;
        }

        int total() {
            return warmupCreates + measured();
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("watchers", watchers);
            m.put("streamsPerConnection", streamsPerConnection);
            m.put("warmupCreates", warmupCreates);
            m.put("measuredCreates", measuredCreates);
            m.put("measuredPatches", measuredPatches);
            m.put("writeIntervalMs", intervalMillis);
            return m;
        }
    }

    /**
     * What was measured. {@code delivery} is over every watcher x measured write; {@code watchersIncomplete}
     * counts watchers that missed at least one event; {@code eventsPerSecond} is measured deliveries over the time
     * from the first measured write to the last delivery. {@code serverCpuMsMeasured}, {@code serverJitCpuMsMeasured}
     * and {@code serverWriteSyscallsMeasured} cover the measured writes only (from the first one to the last delivery,
     * warm-up excluded): the server's CPU, the part of it its JIT compiler threads used, and its write-family
     * syscalls (about one per socket flush).
     */
    record Measurement(LatencySummary delivery, LatencySummary deliveryDuringWarmup, LatencySummary watchOpen,
                       long expected, long received, int watchersIncomplete, int duplicates, int unmatchedLines,
                       int closedEarly, List<Double> p99ByWriteDecileMs, long warmupDrainMs, long writePhaseMs,
                       double eventsPerSecond, long serverCpuMs, long benchCpuMs, LatencySummary writeRtt,
                       double watchesOpenMs, double serverRssMbWatching, long serverCpuMsMeasured,
                       long serverJitCpuMsMeasured, long serverWriteSyscallsMeasured) {
        boolean allDelivered() {
            return received == expected && duplicates == 0 && watchersIncomplete == 0;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("delivery", delivery.toMap());
            m.put("deliveryDuringWarmup", deliveryDuringWarmup.toMap());
            m.put("deliveriesExpected", expected);
            m.put("deliveriesReceived", received);
            m.put("watchersIncomplete", watchersIncomplete);
            m.put("duplicates", duplicates);
            m.put("unmatchedLines", unmatchedLines);
            m.put("watchesClosedEarly", closedEarly);
            m.put("p99ByWriteDecileMs", p99ByWriteDecileMs);
            m.put("warmupDrainMs", warmupDrainMs);
            m.put("writePhaseWallMs", writePhaseMs);
            m.put("eventsPerSecond", Math.round(eventsPerSecond));
            m.put("serverCpuMsInWritePhase", serverCpuMs);
            m.put("benchClientCpuMsInWritePhase", benchCpuMs);
            m.put("serverCpuMsMeasured", serverCpuMsMeasured);
            m.put("serverJitCpuMsMeasured", serverJitCpuMsMeasured);
            m.put("serverWriteSyscallsMeasured", serverWriteSyscallsMeasured);
            m.put("writeRtt", writeRtt.toMap());
            m.put("watchesOpenMs", watchesOpenMs);
            m.put("watchOpen", watchOpen.toMap());
            m.put("serverRssMbWatching", serverRssMbWatching);
            return m;
        }
    }

    private WatchRun() {
    }

    /** Opens the watches on {@code sp}, makes the writes with {@code admin}, waits up to 60 s for the events. */
    static Measurement run(ServerProcess sp, AdminClient admin, Plan plan) throws Exception {
        int watchers = plan.watchers();
        int warmup = plan.warmupCreates();
        int writes = plan.measured();
        int total = plan.total();
        String ns = plan.namespace();
        long[] latency = new long[Math.multiplyExact(watchers, total)];
        Arrays.fill(latency, -1);
        long[] openLatency = new long[watchers];
        Arrays.fill(openLatency, -1);
        AtomicLongArray sent = new AtomicLongArray(total);
        AtomicLong delivered = new AtomicLong();
        AtomicLong lastDelivery = new AtomicLong();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger unmatched = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        long[] writeRtt = new long[total];
        long drainMillis = 0;
        admin.ensureNamespace(ns);
        Vertx vertx = Vertx.vertx();
        try {
            Path tls = sp.dataDir().resolve("tls");
            HttpClientOptions ho = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setSsl(true)
                    .setUseAlpn(true)
                    .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.resolve("admin.crt").toString())
                            .setKeyPath(tls.resolve("admin.key").toString()))
                    .setTrustOptions(new PemTrustOptions().addCertPath(tls.resolve("ca.crt").toString()))
                    .setHttp2MultiplexingLimit(plan.streamsPerConnection())
                    .setDefaultHost("127.0.0.1").setDefaultPort(sp.port());
            int connections = (watchers + plan.streamsPerConnection() - 1) / plan.streamsPerConnection();
            HttpClientAgent client = vertx.createHttpClient(ho, new PoolOptions().setHttp2MaxSize(connections)
                    .setMaxWaitQueueSize(-1));
            String uri = "/api/v1/namespaces/" + ns + "/pods?watch=1&timeoutSeconds=1800";
            List<Future<?>> opened = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int w = 0; w < watchers; w++) {
                int base = w * total;
                int index = w;
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
                    lastDelivery.accumulateAndGet(now, Math::max);
                    delivered.incrementAndGet();
                });
                long s = System.nanoTime();
                opened.add(client.request(new RequestOptions().setMethod(HttpMethod.GET).setURI(uri)
                                .addHeader("Accept", AdminClient.JSON))
                        .compose(req -> req.send())
                        .map(resp -> {
                            if (resp.statusCode() != 200) {
                                throw new IllegalStateException("watch: HTTP " + resp.statusCode());
                            }
                            openLatency[index] = System.nanoTime() - s;
                            resp.handler(lines);
                            resp.endHandler(v -> closed.incrementAndGet());
                            return resp;
                        }));
            }
            Future.all(opened).toCompletionStage().toCompletableFuture().get(300, TimeUnit.SECONDS);
            long openNanos = System.nanoTime() - t0;
            System.out.printf("  %d watches open in %.0f ms%n", watchers, LatencySummary.ms(openNanos));
            long[] memWatching = sp.memoryKb();

            long serverCpu0 = sp.cpuMillis();
            long benchCpu0 = ServerProcess.ownCpuMillis();
            long phase0 = System.nanoTime();
            long firstMeasured = phase0;
            // the server's CPU, JIT CPU and write syscalls from the first measured write on (warm-up excluded)
            long cpuMeasured0 = -1;
            long jitMeasured0 = -1;
            long syscwMeasured0 = -1;
            long interval = TimeUnit.MILLISECONDS.toNanos(plan.intervalMillis());
            String pods = "/api/v1/namespaces/" + ns + "/pods";
            long start = System.nanoTime();
            for (int seq = 0; seq < total; seq++) {
                long due = start + seq * interval;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                long s = System.nanoTime();
                if (seq == warmup) {
                    firstMeasured = s;
                    cpuMeasured0 = sp.cpuMillis();
                    jitMeasured0 = sp.jitCpuMillis();
                    syscwMeasured0 = sp.writeSyscalls();
                }
                sent.set(seq, s);
                AdminClient.Reply r;
                int m = seq - warmup;
                if (m < 0) {
                    r = admin.post(pods, AdminClient.pod("warm-" + seq, "bench/seq", Integer.toString(seq)));
                } else if (m < plan.measuredCreates()) {
                    r = admin.post(pods, AdminClient.pod("w-" + m, "bench/seq", Integer.toString(seq)));
                } else {
                    int p = m - plan.measuredCreates();
                    String target = plan.measuredCreates() > 0 ? "w-" + (p % plan.measuredCreates())
                            : "warm-" + (p % warmup);
                    r = admin.mergePatch(pods + "/" + target, ("{\"metadata\":{\"annotations\":{\"bench/seq\":\""
                            + seq + "\"}}}").getBytes(StandardCharsets.UTF_8));
                }
                writeRtt[seq] = System.nanoTime() - s;
                if (r.status() != 200 && r.status() != 201) {
                    throw new IllegalStateException("write " + seq + ": HTTP " + r.status() + " " + r.text());
                }
                if (seq == warmup - 1) {
                    // let the warm-up backlog drain so the measured writes start from a quiet server
                    long drain0 = System.nanoTime();
                    long until = drain0 + TimeUnit.SECONDS.toNanos(120);
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
            long received = delivered.get();
            long phaseMillis = (System.nanoTime() - phase0) / 1_000_000;
            long serverCpu = sp.cpuMillis() - serverCpu0;
            long cpuMeasured = cpuMeasured0 < 0 ? -1 : sp.cpuMillis() - cpuMeasured0;
            long jitMeasured = jitMeasured0 < 0 ? -1 : sp.jitCpuMillis() - jitMeasured0;
            long syscwMeasured = syscwMeasured0 < 0 ? -1 : sp.writeSyscalls() - syscwMeasured0;
            long benchCpu = ServerProcess.ownCpuMillis() - benchCpu0;
            client.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

            long[] measured = new long[watchers * writes];
            long[] warm = new long[watchers * warmup];
            int incomplete = 0;
            for (int w = 0; w < watchers; w++) {
                System.arraycopy(latency, w * total, warm, w * warmup, warmup);
                System.arraycopy(latency, w * total + warmup, measured, w * writes, writes);
                for (int seq = 0; seq < total; seq++) {
                    if (latency[w * total + seq] < 0) {
                        incomplete++;
                        break;
                    }
                }
            }
            long measuredReceived = Arrays.stream(measured).filter(x -> x >= 0).count();
            double seconds = Math.max(1, lastDelivery.get() - firstMeasured) / 1e9;
            return new Measurement(LatencySummary.of(measured), LatencySummary.of(warm), LatencySummary.of(openLatency),
                    expected, received, incomplete, duplicates.get(), unmatched.get(), closed.get(),
                    byDecile(measured, watchers, writes), drainMillis, phaseMillis, measuredReceived / seconds,
                    serverCpu, benchCpu, LatencySummary.of(Arrays.copyOfRange(writeRtt, warmup, total)),
                    LatencySummary.ms(openNanos), Math.round(memWatching[0] / 102.4) / 10.0, cpuMeasured, jitMeasured, syscwMeasured);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
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
