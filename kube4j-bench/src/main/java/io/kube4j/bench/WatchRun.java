package io.kube4j.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The watch delivery measurement shared by watch-latency, watch-fanout and the api scenario's watch step: W pod
 * watches on one namespace (Vert.x HTTP/2 client, admin certificate, a fixed number of streams per connection),
 * then a sequence of writes by one writer, each stamped with its sequence number in the annotation
 * {@code bench/seq}, so every event line a watcher receives is matched to the moment its write was sent.
 * Writes: unmeasured warm-up creates (then a pause until all their events arrived), then one or more measured
 * rounds on the same server and watches, each of measured creates followed by measured merge-patches of those
 * pods (or of the warm-up pods when there are no measured creates); a round starts once every event of the one
 * before arrived. Every watcher must get every event once and in write order.
 * Called from one benchmark thread; {@link #run} starts and stops its own Vert.x instance.
 */
final class WatchRun {
    /** Connections opened at once while the watches open. */
    private static final int OPEN_WAVE_CONNECTIONS = 2;
    /** Quiet time between two measured rounds, as between the bursts a long-running server sees. */
    private static final long ROUND_PAUSE_MILLIS = 1000;

    /**
     * What to run.
     *
     * @param namespace            namespace watched and written (created when missing)
     * @param watchers             concurrent watches
     * @param streamsPerConnection HTTP/2 streams per client connection
     * @param windows              the client's HTTP/2 receive windows
     * @param warmupCreates        unmeasured creates first
     * @param measuredCreates      measured creates per round
     * @param measuredPatches      measured merge-patches per round, after its creates
     * @param intervalMillis       least time between the starts of two writes; 0 = back to back (a burst)
     * @param rounds               measured rounds on the same server and watches (at least 1)
     */
    record Plan(String namespace, int watchers, int streamsPerConnection, ClientWindows windows, int warmupCreates,
                int measuredCreates, int measuredPatches, int intervalMillis, int rounds) {
        Plan {
            if (rounds < 1) {
                throw new IllegalArgumentException("rounds must be at least 1");
            }
        }

        /** One measured round. */
        Plan(String namespace, int watchers, int streamsPerConnection, ClientWindows windows, int warmupCreates,
             int measuredCreates, int measuredPatches, int intervalMillis) {
            this(namespace, watchers, streamsPerConnection, windows, warmupCreates, measuredCreates, measuredPatches,
                    intervalMillis, 1);
        }

        /** Measured writes per round. */
        int measured() {
            return measuredCreates + measuredPatches;
        }

        int total() {
            return warmupCreates + rounds * measured();
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("watchers", watchers);
            m.put("streamsPerConnection", streamsPerConnection);
            m.put("clientWindows", windows.name().toLowerCase(java.util.Locale.ROOT));
            m.put("warmupCreates", warmupCreates);
            m.put("measuredCreates", measuredCreates);
            m.put("measuredPatches", measuredPatches);
            m.put("writeIntervalMs", intervalMillis);
            m.put("rounds", rounds);
            return m;
        }
    }

    /**
     * One measured round: delivery latency over every watcher x write of the round, the p99 of each tenth of its
     * writes, and, from its first write to its last delivery, deliveries per second, the server's CPU, the part of
     * it its JIT compiler threads used, its write-family syscalls (about one per socket flush) and the bench
     * client's own CPU.
     */
    record Round(int index, LatencySummary delivery, List<Double> p99ByWriteDecileMs, long expected, long received,
                 double eventsPerSecond, long wallMs, long serverCpuMs, long serverJitCpuMs, long serverWriteSyscalls,
                 long benchCpuMs, LatencySummary writeRtt) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("round", index);
            m.put("delivery", delivery.toMap());
            m.put("p99ByWriteDecileMs", p99ByWriteDecileMs);
            m.put("deliveriesExpected", expected);
            m.put("deliveriesReceived", received);
            m.put("eventsPerSecond", Math.round(eventsPerSecond));
            m.put("wallMs", wallMs);
            m.put("serverCpuMs", serverCpuMs);
            m.put("serverJitCpuMs", serverJitCpuMs);
            m.put("serverWriteSyscalls", serverWriteSyscalls);
            m.put("benchClientCpuMs", benchCpuMs);
            m.put("serverCpuUsPerDeliveryWithoutJit", received == 0 ? null
                    : Math.round((serverCpuMs - serverJitCpuMs) * 10_000.0 / received) / 10.0);
            m.put("writeRtt", writeRtt.toMap());
            return m;
        }
    }

    /**
     * What was measured. The fields named as before the rounds existed ({@code delivery}, {@code p99ByWriteDecileMs},
     * {@code eventsPerSecond}, {@code writeRtt}, {@code serverCpuMsMeasured}, {@code serverJitCpuMsMeasured},
     * {@code serverWriteSyscallsMeasured}) are those of the last round, the one a goal is judged on; {@code rounds}
     * has every round. {@code expected} and {@code received} count every delivery, warm-up included;
     * {@code watchersIncomplete} counts watchers that missed at least one event, {@code outOfOrder} events that
     * came after a later one on the same watch. {@code serverCpuMs} and {@code benchCpuMs} cover the whole write
     * phase (warm-up and every round).
     */
    record Measurement(LatencySummary delivery, LatencySummary deliveryDuringWarmup, LatencySummary watchOpen,
                       long expected, long received, int watchersIncomplete, int duplicates, int outOfOrder,
                       int unmatchedLines, int closedEarly, long warmupDrainMs, long writePhaseMs, long serverCpuMs,
                       long benchCpuMs, double watchesOpenMs, double serverRssMbWatching, List<Round> rounds) {
        boolean allDelivered() {
            return received == expected && duplicates == 0 && outOfOrder == 0 && watchersIncomplete == 0;
        }

        Round last() {
            return rounds.getLast();
        }

        double eventsPerSecond() {
            return last().eventsPerSecond();
        }

        Map<String, Object> toMap() {
            Round last = last();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("delivery", delivery.toMap());
            m.put("deliveryDuringWarmup", deliveryDuringWarmup.toMap());
            m.put("deliveriesExpected", expected);
            m.put("deliveriesReceived", received);
            m.put("watchersIncomplete", watchersIncomplete);
            m.put("duplicates", duplicates);
            m.put("outOfOrder", outOfOrder);
            m.put("unmatchedLines", unmatchedLines);
            m.put("watchesClosedEarly", closedEarly);
            m.put("p99ByWriteDecileMs", last.p99ByWriteDecileMs());
            m.put("warmupDrainMs", warmupDrainMs);
            m.put("writePhaseWallMs", writePhaseMs);
            m.put("eventsPerSecond", Math.round(last.eventsPerSecond()));
            m.put("serverCpuMsInWritePhase", serverCpuMs);
            m.put("benchClientCpuMsInWritePhase", benchCpuMs);
            m.put("serverCpuMsMeasured", last.serverCpuMs());
            m.put("serverJitCpuMsMeasured", last.serverJitCpuMs());
            m.put("serverWriteSyscallsMeasured", last.serverWriteSyscalls());
            m.put("writeRtt", last.writeRtt().toMap());
            m.put("watchesOpenMs", watchesOpenMs);
            m.put("watchOpen", watchOpen.toMap());
            m.put("serverRssMbWatching", serverRssMbWatching);
            m.put("rounds", rounds.stream().map(Round::toMap).toList());
            return m;
        }
    }

    /** The HTTP/2 receive windows the watch client announces. */
    enum ClientWindows {
        /** client-go's (golang.org/x/net/http2 Transport): 4 MB per stream, 1 GB per connection. */
        GO(4 << 20, 1 << 30),
        /** HTTP/2's defaults, which Vert.x keeps: 64 KB per stream and per connection. */
        SMALL(65_535, -1);

        private final int streamWindow;
        /** -1: leave the connection window at the protocol's default. */
        private final int connectionWindow;

        ClientWindows(int streamWindow, int connectionWindow) {
            this.streamWindow = streamWindow;
            this.connectionWindow = connectionWindow;
        }

        int streamWindow() {
            return streamWindow;
        }

        int connectionWindow() {
            return connectionWindow;
        }

        static ClientWindows parse(String name) {
            return switch (name.trim()) {
                case "go" -> GO;
                case "small" -> SMALL;
                default -> throw new IllegalArgumentException("--watch-windows must be go or small, got " + name);
            };
        }
    }

    private WatchRun() {
    }

    /** Opens the watches on {@code sp}, makes the writes with {@code admin}, waits up to 60 s per round for the events. */
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
        LongAdder delivered = new LongAdder();
        AtomicInteger closed = new AtomicInteger();
        WatchStreamScanner[] scanners = new WatchStreamScanner[watchers];
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
                    .setInitialSettings(new Http2Settings().setInitialWindowSize(plan.windows().streamWindow()))
                    .setHttp2ConnectionWindowSize(plan.windows().connectionWindow())
                    // a hundred handshakes at once on a busy two-core machine can take longer than the default 10 s
                    .setSslHandshakeTimeout(120).setSslHandshakeTimeoutUnit(TimeUnit.SECONDS)
                    .setDefaultHost("127.0.0.1").setDefaultPort(sp.port());
            int connections = (watchers + plan.streamsPerConnection() - 1) / plan.streamsPerConnection();
            HttpClientAgent client = vertx.createHttpClient(ho, new PoolOptions().setHttp2MaxSize(connections)
                    .setMaxWaitQueueSize(-1));
            // one request first: the client's first TLS set-up loads its crypto classes, which can block its event
            // loop for seconds on a busy machine, while the server's handshake timers of other connections run
            client.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/api/v1/namespaces/" + ns))
                    .compose(req -> req.send()).compose(resp -> resp.body())
                    .toCompletionStage().toCompletableFuture().get(300, TimeUnit.SECONDS);
            String uri = "/api/v1/namespaces/" + ns + "/pods?watch=1&timeoutSeconds=1800";
            List<Future<?>> opened = new ArrayList<>();
            long t0 = System.nanoTime();
            // opened in waves of a few connections' worth: a hundred TLS handshakes at once on a busy two-core
            // machine outlast the server's handshake timeout
            int wave = plan.streamsPerConnection() * OPEN_WAVE_CONNECTIONS;
            for (int w = 0; w < watchers; w++) {
                if (w > 0 && w % wave == 0) {
                    Future.all(opened.subList(w - wave, w)).toCompletionStage().toCompletableFuture()
                            .get(300, TimeUnit.SECONDS);
                }
                int index = w;
                WatchStreamScanner lines = new WatchStreamScanner(latency, w * total, total, sent, delivered);
                scanners[w] = lines;
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
            String pods = "/api/v1/namespaces/" + ns + "/pods";
            for (int seq = 0; seq < warmup; seq++) {
                sent.set(seq, System.nanoTime());
                check(seq, admin.post(pods, AdminClient.pod("warm-" + seq, "bench/seq", Integer.toString(seq))));
            }
            if (warmup > 0) {
                // let the warm-up backlog drain so the measured writes start from a quiet server
                long drain0 = System.nanoTime();
                awaitDeliveries(delivered, (long) watchers * warmup, 120);
                drainMillis = (System.nanoTime() - drain0) / 1_000_000;
            }
            List<Round> rounds = new ArrayList<>();
            for (int r = 0; r < plan.rounds(); r++) {
                if (r > 0) {
                    Thread.sleep(ROUND_PAUSE_MILLIS);
                }
                int first = warmup + r * writes;
                long cpu0 = sp.cpuMillis();
                long jit0 = sp.jitCpuMillis();
                long syscw0 = sp.writeSyscalls();
                long bench0 = ServerProcess.ownCpuMillis();
                long interval = TimeUnit.MILLISECONDS.toNanos(plan.intervalMillis());
                long start = System.nanoTime();
                for (int m = 0; m < writes; m++) {
                    int seq = first + m;
                    long due = start + m * interval;
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    long s = System.nanoTime();
                    sent.set(seq, s);
                    AdminClient.Reply reply;
                    if (m < plan.measuredCreates()) {
                        reply = admin.post(pods, AdminClient.pod(created(r, m), "bench/seq", Integer.toString(seq)));
                    } else {
                        int p = m - plan.measuredCreates();
                        String target = plan.measuredCreates() > 0 ? created(r, p % plan.measuredCreates())
                                : "warm-" + (p % Math.max(1, warmup));
                        reply = admin.mergePatch(pods + "/" + target, ("{\"metadata\":{\"annotations\":{\"bench/seq\":\""
                                + seq + "\"}}}").getBytes(StandardCharsets.UTF_8));
                    }
                    writeRtt[seq] = System.nanoTime() - s;
                    check(seq, reply);
                }
                awaitDeliveries(delivered, (long) watchers * (first + writes), 60);
                long wall = (System.nanoTime() - start) / 1_000_000;
                long cpu = sp.cpuMillis() - cpu0;
                long jit = sp.jitCpuMillis() - jit0;
                long syscw = sp.writeSyscalls() - syscw0;
                long bench = ServerProcess.ownCpuMillis() - bench0;
                rounds.add(round(r, latency, sent, watchers, total, first, writes, start, wall, cpu, jit, syscw, bench,
                        Arrays.copyOfRange(writeRtt, first, first + writes)));
            }
            long expected = (long) watchers * total;
            long received = delivered.sum();
            long phaseMillis = (System.nanoTime() - phase0) / 1_000_000;
            long serverCpu = sp.cpuMillis() - serverCpu0;
            long benchCpu = ServerProcess.ownCpuMillis() - benchCpu0;
            client.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

            long[] warm = new long[watchers * warmup];
            int incomplete = 0;
            int duplicates = 0;
            int outOfOrder = 0;
            int unmatched = 0;
            for (int w = 0; w < watchers; w++) {
                System.arraycopy(latency, w * total, warm, w * warmup, warmup);
                for (int seq = 0; seq < total; seq++) {
                    if (latency[w * total + seq] < 0) {
                        incomplete++;
                        break;
                    }
                }
                duplicates += scanners[w].duplicates();
                outOfOrder += scanners[w].outOfOrder();
                unmatched += scanners[w].unmatched();
            }
            return new Measurement(rounds.getLast().delivery(), LatencySummary.of(warm), LatencySummary.of(openLatency),
                    expected, received, incomplete, duplicates, outOfOrder, unmatched, closed.get(), drainMillis,
                    phaseMillis, serverCpu, benchCpu, LatencySummary.ms(openNanos),
                    Math.round(memWatching[0] / 102.4) / 10.0, List.copyOf(rounds));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /** The name of the m-th pod created in round r. */
    private static String created(int round, int m) {
        return round == 0 ? "w-" + m : "w" + round + "-" + m;
    }

    private static void check(int seq, AdminClient.Reply r) {
        if (r.status() != 200 && r.status() != 201) {
            throw new IllegalStateException("write " + seq + ": HTTP " + r.status() + " " + r.text());
        }
    }

    private static void awaitDeliveries(LongAdder delivered, long count, int seconds) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (delivered.sum() < count && System.nanoTime() < until) {
            Thread.sleep(10);
        }
    }

    /** Summarises writes [first, first + writes) over every watcher. */
    private static Round round(int index, long[] latency, AtomicLongArray sent, int watchers, int total, int first,
                               int writes, long start, long wallMs, long cpu, long jit, long syscw, long bench,
                               long[] rtt) {
        long[] part = new long[watchers * writes];
        long lastArrival = start;
        long received = 0;
        for (int w = 0; w < watchers; w++) {
            for (int m = 0; m < writes; m++) {
                long l = latency[w * total + first + m];
                part[w * writes + m] = l;
                if (l >= 0) {
                    received++;
                    lastArrival = Math.max(lastArrival, sent.get(first + m) + l);
                }
            }
        }
        double seconds = Math.max(1, lastArrival - start) / 1e9;
        return new Round(index, LatencySummary.of(part), byDecile(part, watchers, writes),
                (long) watchers * writes, received, received / seconds, wallMs, cpu, jit, syscw, bench,
                LatencySummary.of(rtt));
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
}
