package io.kube4j.node.kubelet.pod;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PodWorkersTest {
    static Pod pod() {
        return new PodBuilder().withNewMetadata().withName("p").withUid("u").withResourceVersion("1")
                .addToLabels("app", "a").endMetadata().withNewSpec().withNodeName("n").addNewContainer()
                .withName("c").withImage("i").endContainer().endSpec().withNewStatus().withPhase("Pending").endStatus()
                .build();
    }

    @Test
    void statusAndVersionChangesDoNotWakeTheWorker() {
        Pod newer = new PodBuilder(pod()).editMetadata().withResourceVersion("2").endMetadata()
                .editStatus().withPhase("Running").endStatus().build();
        assertThat(PodWorkers.onlyStatusChanged(pod(), newer)).isTrue();
    }

    @Test
    void specLabelsAndDeletionDo() {
        assertThat(PodWorkers.onlyStatusChanged(pod(), new PodBuilder(pod()).editSpec()
                .withActiveDeadlineSeconds(5L).endSpec().build())).isFalse();
        assertThat(PodWorkers.onlyStatusChanged(pod(), new PodBuilder(pod()).editMetadata()
                .addToLabels("app", "b").endMetadata().build())).isFalse();
        assertThat(PodWorkers.onlyStatusChanged(pod(), new PodBuilder(pod()).editMetadata()
                .withDeletionTimestamp("2026-01-01T00:00:00Z").withDeletionGracePeriodSeconds(30L).endMetadata()
                .build())).isFalse();
    }
}
