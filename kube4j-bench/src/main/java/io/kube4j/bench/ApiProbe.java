package io.kube4j.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A probe client measuring API latency under load, as upstream's SLO for mutating calls does: one thread that
 * merge-patches one ConfigMap ({@code NS/bench-probe}) every {@value #INTERVAL_MS} ms (or right after the previous
 * call when that took longer), timing each call from send to full response. Started and stopped by one benchmark
 * thread; the probe's own thread records; reads after {@link #stop} see every sample.
 */
final class ApiProbe {
    static final int INTERVAL_MS = 100;

    private final AdminClient client;
    private final String path;
    private final List<long[]> samples = new ArrayList<>(); // {sentNanos, latencyNanos}, guarded by this
    private final AtomicInteger failures = new AtomicInteger();
    private volatile boolean running = true;
    private volatile long markNanos;
    private Thread thread;

    private ApiProbe(AdminClient client, String namespace) {
        this.client = client;
        this.path = "/api/v1/namespaces/" + namespace + "/configmaps/bench-probe";
    }

    /** Creates the ConfigMap and starts probing; the probe owns {@code client} and closes it on {@link #stop}. */
    static ApiProbe start(AdminClient client, String namespace) throws Exception {
        ApiProbe p = new ApiProbe(client, namespace);
        AdminClient.Reply r = client.post("/api/v1/namespaces/" + namespace + "/configmaps",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"bench-probe\"},\"data\":{\"n\":\"0\"}}"
                        .getBytes(StandardCharsets.UTF_8));
        if (r.status() != 201 && r.status() != 409) {
            throw new IllegalStateException("create probe ConfigMap: HTTP " + r.status() + " " + r.text());
        }
        p.thread = Thread.ofPlatform().name("api-probe").daemon().start(p::loop);
        return p;
    }

    private void loop() {
        long next = System.nanoTime();
        for (int i = 1; running; i++) {
            long sent = System.nanoTime();
            try {
                AdminClient.Reply r = client.mergePatch(path, ("{\"data\":{\"n\":\"" + i + "\"}}")
                        .getBytes(StandardCharsets.UTF_8));
                long lat = System.nanoTime() - sent;
                if (r.status() != 200) {
                    failures.incrementAndGet();
                }
                synchronized (this) {
                    samples.add(new long[]{sent, lat});
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                failures.incrementAndGet();
            }
            next += INTERVAL_MS * 1_000_000L;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            } else {
                next = System.nanoTime();
            }
        }
    }

    /** From now on {@link #p99PerTenth} divides the samples sent after {@code nanos} into tenths of the time. */
    void mark(long nanos) {
        markNanos = nanos;
    }

    /** Stops probing (idempotent) and closes the client. */
    void stop() throws InterruptedException {
        if (!running) {
            return;
        }
        running = false;
        thread.join(130_000); // a call in flight times out after 120 s
        thread.interrupt();
        client.close();
    }

    synchronized LatencySummary summary() {
        long[] lat = samples.stream().mapToLong(s -> s[1]).toArray();
        return LatencySummary.of(lat);
    }

    synchronized long over(long millis) {
        return samples.stream().filter(s -> s[1] > millis * 1_000_000L).count();
    }

    int failures() {
        return failures.get();
    }

    /** p99 in ms of the probes in each tenth of the time from {@link #mark} to the last probe: shows when it rose. */
    synchronized List<Double> p99PerTenth() {
        List<long[]> after = samples.stream().filter(s -> s[0] >= markNanos).toList();
        List<Double> out = new ArrayList<>();
        if (after.isEmpty()) {
            return out;
        }
        long start = markNanos;
        long span = Math.max(1, after.getLast()[0] - start + 1);
        for (int t = 0; t < 10; t++) {
            long lo = start + span * t / 10;
            long hi = start + span * (t + 1) / 10;
            long[] lat = after.stream().filter(s -> s[0] >= lo && s[0] < hi).mapToLong(s -> s[1]).toArray();
            out.add(lat.length == 0 ? Double.NaN : LatencySummary.of(lat).p99Ms());
        }
        return out;
    }
}
