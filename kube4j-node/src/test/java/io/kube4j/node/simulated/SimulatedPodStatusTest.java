package io.kube4j.node.simulated;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SimulatedPodStatusTest {
    static final Instant T = Instant.parse("2025-01-01T00:00:00Z");

    static Pod pod(String restartPolicy, Map<String, String> annotations) {
        return new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").withUid("u1")
                .withAnnotations(annotations).endMetadata()
                .withNewSpec().withNodeName("sim-0").withRestartPolicy(restartPolicy)
                .addNewContainer().withName("app").withImage("busybox").endContainer()
                .addNewContainer().withName("side").withImage("busybox").endContainer().endSpec()
                .withNewStatus().withPhase("Pending").withQosClass("BestEffort").endStatus().build();
    }

    static String cond(SimulatedPodStatus.Result r, String type) {
        return r.status().getConditions().stream().filter(c -> c.getType().equals(type)).map(PodCondition::getStatus)
                .findFirst().orElse(null);
    }

    @Test
    void runningAndReadyAtOnceByDefault() {
        var r = SimulatedPodStatus.compute(pod("Always", Map.of()), PodScript.DEFAULT, T, T.plusSeconds(1),
                "10.42.0.2", "198.18.0.1");
        assertThat(r.status().getPhase()).isEqualTo("Running");
        assertThat(r.status().getPodIP()).isEqualTo("10.42.0.2");
        assertThat(r.status().getHostIP()).isEqualTo("198.18.0.1");
        assertThat(r.status().getStartTime()).isEqualTo("2025-01-01T00:00:00Z");
        assertThat(r.status().getQosClass()).isEqualTo("BestEffort");
        assertThat(r.status().getConditions()).extracting(PodCondition::getType).containsExactly(
                "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled");
        assertThat(cond(r, "Ready")).isEqualTo("True");
        ContainerStatus app = r.status().getContainerStatuses().get(0);
        assertThat(app.getReady()).isTrue();
        assertThat(app.getStarted()).isTrue();
        assertThat(app.getState().getRunning().getStartedAt()).isEqualTo("2025-01-01T00:00:00Z");
        assertThat(r.nextChange()).isNull();
    }

    @Test
    void pendingWithContainerCreatingUntilTheStartDelay() {
        PodScript script = PodScript.DEFAULT.withStartDelay(Duration.ofSeconds(5));
        var r = SimulatedPodStatus.compute(pod("Always", Map.of()), script, T, T.plusSeconds(2), "10.0.0.2", "h");
        assertThat(r.status().getPhase()).isEqualTo("Pending");
        assertThat(r.status().getContainerStatuses().get(0).getState().getWaiting().getReason())
                .isEqualTo("ContainerCreating");
        PodCondition ready = r.status().getConditions().get(2);
        assertThat(ready.getReason()).isEqualTo("ContainersNotReady");
        assertThat(ready.getMessage()).isEqualTo("containers with unready status: [app side]");
        assertThat(r.nextChange()).isEqualTo(T.plusSeconds(5));
    }

    @Test
    void computingTwiceGivesTheSameStatus() {
        Pod p = pod("Always", Map.of());
        var a = SimulatedPodStatus.compute(p, PodScript.DEFAULT, T, T.plusSeconds(3), "10.0.0.2", "h");
        var b = SimulatedPodStatus.compute(p, PodScript.DEFAULT, T, T.plusSeconds(30), "10.0.0.2", "h");
        assertThat(a.status()).isEqualTo(b.status());
    }

    @Test
    void exitsWithTheAnnotatedCodeUnderNever() {
        Pod p = pod("Never", Map.of(PodScript.EXIT_AFTER, "10s", PodScript.EXIT_CODE, "3"));
        PodScript script = PodScript.DEFAULT.forPod(p);
        var running = SimulatedPodStatus.compute(p, script, T, T.plusSeconds(5), "10.0.0.2", "h");
        assertThat(running.status().getPhase()).isEqualTo("Running");
        assertThat(running.nextChange()).isEqualTo(T.plusSeconds(10));
        var done = SimulatedPodStatus.compute(p, script, T, T.plusSeconds(11), "10.0.0.2", "h");
        assertThat(done.status().getPhase()).isEqualTo("Failed");
        var term = done.status().getContainerStatuses().get(0).getState().getTerminated();
        assertThat(term.getExitCode()).isEqualTo(3);
        assertThat(term.getReason()).isEqualTo("Error");
        assertThat(term.getFinishedAt()).isEqualTo("2025-01-01T00:00:10Z");
        assertThat(done.status().getConditions().get(2).getReason()).isEqualTo("PodCompleted");
        assertThat(done.nextChange()).isNull();
    }

    @Test
    void succeedsWithCodeZeroUnderOnFailure() {
        Pod p = pod("OnFailure", Map.of(PodScript.EXIT_AFTER, "1s"));
        var r = SimulatedPodStatus.compute(p, PodScript.DEFAULT.forPod(p), T, T.plusSeconds(2), "10.0.0.2", "h");
        assertThat(r.status().getPhase()).isEqualTo("Succeeded");
        assertThat(r.status().getContainerStatuses().get(0).getState().getTerminated().getReason())
                .isEqualTo("Completed");
    }

    @Test
    void restartsUnderAlwaysAndCountsRestarts() {
        Pod p = pod("Always", Map.of(PodScript.EXIT_AFTER, "10s", PodScript.EXIT_CODE, "1"));
        var r = SimulatedPodStatus.compute(p, PodScript.DEFAULT.forPod(p), T, T.plusSeconds(25), "10.0.0.2", "h");
        ContainerStatus cs = r.status().getContainerStatuses().get(0);
        assertThat(r.status().getPhase()).isEqualTo("Running");
        assertThat(cs.getRestartCount()).isEqualTo(2);
        assertThat(cs.getState().getRunning().getStartedAt()).isEqualTo("2025-01-01T00:00:20Z");
        assertThat(cs.getLastState().getTerminated().getExitCode()).isEqualTo(1);
        assertThat(cs.getLastState().getTerminated().getFinishedAt()).isEqualTo("2025-01-01T00:00:20Z");
        assertThat(r.nextChange()).isEqualTo(T.plusSeconds(30));
    }

    @Test
    void neverReadyWhenAnnotatedSo() {
        Pod p = pod("Always", Map.of(PodScript.READY_AFTER, "never"));
        var r = SimulatedPodStatus.compute(p, PodScript.DEFAULT.forPod(p), T, T.plusSeconds(60), "10.0.0.2", "h");
        assertThat(r.status().getPhase()).isEqualTo("Running");
        assertThat(cond(r, "Ready")).isEqualTo("False");
        assertThat(r.status().getContainerStatuses().get(0).getStarted()).isTrue();
        assertThat(r.status().getContainerStatuses().get(0).getReady()).isFalse();
    }

    @Test
    void podIpRangeHandsOutFromDotTwoAndReuses() {
        PodIpRange r = new PodIpRange("10.42.3.0/24");
        assertThat(r.allocate()).isEqualTo("10.42.3.2");
        assertThat(r.allocate()).isEqualTo("10.42.3.3");
        r.release("10.42.3.2");
        assertThat(r.allocate()).isEqualTo("10.42.3.2");
        assertThat(r.occupy("10.42.4.9")).isFalse();
        assertThat(PodIpRange.synthetic(0)).isEqualTo("100.64.0.0/24");
        assertThat(PodIpRange.synthetic(300)).isEqualTo("100.65.44.0/24");
    }
}
