package io.kube4j.controllers.podgc;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PodGcFunctionsTest {
    static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    static Pod pod(String name, String phase, String node, int ageSeconds) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("ns")
                .withCreationTimestamp(T.minusSeconds(ageSeconds).toString()).endMetadata()
                .withNewSpec().withNodeName(node).endSpec().withNewStatus().withPhase(phase).endStatus().build();
    }

    @Test
    void deletesTheOldestTerminatedPodsAboveTheThreshold() {
        List<Pod> pods = List.of(pod("new-done", "Succeeded", "n", 10), pod("old-failed", "Failed", "n", 300),
                pod("mid-done", "Succeeded", "n", 100), pod("running", "Running", "n", 1000));
        assertThat(PodGcFunctions.terminatedOverThreshold(pods, 1)).extracting(p -> p.getMetadata().getName())
                .containsExactly("old-failed", "mid-done");
        assertThat(PodGcFunctions.terminatedOverThreshold(pods, 3)).isEmpty();
        assertThat(PodGcFunctions.terminatedOverThreshold(pods, 0)).isEmpty();
    }

    @Test
    void findsPodsOfMissingNodesAndUnscheduledTerminatingOnes() {
        Pod gone = pod("gone", "Running", "old-node", 1);
        Pod here = pod("here", "Running", "node", 1);
        Pod unscheduled = new PodBuilder(pod("u", "Pending", null, 1)).editMetadata()
                .withDeletionTimestamp(T.toString()).endMetadata().build();
        List<Pod> pods = List.of(gone, here, unscheduled);
        assertThat(PodGcFunctions.onMissingNodes(pods, Set.of("node"))).containsExactly(gone);
        assertThat(PodGcFunctions.unscheduledTerminating(pods)).containsExactly(unscheduled);
    }
}
