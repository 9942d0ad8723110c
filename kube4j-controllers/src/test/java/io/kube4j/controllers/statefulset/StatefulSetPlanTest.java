package io.kube4j.controllers.statefulset;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.kube4j.client.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StatefulSetPlanTest {
    final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));

    static StatefulSet set(int replicas, String policy, String strategy, Integer partition, int minReady) {
        return new StatefulSetBuilder().withNewMetadata().withName("web").withNamespace("ns").withUid("u1")
                .endMetadata().withNewSpec().withReplicas(replicas).withServiceName("nginx")
                .withPodManagementPolicy(policy).withMinReadySeconds(minReady)
                .withNewUpdateStrategy().withType(strategy).withNewRollingUpdate().withPartition(partition)
                .endRollingUpdate().endUpdateStrategy()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata().withNewSpec()
                .addNewContainer().withName("c").withImage("i").endContainer().endSpec().endTemplate()
                .endSpec().build();
    }

    Pod pod(int ordinal, String revision, boolean ready, Instant readySince) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName("web-" + ordinal)
                .addToLabels(StatefulPods.REVISION_HASH, revision).endMetadata()
                .withNewStatus().withPhase(ready ? "Running" : "Pending").endStatus();
        if (ready) {
            b.editStatus().addNewCondition().withType("Ready").withStatus("True")
                    .withLastTransitionTime(readySince.toString()).endCondition().endStatus();
        }
        return b.build();
    }

    Pod ready(int ordinal, String revision) {
        return pod(ordinal, revision, true, clock.instant().minusSeconds(60));
    }

    static List<Integer> created(StatefulSetPlan.Steps s) {
        return s.create().stream().map(StatefulSetPlan.Create::ordinal).toList();
    }

    static List<String> deleted(StatefulSetPlan.Steps s) {
        return s.delete().stream().map(p -> p.getMetadata().getName()).toList();
    }

    @Test
    void orderedReadyCreatesOneAtATimeWaitingForTheLowerPodToBeReady() {
        StatefulSet set = set(3, "OrderedReady", "RollingUpdate", 0, 0);
        Map<Integer, Pod> pods = new HashMap<>();
        assertThat(created(StatefulSetPlan.next(set, pods, "r1", "r1", clock.instant()))).containsExactly(0);
        pods.put(0, pod(0, "r1", false, null));
        assertThat(StatefulSetPlan.next(set, pods, "r1", "r1", clock.instant()).isEmpty()).isTrue();
        pods.put(0, ready(0, "r1"));
        assertThat(created(StatefulSetPlan.next(set, pods, "r1", "r1", clock.instant()))).containsExactly(1);
        pods.put(1, ready(1, "r1"));
        StatefulSetPlan.Steps s = StatefulSetPlan.next(set, pods, "r1", "r1", clock.instant());
        assertThat(created(s)).containsExactly(2);
        assertThat(s.create().get(0).revision()).isEqualTo("r1");
    }

    @Test
    void ordinalsStartShiftsTheRangeAndCondemnsPodsBelowIt() {
        StatefulSet set = set(2, "Parallel", "RollingUpdate", 0, 0);
        set.getSpec().setOrdinals(new io.fabric8.kubernetes.api.model.apps.StatefulSetOrdinals(3));
        Map<Integer, Pod> pods = new HashMap<>(Map.of(0, ready(0, "r1"), 1, ready(1, "r1")));
        StatefulSetPlan.Steps s = StatefulSetPlan.next(set, pods, "r1", "r1", clock.instant());
        assertThat(created(s)).containsExactly(3, 4);
        assertThat(deleted(s)).containsExactly("web-1", "web-0");
        assertThat(StatefulSetPlan.inRange(set, 4)).isTrue();
        assertThat(StatefulSetPlan.inRange(set, 5)).isFalse();
        // a rolling update walks the range from its top down to the partition (an index into the range)
        set.getSpec().getUpdateStrategy().getRollingUpdate().setPartition(1);
        Map<Integer, Pod> shifted = new HashMap<>(Map.of(3, ready(3, "r1"), 4, ready(4, "r1")));
        assertThat(deleted(StatefulSetPlan.next(set, shifted, "r1", "r2", clock.instant()))).containsExactly("web-4");
        shifted.put(4, ready(4, "r2"));
        assertThat(StatefulSetPlan.next(set, shifted, "r1", "r2", clock.instant()).isEmpty()).isTrue();
    }

    @Test
    void parallelCreatesAllAtOnce() {
        StatefulSet set = set(3, "Parallel", "RollingUpdate", 0, 0);
        assertThat(created(StatefulSetPlan.next(set, new HashMap<>(), "r1", "r1", clock.instant())))
                .containsExactly(0, 1, 2);
    }

    @Test
    void scaleDownRemovesTheHighestOrdinalFirstOneAtATime() {
        StatefulSet set = set(1, "OrderedReady", "RollingUpdate", 0, 0);
        Map<Integer, Pod> pods = new HashMap<>(Map.of(0, ready(0, "r1"), 1, ready(1, "r1"), 2, ready(2, "r1")));
        assertThat(deleted(StatefulSetPlan.next(set, pods, "r1", "r1", clock.instant()))).containsExactly("web-2");
        Pod terminating = new PodBuilder(pods.get(2)).editMetadata().withDeletionTimestamp("2026-01-01T00:00:00Z")
                .endMetadata().build();
        pods.put(2, terminating);
        // web-1 waits until web-2 is really gone
        assertThat(StatefulSetPlan.next(set, pods, "r1", "r1", clock.instant()).isEmpty()).isTrue();
        pods.remove(2);
        assertThat(deleted(StatefulSetPlan.next(set, pods, "r1", "r1", clock.instant()))).containsExactly("web-1");
        // Parallel deletes both at once
        pods.put(2, ready(2, "r1"));
        assertThat(deleted(StatefulSetPlan.next(set(1, "Parallel", "RollingUpdate", 0, 0), pods, "r1", "r1",
                clock.instant()))).containsExactly("web-2", "web-1");
    }

    @Test
    void aTerminatingOrFailedPodComesBackUnderItsNameOnlyOnceGone() {
        StatefulSet set = set(2, "OrderedReady", "RollingUpdate", 0, 0);
        Map<Integer, Pod> pods = new HashMap<>(Map.of(0, ready(0, "r1"), 1, ready(1, "r1")));
        Pod failed = new PodBuilder(pods.get(0)).editStatus().withPhase("Failed").endStatus().build();
        pods.put(0, failed);
        assertThat(deleted(StatefulSetPlan.next(set, pods, "r1", "r1", clock.instant()))).containsExactly("web-0");
        // on a lost node the pod keeps its deletion timestamp until really deleted: nothing is created
        pods.put(0, new PodBuilder(pods.get(0)).editMetadata().withDeletionTimestamp("2026-01-01T00:00:00Z")
                .endMetadata().build());
        assertThat(StatefulSetPlan.next(set, pods, "r1", "r1", clock.instant()).isEmpty()).isTrue();
        pods.remove(0);
        assertThat(created(StatefulSetPlan.next(set, pods, "r1", "r1", clock.instant()))).containsExactly(0);
    }

    @Test
    void rollingUpdateGoesFromTheHighestOrdinalDownToThePartition() {
        StatefulSet set = set(3, "OrderedReady", "RollingUpdate", 1, 0);
        Map<Integer, Pod> pods = new HashMap<>(Map.of(0, ready(0, "r1"), 1, ready(1, "r1"), 2, ready(2, "r1")));
        assertThat(deleted(StatefulSetPlan.next(set, pods, "r1", "r2", clock.instant()))).containsExactly("web-2");
        pods.remove(2);
        StatefulSetPlan.Steps s = StatefulSetPlan.next(set, pods, "r1", "r2", clock.instant());
        assertThat(created(s)).containsExactly(2);
        assertThat(s.create().get(0).revision()).isEqualTo("r2");
        pods.put(2, pod(2, "r2", false, null));
        // the new pod must be ready before the next one goes
        assertThat(StatefulSetPlan.next(set, pods, "r1", "r2", clock.instant()).isEmpty()).isTrue();
        pods.put(2, ready(2, "r2"));
        assertThat(deleted(StatefulSetPlan.next(set, pods, "r1", "r2", clock.instant()))).containsExactly("web-1");
        pods.put(1, ready(1, "r2"));
        // web-0 is below the partition: kept, and recreated at the current revision
        assertThat(StatefulSetPlan.next(set, pods, "r1", "r2", clock.instant()).isEmpty()).isTrue();
        pods.remove(0);
        assertThat(StatefulSetPlan.next(set, pods, "r1", "r2", clock.instant()).create())
                .containsExactly(new StatefulSetPlan.Create(0, "r1"));
    }

    @Test
    void onDeleteOnlyRecreatesDeletedPodsAtTheUpdateRevision() {
        StatefulSet set = set(2, "OrderedReady", "OnDelete", null, 0);
        Map<Integer, Pod> pods = new HashMap<>(Map.of(0, ready(0, "r1"), 1, ready(1, "r1")));
        assertThat(StatefulSetPlan.next(set, pods, "r1", "r2", clock.instant()).isEmpty()).isTrue();
        pods.remove(0);
        assertThat(StatefulSetPlan.next(set, pods, "r1", "r2", clock.instant()).create())
                .containsExactly(new StatefulSetPlan.Create(0, "r2"));
    }

    @Test
    void minReadySecondsHoldsTheNextPodBack() {
        StatefulSet set = set(2, "OrderedReady", "RollingUpdate", 0, 10);
        Map<Integer, Pod> pods = new HashMap<>(Map.of(0, pod(0, "r1", true, clock.instant())));
        assertThat(StatefulSetPlan.next(set, pods, "r1", "r1", clock.instant()).isEmpty()).isTrue();
        clock.advance(Duration.ofSeconds(10));
        assertThat(created(StatefulSetPlan.next(set, pods, "r1", "r1", clock.instant()))).containsExactly(1);
    }
}
