package io.kube4j.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Small versions of the scale benchmarks (scheduler, density, sim-node-heap) against real server and agent child
 * processes (the reactor's kube4j-all.jar): they check that every pod is bound or Running and that the results the
 * documentation quotes are there. Timings are never asserted; goals are not judged here.
 */
class ScaleScenariosTest {

    private static BenchContext context(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "--storage=memory";
        all[1] = "--cds=false";
        all[2] = "--out=target/scale-scenarios";
        System.arraycopy(args, 0, all, 3, args.length);
        return new BenchContext(BenchOptions.parse(all));
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void schedulerBindsEveryPodOverlappedAndFromABacklog() throws Exception {
        try (BenchContext ctx = context("--sched-nodes=50", "--sched-pods=200", "--clients=4")) {
            Benchmark.Result r = new SchedulerBench().run(ctx);

            assertThat(r.params()).containsEntry("nodes", 50).containsEntry("pods", List.of(200))
                    .containsEntry("backlog", true);
            @SuppressWarnings("unchecked")
            Map<String, Object> run = (Map<String, Object>) r.results().get("50 nodes x 200 pods");
            assertThat(run).containsEntry("bound", 200).containsEntry("allBound", true)
                    .containsEntry("createFailures", 0)
                    .containsKeys("podsBoundPerSecond", "wallMs", "serverCpuMs", "serverCpuMsPerPod",
                            "schedulingLoopCpuMsPerPod", "serverCpuMsByThread")
                    .doesNotContainKey("watchError");
            @SuppressWarnings("unchecked")
            Map<String, Object> latency = (Map<String, Object>) run.get("createToBound");
            assertThat(latency).containsEntry("count", 200).containsKeys("p50Ms", "p99Ms");

            @SuppressWarnings("unchecked")
            Map<String, Object> backlog = (Map<String, Object>) r.results().get("50 nodes x 200 pods, backlog");
            assertThat(backlog).containsEntry("bound", 200).containsEntry("allBound", true)
                    .containsEntry("createFailures", 0).doesNotContainKey("watchError")
                    .containsKeys("podsBoundPerSecond", "firstToLastBindingMs", "schedulerStartToLoopMs",
                            "schedulerCpuMsPerPod", "serverCpuMsPerPod", "schedulingLoopCpuMsPerPod");
            // the separate scheduler process did the work: it used CPU, and its first binding came after its start
            assertThat((long) backlog.get("schedulerCpuMsSettled")).isPositive();
            @SuppressWarnings("unchecked")
            Map<String, Long> schedulerThreads = (Map<String, Long>) backlog.get("schedulerCpuMsByThread");
            assertThat(schedulerThreads).containsKey("scheduler");
            assertThat((long) backlog.get("schedulerStartToFirstBindingMs"))
                    .isGreaterThanOrEqualTo((long) backlog.get("schedulerStartToLoopMs"));
            assertThat(ProcessHandle.of((long) backlog.get("schedulerPid"))).as("scheduler process stopped")
                    .isEmpty();
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void schedulerWithoutBacklogRunsTheOverlappedModeOnly() throws Exception {
        try (BenchContext ctx = context("--sched-nodes=20", "--sched-pods=50", "--clients=2",
                "--sched-backlog=false")) {
            Benchmark.Result r = new SchedulerBench().run(ctx);

            assertThat(r.params()).containsEntry("backlog", false);
            assertThat(r.results()).containsOnlyKeys("20 nodes x 50 pods");
            @SuppressWarnings("unchecked")
            Map<String, Object> run = (Map<String, Object>) r.results().get("20 nodes x 50 pods");
            assertThat(run).containsEntry("bound", 50).containsEntry("allBound", true);
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void densityRunsEveryReplicaOnSimulatedNodes() throws Exception {
        try (BenchContext ctx = context("--density-nodes=20", "--density-replicasets=5", "--density-replicas=10",
                "--density-heap=512m", "--density-heartbeat=2s")) {
            Benchmark.Result r = new DensityBench().run(ctx);

            assertThat(r.params()).containsEntry("pods", 50L).containsEntry("nodes", 20);
            assertThat(r.results()).containsEntry("allRunning", true).containsEntry("podsRunning", 50L)
                    .containsEntry("nodesReady", 20).containsEntry("probeFailures", 0)
                    .containsKeys("allPodsRunningMs", "serverRssMb", "agentRssMb", "probeP99PerTenth");
            assertThat((long) r.results().get("nodesWithPods")).isBetween(1L, 20L);
            // the bench counts the pods from its own watch: every one was seen to exist
            assertThat((long) r.results().get("allPodsCreatedMs")).isNotNegative();
            assertThat((long) r.results().get("podsCreatedPerSecond")).isPositive();
            assertThat((long) r.results().get("agentCpuMs")).isPositive();
            assertThat(r.results()).containsKeys("serverCpuMsPerPod", "agentCpuMsPerPod",
                    "idleServerCpuUsPerNodeSecond", "steadyServerCpuUsPerNodeSecond", "steadyAgentCpuUsPerNodeSecond");
            assertThat((double) r.results().get("serverLiveHeapMb")).isPositive();
            @SuppressWarnings("unchecked")
            Map<String, Object> probe = (Map<String, Object>) r.results().get("probe");
            assertThat((int) probe.get("count")).isPositive();
            @SuppressWarnings("unchecked")
            Map<String, Object> gc = (Map<String, Object>) r.results().get("serverGc");
            assertThat((int) gc.get("pauses")).isPositive(); // the full GC of the heap reading at least
            assertThat(gc).containsKeys("pausesOver100Ms", "maxPauseMs");
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void simNodeHeapMeasuresEveryCount() throws Exception {
        try (BenchContext ctx = context("--sim-node-counts=0,10", "--density-heartbeat=1s")) {
            Benchmark.Result r = new SimNodeHeapBench().run(ctx);

            @SuppressWarnings("unchecked")
            List<Map<String, Object>> points = (List<Map<String, Object>>) r.results().get("points");
            assertThat(points).hasSize(2);
            assertThat(points.get(0)).containsEntry("nodes", 0).containsEntry("nodesReady", 0);
            assertThat(points.get(1)).containsEntry("nodes", 10).containsEntry("nodesReady", 10);
            assertThat(points).allSatisfy(p -> assertThat((double) p.get("liveHeapMb")).isPositive());
            assertThat((double) r.results().get("heapPerNodeKb")).isNotNaN();
            assertThat((double) r.results().get("nodeObjectPerNodeKb")).isPositive();
            assertThat(r.results()).containsKeys("beyondObjectsPerNodeKb", "topClassesPerNodeBytes");
        }
    }
}
