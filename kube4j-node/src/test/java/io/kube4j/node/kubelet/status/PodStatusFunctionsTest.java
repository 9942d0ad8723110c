package io.kube4j.node.kubelet.status;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.kube4j.node.kubelet.pod.ContainerHash;
import io.kube4j.node.kubelet.pod.PodActions;
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

    final PodStatusFunctions.Readiness allReady = new PodStatusFunctions.Readiness() {
        @Override
        public boolean ready(Container c, RuntimeContainer i) {
            return true;
        }

        @Override
        public boolean started(Container c, RuntimeContainer i) {
            return true;
        }
    };

    static Pod pod(String policy, List<Container> inits, Container... apps) {
        return new PodBuilder().withNewMetadata().withName("p").withNamespace("default").withUid("u1").endMetadata()
                .withNewSpec().withRestartPolicy(policy).withInitContainers(inits).withContainers(apps).endSpec()
                .withNewStatus().withQosClass("BestEffort").endStatus().build();
    }

    static Container c(String name) {
        return new ContainerBuilder().withName(name).withImage("img:1").build();
    }

    static RuntimeContainer rc(String name, String id, int restarts, ContainerState state, int exit, Instant at) {
        return new RuntimeContainer(id, "sb", name, restarts, ContainerHash.of(c(name)), state, at, at,
                state == ContainerState.EXITED ? at.plusSeconds(5) : null, exit,
                state == ContainerState.EXITED ? (exit == 0 ? "Completed" : "Error") : "", "", "img:1",
                "sha256:abc", "/logs/" + name);
    }

    PodStatus generate(Pod pod, List<RuntimeContainer> containers, Map<String, PodActions.Waiting> waiting) {
        RuntimePodStatus rs = new RuntimePodStatus("u1", "p", "default",
                List.of(new RuntimeSandbox("sb", true, 0, T0, "10.42.0.9")), containers);
        return PodStatusFunctions.generate(new PodStatusFunctions.Inputs(pod, rs, "127.0.0.1", false, waiting,
                allReady, T0.plusSeconds(30)));
    }

    static String condition(PodStatus s, String type) {
        return s.getConditions().stream().filter(c -> c.getType().equals(type)).map(PodCondition::getStatus)
                .findFirst().orElse("-");
    }

    @Test
    void runningPodIsReadyWithIpsAndContainerState() {
        PodStatus s = generate(pod("Always", List.of(), c("app")),
                List.of(rc("app", "c1", 0, ContainerState.RUNNING, 0, T0)), Map.of());
        assertThat(s.getPhase()).isEqualTo("Running");
        assertThat(s.getPodIP()).isEqualTo("10.42.0.9");
        assertThat(s.getHostIP()).isEqualTo("127.0.0.1");
        assertThat(s.getQosClass()).isEqualTo("BestEffort");
        ContainerStatus cs = s.getContainerStatuses().get(0);
        assertThat(cs.getContainerID()).isEqualTo("containerd://c1");
        assertThat(cs.getImageID()).isEqualTo("sha256:abc");
        assertThat(cs.getReady()).isTrue();
        assertThat(cs.getStarted()).isTrue();
        assertThat(cs.getState().getRunning().getStartedAt()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(condition(s, "Ready")).isEqualTo("True");
        assertThat(condition(s, "PodReadyToStartContainers")).isEqualTo("True");
        assertThat(s.getStartTime()).isEqualTo("2026-01-01T00:00:30Z");
    }

    @Test
    void crashLoopShowsWaitingAndTheLastTermination() {
        PodStatus s = generate(pod("Always", List.of(), c("app")),
                List.of(rc("app", "c2", 1, ContainerState.EXITED, 2, T0.plusSeconds(10)),
                        rc("app", "c1", 0, ContainerState.EXITED, 2, T0)),
                Map.of("app", new PodActions.Waiting("CrashLoopBackOff", "back-off 10s restarting failed container")));
        ContainerStatus cs = s.getContainerStatuses().get(0);
        assertThat(cs.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
        assertThat(cs.getLastState().getTerminated().getExitCode()).isEqualTo(2);
        assertThat(cs.getLastState().getTerminated().getReason()).isEqualTo("Error");
        assertThat(cs.getLastState().getTerminated().getContainerID()).isEqualTo("containerd://c2");
        assertThat(cs.getRestartCount()).isEqualTo(1);
        assertThat(s.getPhase()).isEqualTo("Running");
        assertThat(condition(s, "Ready")).isEqualTo("False");
        assertThat(s.getConditions()).filteredOn(c -> c.getType().equals("ContainersReady"))
                .extracting(PodCondition::getReason, PodCondition::getMessage)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ContainersNotReady",
                        "containers with unready status: [app]"));
    }

    @Test
    void phasesUnderNeverAndOnFailure() {
        List<RuntimeContainer> ok = List.of(rc("app", "c1", 0, ContainerState.EXITED, 0, T0));
        List<RuntimeContainer> bad = List.of(rc("app", "c1", 0, ContainerState.EXITED, 1, T0));
        assertThat(generate(pod("Never", List.of(), c("app")), ok, Map.of()).getPhase()).isEqualTo("Succeeded");
        assertThat(generate(pod("Never", List.of(), c("app")), bad, Map.of()).getPhase()).isEqualTo("Failed");
        assertThat(generate(pod("OnFailure", List.of(), c("app")), ok, Map.of()).getPhase()).isEqualTo("Succeeded");
        PodStatus done = generate(pod("Never", List.of(), c("app")), ok, Map.of());
        assertThat(condition(done, "Ready")).isEqualTo("False");
        assertThat(done.getConditions()).filteredOn(c -> c.getType().equals("Ready"))
                .extracting(PodCondition::getReason).containsExactly("PodCompleted");
    }

    @Test
    void initContainersKeepThePodPendingAndNotInitialized() {
        PodStatus s = generate(pod("Always", List.of(c("init1"), c("init2")), c("app")),
                List.of(rc("init1", "i1", 0, ContainerState.EXITED, 0, T0),
                        rc("init2", "i2", 0, ContainerState.RUNNING, 0, T0.plusSeconds(1))), Map.of());
        assertThat(s.getPhase()).isEqualTo("Pending");
        assertThat(condition(s, "Initialized")).isEqualTo("False");
        assertThat(s.getConditions()).filteredOn(c -> c.getType().equals("Initialized"))
                .extracting(PodCondition::getMessage).containsExactly("containers with incomplete status: [init2]");
        assertThat(s.getContainerStatuses().get(0).getState().getWaiting().getReason()).isEqualTo("PodInitializing");
        assertThat(s.getInitContainerStatuses().get(0).getState().getTerminated().getReason()).isEqualTo("Completed");
    }

    @Test
    void conditionTransitionTimesStayWhileTheStatusHolds() {
        Pod pod = pod("Always", List.of(), c("app"));
        PodStatus first = generate(pod, List.of(rc("app", "c1", 0, ContainerState.RUNNING, 0, T0)), Map.of());
        pod.setStatus(first);
        RuntimePodStatus rs = new RuntimePodStatus("u1", "p", "default",
                List.of(new RuntimeSandbox("sb", true, 0, T0, "10.42.0.9")),
                List.of(rc("app", "c1", 0, ContainerState.RUNNING, 0, T0)));
        PodStatus later = PodStatusFunctions.generate(new PodStatusFunctions.Inputs(pod, rs, "127.0.0.1", false,
                Map.of(), allReady, T0.plusSeconds(300)));
        assertThat(later).isEqualTo(first);
    }

    @Test
    void containersOfAPodWithoutInitContainersWaitAsContainerCreating() {
        PodStatus s = generate(pod("Always", List.of(), c("app")), List.of(), Map.of());
        assertThat(s.getContainerStatuses().get(0).getState().getWaiting().getReason()).isEqualTo("ContainerCreating");
        assertThat(s.getPhase()).isEqualTo("Pending");
    }
}
