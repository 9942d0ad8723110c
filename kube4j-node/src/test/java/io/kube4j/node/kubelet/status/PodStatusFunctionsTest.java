package io.kube4j.node.kubelet.status;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.kube4j.node.kubelet.runtime.RuntimeContainer;
import io.kube4j.node.kubelet.runtime.RuntimePodStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PodStatusFunctionsTest {
    private static final PodStatusFunctions.Readiness NOT_READY = new PodStatusFunctions.Readiness() {
        @Override
        public boolean ready(Container container, RuntimeContainer instance) {
            return false;
        }

        @Override
        public boolean started(Container container, RuntimeContainer instance) {
            return false;
        }
    };

    private static PodStatus generate(Pod pod) {
        return PodStatusFunctions.generate(new PodStatusFunctions.Inputs(pod,
                RuntimePodStatus.empty("u1", "p", "ns"), "127.0.0.1", false, Map.of(), NOT_READY,
                Instant.parse("2025-01-01T00:00:00Z")));
    }

    private static String reason(ContainerStatus s) {
        return s.getState().getWaiting().getReason();
    }

    @Test
    void containersThatNeverRanWaitForTheirPodsInitContainers() {
        Pod withInit = new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").withUid("u1").endMetadata()
                .withNewSpec().addNewInitContainer().withName("init").withImage("i").endInitContainer()
                .addNewContainer().withName("app").withImage("i").endContainer().endSpec().build();
        PodStatus s = generate(withInit);
        assertThat(reason(s.getInitContainerStatuses().get(0))).isEqualTo("PodInitializing");
        assertThat(reason(s.getContainerStatuses().get(0))).isEqualTo("PodInitializing");
    }

    @Test
    void containersOfAPodWithoutInitContainersWaitOnTheirCreation() {
        Pod plain = new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").withUid("u1").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("i").endContainer().endSpec().build();
        assertThat(reason(generate(plain).getContainerStatuses().get(0))).isEqualTo("ContainerCreating");
    }
}
