package io.kube4j.controllers.replicaset;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicaSetStatusFunctionsTest {
    static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    static ReplicaSet rs(int replicas, int minReadySeconds) {
        return new ReplicaSetBuilder().withNewMetadata().withName("kubia").withNamespace("ns").withUid("rs-uid")
                .withGeneration(4L).endMetadata()
                .withNewSpec().withReplicas(replicas).withMinReadySeconds(minReadySeconds)
                .withNewSelector().withMatchLabels(Map.of("app", "kubia")).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(Map.of("app", "kubia", "tier", "web")).endMetadata()
                .endTemplate().endSpec().build();
    }

    @Test
    void countsReplicasFullyLabeledReadyAndAvailableAfterMinReadySeconds() {
        Pod fully = new PodBuilder(TestPods.running("a", "n1", NOW.minusSeconds(100), NOW.minusSeconds(60)))
                .editMetadata().addToLabels("tier", "web").endMetadata().build();
        Pod readyLongAgo = TestPods.running("b", "n1", NOW.minusSeconds(100), NOW.minusSeconds(11));
        Pod readyJustNow = TestPods.running("c", "n1", NOW.minusSeconds(100), NOW.minusSeconds(10));
        Pod notReady = TestPods.running("d", "n1", NOW.minusSeconds(100), null);

        ReplicaSetStatus s = ReplicaSetStatusFunctions.calculate(rs(4, 10),
                List.of(fully, readyLongAgo, readyJustNow, notReady), null, NOW);

        assertThat(s.getReplicas()).isEqualTo(4);
        assertThat(s.getFullyLabeledReplicas()).isEqualTo(1);
        assertThat(s.getReadyReplicas()).isEqualTo(3);
        // ready for exactly minReadySeconds is not yet available: upstream wants strictly longer
        assertThat(s.getAvailableReplicas()).isEqualTo(2);
        assertThat(s.getObservedGeneration()).isEqualTo(4L);
        assertThat(s.getConditions()).isEmpty();
    }

    @Test
    void readyPodsAreAvailableAtOnceWithoutMinReadySeconds() {
        ReplicaSetStatus s = ReplicaSetStatusFunctions.calculate(rs(1, 0),
                List.of(TestPods.running("a", "n1", NOW, NOW)), null, NOW);
        assertThat(s.getAvailableReplicas()).isEqualTo(1);
    }

    @Test
    void replicaFailureConditionIsAddedOnFailedCreatesAndRemovedOnceTheyWork() {
        ReplicaSet set = rs(3, 0);
        ReplicaSetStatus failing = ReplicaSetStatusFunctions.calculate(set, List.of(), "pods \"kubia-x\" is forbidden: "
                + "exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2", NOW);
        assertThat(failing.getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo("ReplicaFailure");
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("FailedCreate");
            assertThat(c.getMessage()).startsWith("pods \"kubia-x\" is forbidden: exceeded quota");
            assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T12:00:00Z");
        });
        set.setStatus(failing);
        // a second failure keeps the first condition (and its time)
        ReplicaSetStatus again = ReplicaSetStatusFunctions.calculate(set, List.of(), "other", NOW.plusSeconds(5));
        assertThat(again.getConditions()).singleElement().satisfies(c -> assertThat(c.getMessage()).isNotEqualTo("other"));
        assertThat(ReplicaSetStatusFunctions.changed(failing, again)).isFalse();
        ReplicaSetStatus healed = ReplicaSetStatusFunctions.calculate(set, List.of(), null, NOW.plusSeconds(10));
        assertThat(healed.getConditions()).isEmpty();
        assertThat(ReplicaSetStatusFunctions.changed(failing, healed)).isTrue();
    }

    @Test
    void failedDeletesGiveReasonFailedDelete() {
        ReplicaSetStatus s = ReplicaSetStatusFunctions.calculate(rs(0, 0),
                List.of(TestPods.running("a", "n1", NOW, NOW)), "boom", NOW);
        assertThat(s.getConditions()).singleElement().satisfies(c -> assertThat(c.getReason()).isEqualTo("FailedDelete"));
    }

    @Test
    void activeExcludesFinishedAndTerminatingPods() {
        assertThat(ReplicaSetStatusFunctions.isActive(TestPods.pod("a", NOW).build())).isTrue();
        assertThat(ReplicaSetStatusFunctions.isActive(TestPods.pod("a", NOW).editStatus().withPhase("Succeeded")
                .endStatus().build())).isFalse();
        assertThat(ReplicaSetStatusFunctions.isActive(TestPods.pod("a", NOW).editStatus().withPhase("Failed")
                .endStatus().build())).isFalse();
        assertThat(ReplicaSetStatusFunctions.isActive(TestPods.pod("a", NOW).editMetadata()
                .withDeletionTimestamp(NOW.toString()).endMetadata().build())).isFalse();
    }

    @Test
    void unchangedStatusNeedsNoWrite() {
        ReplicaSet set = rs(1, 0);
        ReplicaSetStatus s = ReplicaSetStatusFunctions.calculate(set, List.of(TestPods.running("a", "n", NOW, NOW)),
                null, NOW);
        set.setStatus(s);
        assertThat(ReplicaSetStatusFunctions.changed(s, ReplicaSetStatusFunctions.calculate(set,
                List.of(TestPods.running("a", "n", NOW, NOW)), null, NOW.plusSeconds(60)))).isFalse();
        assertThat(ReplicaSetStatusFunctions.changed(null, s)).isTrue();
    }
}
