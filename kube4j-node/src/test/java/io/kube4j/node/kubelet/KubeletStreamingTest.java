package io.kube4j.node.kubelet;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KubeletStreamingTest {

    private static ContainerStatus waiting(String name, String reason) {
        return new ContainerStatusBuilder().withName(name).withNewState().withNewWaiting().withReason(reason)
                .endWaiting().endState().build();
    }

    @Test
    void waitingReasonsInUpstreamWords() {
        PodStatus status = new PodStatusBuilder()
                .withInitContainerStatuses(new ContainerStatusBuilder().withName("init").withNewState().withNewRunning()
                        .endRunning().endState().build())
                .withContainerStatuses(waiting("app", "PodInitializing"), waiting("pull", "ErrImagePull"),
                        waiting("backoff", "ImagePullBackOff"), waiting("new", "ContainerCreating"),
                        new ContainerStatusBuilder().withName("blank").build())
                .build();
        assertThat(KubeletStreaming.noLogYet("app", "p", status))
                .isEqualTo("container \"app\" in pod \"p\" is waiting to start: PodInitializing");
        assertThat(KubeletStreaming.noLogYet("pull", "p", status))
                .isEqualTo("container \"pull\" in pod \"p\" is waiting to start: image can't be pulled");
        assertThat(KubeletStreaming.noLogYet("backoff", "p", status))
                .isEqualTo("container \"backoff\" in pod \"p\" is waiting to start: trying and failing to pull image");
        assertThat(KubeletStreaming.noLogYet("new", "p", status))
                .isEqualTo("container \"new\" in pod \"p\" is waiting to start: ContainerCreating");
        assertThat(KubeletStreaming.noLogYet("blank", "p", status))
                .isEqualTo("container \"blank\" in pod \"p\" is waiting to start - no logs yet");
        // a running init container that the runtime has no instance of yet: no waiting state
        assertThat(KubeletStreaming.noLogYet("init", "p", status))
                .isEqualTo("container \"init\" in pod \"p\" is waiting to start - no logs yet");
    }

    @Test
    void containerWithoutAStatusIsNotAvailable() {
        assertThat(KubeletStreaming.noLogYet("app", "p", null))
                .isEqualTo("container \"app\" in pod \"p\" is not available");
        assertThat(KubeletStreaming.noLogYet("app", "p", new PodStatus()))
                .isEqualTo("container \"app\" in pod \"p\" is not available");
    }
}
