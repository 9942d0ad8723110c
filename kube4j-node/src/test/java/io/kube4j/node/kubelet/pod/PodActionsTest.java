package io.kube4j.node.kubelet.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kube4j.node.kubelet.runtime.ContainerState;
import io.kube4j.node.kubelet.runtime.RuntimeContainer;
import io.kube4j.node.kubelet.runtime.RuntimePodStatus;
import io.kube4j.node.kubelet.runtime.RuntimeSandbox;
import io.kube4j.client.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PodActionsTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    final FakeClock clock = new FakeClock(T0);
    final BackOff backOff = new BackOff(clock);
    final PodActions.ProbeVerdicts healthy = (p, c, i) -> Optional.empty();

    static Pod pod(String policy, List<Container> inits, Container... apps) {
        return new PodBuilder().withNewMetadata().withName("p").withNamespace("default").withUid("u1").endMetadata()
                .withNewSpec().withRestartPolicy(policy).withInitContainers(inits).withContainers(apps).endSpec().build();
    }

    static Container c(String name) {
        return new ContainerBuilder().withName(name).withImage("img").build();
    }

    static RuntimeContainer instance(Container spec, String id, int restarts, ContainerState state, int exit,
                                     Instant created) {
        return new RuntimeContainer(id, "sb1", spec.getName(), restarts, ContainerHash.of(spec), state, created,
                created, state == ContainerState.EXITED ? created.plusSeconds(1) : null, exit,
                state == ContainerState.EXITED ? (exit == 0 ? "Completed" : "Error") : "", "", "img", "sha256:1", "");
    }

    static RuntimePodStatus status(List<RuntimeContainer> containers) {
        return new RuntimePodStatus("u1", "p", "default", List.of(new RuntimeSandbox("sb1", true, 0, T0, "10.42.0.2")),
                containers);
    }

    @Test
    void newPodCreatesSandboxAndStartsFirstInitOnly() {
        Pod pod = pod("Always", List.of(c("init1"), c("init2")), c("app"));
        PodActions a = PodActions.compute(pod, RuntimePodStatus.empty("u1", "p", "default"), healthy, backOff);
        assertThat(a.createSandbox()).isTrue();
        assertThat(a.killPod()).isFalse();
        assertThat(a.nextInit().getName()).isEqualTo("init1");
        assertThat(a.toStart()).isEmpty();
    }

    @Test
    void initContainersRunInOrderThenApps() {
        Container i1 = c("init1"), i2 = c("init2"), app = c("app");
        Pod pod = pod("Always", List.of(i1, i2), app);
        PodActions a = PodActions.compute(pod, status(List.of(instance(i1, "c1", 0, ContainerState.EXITED, 0, T0))),
                healthy, backOff);
        assertThat(a.nextInit().getName()).isEqualTo("init2");
        a = PodActions.compute(pod, status(List.of(instance(i1, "c1", 0, ContainerState.EXITED, 0, T0),
                instance(i2, "c2", 0, ContainerState.RUNNING, 0, T0.plusSeconds(1)))), healthy, backOff);
        assertThat(a.nothingToDo()).isTrue();
        a = PodActions.compute(pod, status(List.of(instance(i1, "c1", 0, ContainerState.EXITED, 0, T0),
                instance(i2, "c2", 0, ContainerState.EXITED, 0, T0.plusSeconds(1)))), healthy, backOff);
        assertThat(a.nextInit()).isNull();
        assertThat(a.toStart()).extracting(Container::getName).containsExactly("app");
    }

    @Test
    void failedInitUnderNeverFailsThePod() {
        Container i1 = c("init1");
        Pod pod = pod("Never", List.of(i1), c("app"));
        PodActions a = PodActions.compute(pod, status(List.of(instance(i1, "c1", 0, ContainerState.EXITED, 1, T0))),
                healthy, backOff);
        assertThat(a.podFailed()).isTrue();
    }

    @Test
    void restartPolicies() {
        Container app = c("app");
        RuntimePodStatus failed = status(List.of(instance(app, "c1", 0, ContainerState.EXITED, 1, T0)));
        RuntimePodStatus ok = status(List.of(instance(app, "c1", 0, ContainerState.EXITED, 0, T0)));
        assertThat(PodActions.compute(pod("Never", List.of(), app), failed, healthy, new BackOff(clock)).toStart())
                .isEmpty();
        assertThat(PodActions.compute(pod("OnFailure", List.of(), app), ok, healthy, new BackOff(clock)).toStart())
                .isEmpty();
        assertThat(PodActions.compute(pod("OnFailure", List.of(), app), failed, healthy, new BackOff(clock)).toStart())
                .hasSize(1);
        assertThat(PodActions.compute(pod("Always", List.of(), app), ok, healthy, new BackOff(clock)).toStart())
                .hasSize(1);
    }

    @Test
    void crashLoopBackOffDoublesFromTenSeconds() {
        Container app = c("app");
        Pod pod = pod("Always", List.of(), app);
        // First crash: restarted at once.
        clock.set(T0.plusSeconds(2));
        PodActions a = PodActions.compute(pod, status(List.of(instance(app, "c1", 0, ContainerState.EXITED, 1, T0))),
                healthy, backOff);
        assertThat(a.toStart()).hasSize(1);
        // Second crash, finished at T0+11: must wait 10 s from then.
        RuntimePodStatus second = status(List.of(instance(app, "c2", 1, ContainerState.EXITED, 1, T0.plusSeconds(10))));
        clock.set(T0.plusSeconds(15));
        a = PodActions.compute(pod, second, healthy, backOff);
        assertThat(a.toStart()).isEmpty();
        assertThat(a.waiting().get("app").reason()).isEqualTo("CrashLoopBackOff");
        assertThat(a.waiting().get("app").message())
                .isEqualTo("back-off 10s restarting failed container=app pod=p_default(u1)");
        clock.set(T0.plusSeconds(22));
        assertThat(PodActions.compute(pod, second, healthy, backOff).toStart()).hasSize(1);
        assertThat(backOff.current("p_default_u1_app_" + ContainerHash.of(app))).isEqualTo(Duration.ofSeconds(20));
        assertThat(PodActions.formatDuration(300)).isEqualTo("5m0s");
    }

    @Test
    void failedLivenessKillsAndRestartsUnlessNever() {
        Container app = c("app");
        RuntimePodStatus running = status(List.of(instance(app, "c1", 0, ContainerState.RUNNING, 0, T0)));
        PodActions.ProbeVerdicts sick = (p, c, i) -> Optional.of("Container app failed liveness probe, will be restarted");
        PodActions a = PodActions.compute(pod("Always", List.of(), app), running, sick, backOff);
        assertThat(a.toKill()).extracting(PodActions.Kill::message)
                .containsExactly("Container app failed liveness probe, will be restarted");
        assertThat(a.toStart()).hasSize(1);
        a = PodActions.compute(pod("Never", List.of(), app), running, sick, backOff);
        assertThat(a.toKill()).hasSize(1);
        assertThat(a.toStart()).isEmpty();
    }

    @Test
    void changedSpecRestartsTheContainer() {
        Container app = c("app");
        RuntimePodStatus running = status(List.of(instance(app, "c1", 0, ContainerState.RUNNING, 0, T0)));
        Container changed = new ContainerBuilder(app).withImage("img:2").build();
        PodActions a = PodActions.compute(pod("Always", List.of(), changed), running, healthy, backOff);
        assertThat(a.toKill()).hasSize(1);
        assertThat(a.toKill().get(0).message()).contains("definition changed");
    }

    @Test
    void deadSandboxUnderNeverWithFinishedContainersIsNotRecreated() {
        Container app = c("app");
        RuntimePodStatus rs = new RuntimePodStatus("u1", "p", "default",
                List.of(new RuntimeSandbox("sb1", false, 0, T0, "10.42.0.2")),
                new ArrayList<>(List.of(instance(app, "c1", 0, ContainerState.EXITED, 0, T0))));
        PodActions a = PodActions.compute(pod("Never", List.of(), app), rs, healthy, backOff);
        assertThat(a.createSandbox()).isFalse();
        a = PodActions.compute(pod("Always", List.of(), app), rs, healthy, backOff);
        assertThat(a.createSandbox()).isTrue();
        assertThat(a.sandboxAttempt()).isEqualTo(1);
        assertThat(a.killPod()).isTrue();
    }
}
