package io.kube4j.bench;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tiny versions of the API server scenarios (api, list, list-table, watch-latency, watch-fanout) against real
 * child servers: they check that every operation succeeded, every event reached every watcher and the result
 * fields are there. Timings are never asserted (goals are judged by the benchmark runs, not by the build).
 */
class ApiScenariosIT {
    private static BenchContext ctx;
    private static BenchOptions options;

    @BeforeAll
    static void options() throws Exception {
        Path jar = Path.of(System.getProperty("kube4j.jar", "../kube4j-cli/target/kube4j-all.jar"));
        assertThat(jar).as("server jar (built by kube4j-cli's package phase)").isRegularFile();
        Path out = Files.createDirectories(Path.of("target", "bench-it"));
        options = BenchOptions.parse(new String[]{"--jar=" + jar.toAbsolutePath(), "--out=" + out.toAbsolutePath(),
                "--cds=false", "--warmup-pods=8", "--server-jvm-opts=-XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1",
                "--pods=20", "--clients=2", "--list-iterations=2", "--list-warmups=1",
                "--watchers=30", "--writes=6", "--watch-warmup-writes=2", "--write-interval-ms=5",
                "--api-clients=1,3", "--api-ops=20", "--api-list-pods=7", "--paced-rate=40", "--paced-seconds=1",
                "--list-sizes=15,40", "--fill-clients=4",
                "--fanout-watchers=50", "--fanout-updates=5", "--fanout-warmup=2", "--fanout-rounds=2",
                "--streams-per-connection=16"});
        ctx = new BenchContext(options);
    }

    @AfterAll
    static void close() {
        if (ctx != null) {
            ctx.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void apiRunsEveryVerbAtEveryClientCountWithoutFailures() throws Exception {
        Benchmark.Result r = new ApiBench().run(ctx);

        List<Map<String, Object>> verbs = (List<Map<String, Object>>) r.results().get("verbs");
        assertThat(verbs).extracting(v -> v.get("verb") + "@" + v.get("clients")).containsExactly(
                "create@1", "get@1", "update@1", "list@1", "watch@1",
                "create@3", "get@3", "update@3", "list@3", "watch@3");
        for (Map<String, Object> v : verbs) {
            assertThat(v.get("failures")).as("failures of %s", v).isEqualTo(0L);
            assertThat((Map<String, Object>) v.get("latency")).containsKeys("p50Ms", "p99Ms");
            assertThat(((Number) v.get("opsPerSecond")).longValue()).isPositive();
        }
        // 20 ops rounded up to a multiple of the client count; list does a tenth (at least one per client)
        assertThat(verbs.get(5).get("ops")).isEqualTo(21L);
        assertThat(verbs.get(3)).containsEntry("itemsPerList", 7).containsEntry("ops", 2L);
        // watch: 3 watchers x (10 warm-up + 2 measured) writes all delivered
        assertThat(verbs.get(9)).containsEntry("deliveriesExpected", 36L).containsEntry("deliveriesReceived", 36L);

        Map<String, Object> paced = (Map<String, Object>) r.results().get("paced");
        assertThat(paced).containsEntry("writes", 40).containsEntry("failures", 0)
                .containsKeys("achievedPerSecond", "p99FromScheduleMs", "latencyFromSend");
        Path png = Path.of((String) r.results().get("plot"));
        assertThat(png).isRegularFile();
        assertThat(Files.readAllBytes(png)).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        assertThat(r.params()).containsEntry("clients", List.of(1, 3));
    }

    @Test
    @SuppressWarnings("unchecked")
    void listCountsEveryPodAsTableAndJsonAtEachSize() throws Exception {
        Benchmark.Result r = new ListBench(false).run(ctx);

        for (int size : List.of(15, 40)) {
            Map<String, Object> s = (Map<String, Object>) r.results().get("pods" + size);
            assertThat((Map<String, Object>) s.get("table")).containsEntry("rows", size).containsKey("responseBytes");
            assertThat((Map<String, Object>) s.get("json")).containsEntry("items", size).containsKey("p99Ms");
        }
        assertThat(r.goalMet()).as("no 10,000-pod size was listed, so no goal was judged").isFalse();
    }

    @Test
    @SuppressWarnings("unchecked")
    void listTableKeepsItsShapeOnThePodCreateServer() throws Exception {
        Benchmark.Result r = new ListBench(true).run(ctx);

        assertThat((Map<String, Object>) r.results().get("table")).containsEntry("rows", 20);
        assertThat((Map<String, Object>) r.results().get("json")).containsEntry("items", 20);
    }

    @Test
    @SuppressWarnings("unchecked")
    void watchFanoutDeliversEveryUpdateToEveryWatcher() throws Exception {
        Benchmark.Result r = new WatchFanoutBench().run(ctx);

        // 50 watchers x (2 warm-up creates + 2 rounds x 5 updates)
        assertThat(r.results()).containsEntry("deliveriesExpected", 600L).containsEntry("deliveriesReceived", 600L)
                .containsEntry("duplicates", 0).containsEntry("outOfOrder", 0).containsEntry("watchersIncomplete", 0)
                .containsEntry("unmatchedLines", 0).containsKey("delivery");
        List<Map<String, Object>> rounds = (List<Map<String, Object>>) r.results().get("rounds");
        assertThat(rounds).hasSize(2);
        for (Map<String, Object> round : rounds) {
            assertThat(round).containsEntry("deliveriesExpected", 250L).containsEntry("deliveriesReceived", 250L);
        }
        // the top-level delivery is the last round's, the one the goal is judged on
        assertThat(r.results().get("delivery")).isEqualTo(rounds.get(1).get("delivery"));
        // the measured phase's server costs, read from /proc: present and not negative on Linux
        for (String k : List.of("serverCpuMsMeasured", "serverJitCpuMsMeasured", "serverWriteSyscallsMeasured")) {
            assertThat((Long) r.results().get(k)).as(k).isNotNull().isGreaterThanOrEqualTo(0L);
        }
        assertThat(r.params()).containsEntry("watchers", 50).containsEntry("measuredPatches", 5)
                .containsEntry("rounds", 2);
    }

    @Test
    void watchLatencyStillDeliversEveryWrite() throws Exception {
        Benchmark.Result r = new WatchLatencyBench().run(ctx);

        assertThat(r.results()).containsEntry("deliveriesExpected", 240L).containsEntry("deliveriesReceived", 240L)
                .containsEntry("duplicates", 0);
    }
}
