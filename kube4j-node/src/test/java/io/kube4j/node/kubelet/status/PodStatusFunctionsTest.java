package io.kube4j.node.kubelet.status;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.kube4j.node.kubelet.pod.ContainerHash;
import io.kube4j.node.kubelet.runtime.ContainerState;
import io.kube4j.node.kubelet.runtime.RuntimeContainer;
import io.kube4j.node.kubelet.runtime.RuntimePodStatus;
import io.kube4j.node.kubelet.runtime.RuntimeSandbox;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PodStatusFunctionsTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final PodStatusFunctions.Readiness ALL_READY = new PodStatusFunctions.Readiness() {
        @Override
        public boolean ready(Container container, RuntimeContainer instance) {
            return true;
        }

        @Override
        public boolean started(Container container, RuntimeContainer instance) {
            return true;
        }
    };

    static Container c(String name) {
        return new ContainerBuilder().withName(name).withImage("img").build();
    }

    static Pod pod(List<Container> inits, Container... apps) {
        return new PodBuilder().withNewMetadata().withName("p").withNamespace("default").withUid("u1").endMetadata()
                .withNewSpec().withInitContainers(inits).withContainers(apps).endSpec().build();
    }

    static RuntimeContainer instance(Container spec, String id, ContainerState state, int exit, Instant created) {
        boolean exited = state == ContainerState.EXITED;
        return new RuntimeContainer(id, "sb1", spec.getName(), 0, ContainerHash.of(spec), state, created, created,
                exited ? created.plusSeconds(1) : null, exit, exited ? (exit == 0 ? "Completed" : "Error") : "", "",
                "img", "sha256:1", "");
    }

    static PodStatus generate(Pod pod, List<RuntimeContainer> containers) {
        RuntimePodStatus rs = new RuntimePodStatus("u1", "p", "default",
                List.of(new RuntimeSandbox("sb1", true, 0, T0, "10.42.0.2")), containers);
        return PodStatusFunctions.generate(new PodStatusFunctions.Inputs(pod, rs, "127.0.0.1", false, Map.of(),
                ALL_READY, T0.plusSeconds(5)));
    }

    @Test
    void containersOfAPodWithInitContainersWaitAsPodInitializing() {
        Container init1 = c("init1"), init2 = c("init2"), app = c("app");
        PodStatus s = generate(pod(List.of(init1, init2), app),
                List.of(instance(init1, "c1", ContainerState.RUNNING, 0, T0)));
        assertThat(s.getPhase()).isEqualTo("Pending");
        assertThat(s.getInitContainerStatuses().get(0).getState().getRunning()).isNotNull();
        assertThat(s.getInitContainerStatuses().get(1).getState().getWaiting().getReason()).isEqualTo("PodInitializing");
        assertThat(s.getContainerStatuses().get(0).getState().getWaiting().getReason()).isEqualTo("PodInitializing");

        // Once the init containers are done the app container still waits as PodInitializing until it exists.
        s = generate(pod(List.of(init1, init2), app), List.of(instance(init1, "c1", ContainerState.EXITED, 0, T0),
                instance(init2, "c2", ContainerState.EXITED, 0, T0.plusSeconds(1))));
        assertThat(s.getContainerStatuses().get(0).getState().getWaiting().getReason()).isEqualTo("PodInitializing");
    }

    @Test
    void containersOfAPodWithoutInitContainersWaitAsContainerCreating() {
        PodStatus s = generate(pod(List.of(), c("app")), List.of());
        assertThat(s.getContainerStatuses().get(0).getState().getWaiting().getReason()).isEqualTo("ContainerCreating");
        assertThat(s.getPhase()).isEqualTo("Pending");
    }
}
