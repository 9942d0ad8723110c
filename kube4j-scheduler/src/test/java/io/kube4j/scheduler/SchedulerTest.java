package io.kube4j.scheduler;

import io.kube4j.client.testing.FakeClock;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.kube4j.scheduler.cache.SchedulerCache;
import io.kube4j.scheduler.framework.Framework;
import io.kube4j.scheduler.framework.NodeInfo;
import io.kube4j.scheduler.framework.PodInfo;
import io.kube4j.scheduler.framework.Profile;
import io.kube4j.scheduler.framework.plugins.Registry;
import io.kube4j.scheduler.queue.SchedulingQueue;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class SchedulerTest {
    final FakeClock clock = new FakeClock(java.time.Instant.parse("2025-01-01T00:00:00Z"));
    final Framework framework = new Framework(Registry.inTree(), Profile.defaults(), null);
    final SchedulerCache cache = new SchedulerCache();
    final Scheduler scheduler = new Scheduler(null, framework, new SchedulingQueue(clock, framework::less), cache,
            null, clock, new Random(1), 16);

    String message(io.fabric8.kubernetes.api.model.Pod pod) {
        Scheduler.ScheduleResult r = scheduler.schedule(new PodInfo(pod));
        assertThat(r.node()).isNull();
        return r.fitError() != null ? r.fitError().message() : r.error();
    }

    @Test
    void noNodes() {
        assertThat(message(Fixtures.pod("p"))).isEqualTo("no nodes available to schedule pods");
    }

    @Test
    void nodeSelectorMessage() {
        cache.addNode(Fixtures.node("n1"));
        assertThat(message(new PodBuilder(Fixtures.pod("p")).editSpec().withNodeSelector(Map.of("gpu", "true"))
                .endSpec().build())).isEqualTo("0/1 nodes are available: 1 node(s) didn't match Pod's node"
                + " affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.");
    }

    @Test
    void insufficientCpuMessage() {
        cache.addNode(Fixtures.node("n1"));
        assertThat(message(Fixtures.pod("p", "100", null).build())).isEqualTo("0/1 nodes are available: 1 Insufficient"
                + " cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.");
    }

    @Test
    void reasonsOfSeveralNodesAreCountedAndSorted() {
        cache.addNode(Fixtures.node("small-1", "1", "1Gi", 110).build());
        cache.addNode(Fixtures.node("small-2", "1", "1Gi", 110).build());
        cache.addNode(new NodeBuilder(Fixtures.node("tainted")).editSpec().withTaints(new TaintBuilder()
                .withKey("dedicated").withEffect("NoSchedule").build()).endSpec().build());
        cache.addNode(new NodeBuilder(Fixtures.node("cordoned")).editSpec().withUnschedulable(true).endSpec().build());
        assertThat(message(Fixtures.pod("p", "2", "2Gi").build())).isEqualTo("0/4 nodes are available: "
                + "1 node(s) had untolerated taint {dedicated: }, 1 node(s) were unschedulable, 2 Insufficient cpu, "
                + "2 Insufficient memory. preemption: 0/4 nodes are available: 2 No preemption victims found for"
                + " incoming pod, 2 Preemption is not helpful for scheduling.");
    }

    @Test
    void lowerPriorityPodsThatWouldMakeRoomAreFound() {
        cache.addNode(Fixtures.node("n1", "1", "1Gi", 110).build());
        cache.addPod(new PodInfo(new PodBuilder(Fixtures.pod("low", "800m", null).build()).editSpec()
                .withNodeName("n1").endSpec().build()));
        // same priority: nothing to evict
        assertThat(message(Fixtures.pod("p", "500m", null).build())).endsWith("1 No preemption victims found for"
                + " incoming pod.");
        // a higher-priority pod whose request exceeds the node even when empty: the filter's own reason
        assertThat(message(new PodBuilder(Fixtures.pod("big", "2", null).build()).editSpec().withPriority(10)
                .endSpec().build())).endsWith("preemption: 0/1 nodes are available: 1 Insufficient cpu.");
        assertThat(message(new PodBuilder(Fixtures.pod("never", "2", null).build()).editSpec()
                .withPreemptionPolicy("Never").endSpec().build()))
                .endsWith("1 Insufficient cpu. not eligible due to preemptionPolicy=Never.");
    }

    @Test
    void assumedPodsTakeRoom() {
        cache.addNode(Fixtures.node("n1", "1", "1Gi", 110).build());
        cache.addNode(Fixtures.node("n2", "1", "1Gi", 110).build());
        PodInfo a = new PodInfo(Fixtures.pod("a", "600m", null).build());
        String first = scheduler.schedule(a).node();
        cache.assumePod(a, first);
        String second = scheduler.schedule(new PodInfo(Fixtures.pod("b", "600m", null).build())).node();
        assertThat(second).isNotNull().isNotEqualTo(first);
        cache.assumePod(new PodInfo(Fixtures.pod("b", "600m", null).build()), second);
        assertThat(message(Fixtures.pod("c", "600m", null).build())).startsWith("0/2 nodes are available: 2 Insufficient cpu.");
        cache.forgetPod(a.uid());
        assertThat(scheduler.schedule(new PodInfo(Fixtures.pod("c", "600m", null).build())).node()).isEqualTo(first);
    }

    @Test
    void prefersTheLeastAllocatedNode() {
        cache.addNode(Fixtures.node("busy", "4", "8Gi", 110).build());
        cache.addNode(Fixtures.node("idle", "4", "8Gi", 110).build());
        cache.addPod(new PodInfo(new PodBuilder(Fixtures.pod("x", "3", "6Gi").build()).editSpec().withNodeName("busy")
                .endSpec().build()));
        assertThat(scheduler.schedule(new PodInfo(Fixtures.pod("p", "500m", "1Gi").build())).node()).isEqualTo("idle");
    }

    @Test
    void equalNodesShareThePods() {
        for (int i = 0; i < 5; i++) {
            cache.addNode(Fixtures.node("n" + i));
        }
        Set<String> chosen = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            chosen.add(scheduler.schedule(new PodInfo(Fixtures.pod("p" + i))).node());
        }
        assertThat(chosen).hasSizeGreaterThan(1);
    }

    @Test
    void anIdleTurnDropsThePodVersionsTheCacheReplaced() throws InterruptedException {
        cache.addNode(Fixtures.node("n1"));
        cache.addNode(Fixtures.node("n2"));
        var pending = Fixtures.pod("p", "100m", null).build();
        PodInfo assumed = new PodInfo(pending);
        String node = scheduler.schedule(assumed).node();
        cache.assumePod(assumed, node);
        // the next cycle copies the node with the assumed pod on it
        scheduler.schedule(new PodInfo(Fixtures.pod("q", "100m", null).build()));
        assertThat(scheduler.snapshot().get(node).pods()).extracting(PodInfo::pod).containsExactly(pending);
        // the informer reports the pod bound, then Running; no pod is scheduled after that
        var bound = new PodBuilder(pending).editSpec().withNodeName(node).endSpec().build();
        cache.addPod(new PodInfo(bound));
        var running = new PodBuilder(bound).withNewStatus().withPhase("Running").endStatus().build();
        cache.updatePod(new PodInfo(running));

        scheduler.step(0, TimeUnit.SECONDS); // the queue is empty

        assertThat(scheduler.snapshot().get(node).pods()).extracting(PodInfo::pod)
                .singleElement().isSameAs(running);
        assertThat(scheduler.snapshot().nodes()).extracting(NodeInfo::name).containsExactly("n1", "n2");
    }

    @Test
    void feasibleNodesToFind() {
        assertThat(Scheduler.numFeasibleNodesToFind(50)).isEqualTo(50);
        assertThat(Scheduler.numFeasibleNodesToFind(150)).isEqualTo(100);
        assertThat(Scheduler.numFeasibleNodesToFind(1000)).isEqualTo(420);
        assertThat(Scheduler.numFeasibleNodesToFind(5000)).isEqualTo(500);
        assertThat(Scheduler.numFeasibleNodesToFind(100_000)).isEqualTo(5000);
    }

    @Test
    void conditionPatchKeepsTheTransitionTimeWhileStillFalse() {
        var pod = new PodBuilder(Fixtures.pod("p")).withNewStatus().addNewCondition().withType("PodScheduled")
                .withStatus("False").withReason("Unschedulable").withMessage("old").withLastTransitionTime(
                        "2024-01-01T00:00:00Z").endCondition().endStatus().build();
        assertThat(PodConditions.needsUpdate(pod, "Unschedulable", "old")).isFalse();
        assertThat(PodConditions.needsUpdate(pod, "Unschedulable", "new")).isTrue();
        assertThat(PodConditions.patch(pod, "Unschedulable", "new \"msg\"", clock.instant())).isEqualTo(
                "{\"status\":{\"conditions\":[{\"type\":\"PodScheduled\",\"status\":\"False\",\"lastProbeTime\":null,"
                        + "\"lastTransitionTime\":\"2024-01-01T00:00:00Z\",\"reason\":\"Unschedulable\","
                        + "\"message\":\"new \\\"msg\\\"\"}]}}");
        assertThat(PodConditions.patch(Fixtures.pod("q"), "Unschedulable", "m", clock.instant()))
                .contains("\"lastTransitionTime\":\"2025-01-01T00:00:00Z\"");
    }
}
