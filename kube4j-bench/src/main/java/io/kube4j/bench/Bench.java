package io.kube4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of the kube4j benchmarks: {@code java -cp 'kube4j-bench.jar:lib/*' io.kube4j.bench.Bench [names...]
 * [--option=value...]}, usually through {@code kube4j-bench/run}. Runs the named benchmarks (default: all) one
 * after another, prints method, parameters, results and goal of each, and appends one JSON line per benchmark
 * to {@code OUT/results.jsonl}. Exit code 0 when every benchmark ran (goals missed or not), 1 when one failed,
 * 2 on bad arguments.
 */
public final class Bench {
    private static final List<Benchmark> ALL = List.of(new ColdStartBench(), new IdleRssBench(), new PodCreateBench(),
            new ListBench(true), new WatchLatencyBench(), new NodePodStartupBench(), new SchedulerBench(),
            new IngressBench(), new ProxySyncBench(), new DnsBench(),
            // API server scenarios of issue 7 (api, list, watch-fanout)
            new ApiBench(), new ListBench(false), new WatchFanoutBench(),
            // volumes, configuration and identity (issue 6), on the real node
            new VolumesBench(),
            // the store under the API server: embedded SQLite and etcd side by side
            new StorageBench(),
            // scale with simulated nodes
            new DensityBench(), new SimNodeHeapBench(), new PodFootprintBench());
    private static final ObjectMapper JSON = new ObjectMapper();

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (BenchOptions.wantsHelp(args)) {
            System.out.print(BenchOptions.USAGE);
            return;
        }
        BenchOptions o;
        List<Benchmark> selected = new ArrayList<>();
        try {
            o = BenchOptions.parse(args);
            for (String n : o.names()) {
                selected.add(ALL.stream().filter(b -> b.name().equals(n)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("unknown benchmark " + n)));
            }
        } catch (IllegalArgumentException e) {
            System.err.println("kube4j-bench: " + e.getMessage());
            System.err.print(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        if (selected.isEmpty()) {
            selected.addAll(ALL);
        }
        Files.createDirectories(o.outDir());
        Path results = o.outDir().resolve("results.jsonl");
        Map<String, Object> machine = Machine.describe(o);
        System.out.println("kube4j benchmarks  " + Instant.now());
        machine.forEach((k, v) -> System.out.println("  " + k + ": " + v));
        System.out.println("  results: " + results);
        System.out.println("  note: numbers from a shared or busy machine are noisy; compare runs on the same machine.");
        boolean failed = false;
        try (BenchContext ctx = new BenchContext(o)) {
            for (Benchmark b : selected) {
                System.out.println();
                System.out.println("== " + b.name());
                System.out.println("method: " + b.method());
                System.out.println("goal:   " + b.goal());
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("benchmark", b.name());
                line.put("time", Instant.now().toString());
                line.put("machine", machine);
                line.put("loadAverageBefore", Machine.loadAverage());
                long t0 = System.nanoTime();
                try {
                    Benchmark.Result r = b.run(ctx);
                    line.put("params", r.params());
                    line.put("results", r.results());
                    line.put("goal", b.goal());
                    print("params", r.params());
                    print("results", r.results());
                    if (b.reportOnly()) {
                        line.put("checksPassed", r.goalMet());
                        System.out.println((r.goalMet() ? "checks passed" : "checks FAILED") + " (no goal: "
                                + b.goal() + ")");
                    } else {
                        line.put("goalMet", r.goalMet());
                        System.out.println("goal " + (r.goalMet() ? "MET" : "MISSED") + ": " + b.goal());
                    }
                } catch (Exception e) {
                    failed = true;
                    line.put("error", e.toString());
                    System.out.println("FAILED: " + e);
                    e.printStackTrace(System.out);
                }
                line.put("loadAverageAfter", Machine.loadAverage());
                line.put("elapsedSeconds", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
                append(results, line);
            }
        }
        System.exit(failed ? 1 : 0);
    }

    private static void print(String title, Map<String, Object> m) throws IOException {
        System.out.println(title + ":");
        for (Map.Entry<String, Object> e : m.entrySet()) {
            Object v = e.getValue();
            String s = v instanceof Map<?, ?> || v instanceof List<?> ? JSON.writeValueAsString(v) : String.valueOf(v);
            System.out.println("  " + e.getKey() + ": " + s);
        }
    }

    private static synchronized void append(Path file, Map<String, Object> line) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            w.write(JSON.copy().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(line));
            w.write('\n');
        }
    }
}
