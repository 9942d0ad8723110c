package io.kube4j.bench;

import io.kube4j.storage.KeyValue;
import io.kube4j.storage.Storage;
import io.kube4j.storage.etcd.EtcdCluster;
import io.kube4j.storage.etcd.EtcdOptions;
import io.kube4j.storage.etcd.EtcdStorage;
import io.kube4j.storage.sqlite.SqliteStorage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The store under the API server, side by side in one run: the embedded SQLite store and a real etcd 3.4 member
 * (Debian's etcd-server, data on the same disk, loopback), both through kube4j's {@code Storage} interface, so the
 * numbers include what the API server pays per write. Creates, then conditional updates of the same keys, of a
 * pod-sized value, with 1, 8 and 64 concurrent writers.
 */
final class StorageBench implements Benchmark {
    static final List<Integer> WRITERS = List.of(1, 8, 64);
    static final int WRITES_PER_STEP = 3000;
    static final int VALUE_BYTES = 1200;

    @Override
    public String name() {
        return "storage";
    }

    @Override
    public String method() {
        return "in the bench JVM, through the Storage interface: SQLite (WAL, fsync per commit) in a fresh dir, and "
                + "one etcd 3.4 member (its WAL fsyncs too) with data in a fresh dir on the same disk; per backend and "
                + "writer count, " + WRITES_PER_STEP + " creates of " + VALUE_BYTES + "-byte values, then as many "
                + "updates conditional on the create's revision; closed loop, each writer waits for its answer.";
    }

    @Override
    public boolean reportOnly() {
        return true;
    }

    @Override
    public String goal() {
        return "report only: writes/s and p50/p99 per backend and writer count (anchor: etcd's own benchmarks)";
    }

    @Override
    public Result run(BenchContext ctx) throws Exception {
        BenchOptions o = ctx.options();
        Map<String, Object> params = new LinkedHashMap<>(o.common());
        params.put("writesPerStep", WRITES_PER_STEP);
        params.put("valueBytes", VALUE_BYTES);
        params.put("writers", WRITERS);
        Map<String, Object> results = new LinkedHashMap<>();
        Path sqliteDir = ctx.freshDataDir("storage-sqlite");
        try {
            results.put("sqlite", measure(() -> new SqliteStorage(sqliteDir.resolve("db"))));
        } finally {
            ServerProcess.deleteTree(sqliteDir);
        }
        Path etcdRoot = ctx.freshDataDir("storage-etcd");
        try (EtcdCluster etcd = EtcdCluster.singleOn(etcdRoot)) {
            EtcdOptions options = etcd.options("/bench");
            results.put("etcd", measure(() -> new EtcdStorage(options)));
        } finally {
            ServerProcess.deleteTree(etcdRoot);
        }
        return new Result(params, results, true);
    }

    private static Map<String, Object> measure(Supplier<Storage> open) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        byte[] value = value();
        try (Storage store = open.get()) {
            for (int writers : WRITERS) {
                String prefix = "/registry/core/pods/bench/w" + writers + "-";
                long[] revisions = new long[WRITES_PER_STEP];
                long[] createNanos = new long[WRITES_PER_STEP];
                long t0 = System.nanoTime();
                run(writers, i -> {
                    long s = System.nanoTime();
                    KeyValue kv = store.create(prefix + i, value);
                    createNanos[i] = System.nanoTime() - s;
                    revisions[i] = kv.modRevision();
                });
                double createSeconds = (System.nanoTime() - t0) / 1e9;
                long[] updateNanos = new long[WRITES_PER_STEP];
                t0 = System.nanoTime();
                run(writers, i -> {
                    long s = System.nanoTime();
                    store.update(prefix + i, revisions[i], value);
                    updateNanos[i] = System.nanoTime() - s;
                });
                double updateSeconds = (System.nanoTime() - t0) / 1e9;
                LatencySummary c = LatencySummary.of(createNanos);
                LatencySummary u = LatencySummary.of(updateNanos);
                Map<String, Object> step = new LinkedHashMap<>();
                step.put("createsPerSecond", Math.round(WRITES_PER_STEP / createSeconds));
                step.put("createP50Ms", round(c.p50Ms()));
                step.put("createP99Ms", round(c.p99Ms()));
                step.put("updatesPerSecond", Math.round(WRITES_PER_STEP / updateSeconds));
                step.put("updateP50Ms", round(u.p50Ms()));
                step.put("updateP99Ms", round(u.p99Ms()));
                out.put("writers" + writers, step);
                System.out.printf("  %d writers: creates %d/s (p50 %.2f ms, p99 %.2f ms), updates %d/s (p50 %.2f ms, "
                                + "p99 %.2f ms)%n", writers, step.get("createsPerSecond"), c.p50Ms(), c.p99Ms(),
                        step.get("updatesPerSecond"), u.p50Ms(), u.p99Ms());
            }
        }
        return out;
    }

    private interface Write {
        void apply(int i) throws Exception;
    }

    /** Runs writes 0..N-1 with {@code writers} virtual threads, each taking the next index; fails on any error. */
    private static void run(int writers, Write write) throws Exception {
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Object>> done = new java.util.ArrayList<>();
            for (int w = 0; w < writers; w++) {
                done.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < WRITES_PER_STEP; i = next.getAndIncrement()) {
                        write.apply(i);
                    }
                    return null;
                }));
            }
            for (Future<Object> f : done) {
                f.get();
            }
        }
    }

    /** A pod-sized JSON value. */
    private static byte[] value() {
        StringBuilder b = new StringBuilder("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"bench\","
                + "\"labels\":{\"app\":\"bench\"}},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"x\"}]},"
                + "\"status\":{\"phase\":\"Pending\",\"pad\":\"");
        while (b.length() < VALUE_BYTES - 3) {
            b.append('x');
        }
        return b.append("\"}}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
