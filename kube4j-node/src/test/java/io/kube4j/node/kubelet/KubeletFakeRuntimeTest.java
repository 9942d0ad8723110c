package io.kube4j.node.kubelet;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kube4j.apiserver.server.ApiServer;
import io.kube4j.cri.fake.FakeRuntime;
import io.kube4j.node.kubelet.runtime.CriPodRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The kubelet against an in-process API server and the fake CRI runtime: the pod lifecycle without containerd.
 * Proves the sync loop, the status it writes, restarts, deletion and adoption after a kubelet restart.
 */
class KubeletFakeRuntimeTest {
    static final String NODE = "fake-node";

    @TempDir
    Path dir;
    io.kube4j.node.InProcessApi api;
    ApiServer server;
    KubernetesClient client;
    FakeRuntime fake;
    Kubelet kubelet;

    @BeforeEach
    void start() throws Exception {
        api = io.kube4j.node.InProcessApi.start(dir);
        server = api.server();
        client = api.client();
        fake = new FakeRuntime();
        fake.addImage("kube4j.local/kubia:1");
        kubelet = newKubelet();
    }

    private Kubelet newKubelet() {
        CriPodRuntime runtime = new CriPodRuntime(fake, fake, dir.resolve("logs"), 1L << 30);
        return new Kubelet(new KubeletConfig(NODE, "127.0.0.1", 10250, dir, dir.resolve("logs"), "v1.32.0",
                Map.of()), client, runtime, Clock.systemUTC()).start();
    }

    @AfterEach
    void stop() {
        kubelet.close();
        client.close();
        server.close();
    }

    private Pod pod(String name, String restartPolicy, String pullPolicy) {
        return client.pods().resource(new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withNodeName(NODE).withRestartPolicy(restartPolicy).withTerminationGracePeriodSeconds(1L)
                .addNewContainer().withName("app").withImage("kube4j.local/kubia:1").withImagePullPolicy(pullPolicy)
                .endContainer().endSpec().build()).create();
    }

    private Pod get(String name) {
        return client.pods().withName(name).get();
    }

    private ContainerStatus app(String name) {
        Pod p = get(name);
        return p == null || p.getStatus().getContainerStatuses() == null || p.getStatus().getContainerStatuses().isEmpty()
                ? null : p.getStatus().getContainerStatuses().get(0);
    }

    @Test
    void registersTheNodeAndRunsAPodToReady() {
        await().atMost(Duration.ofSeconds(10)).until(() -> client.nodes().withName(NODE).get() != null);
        assertThat(client.nodes().withName(NODE).get().getStatus().getNodeInfo().getContainerRuntimeVersion())
                .isEqualTo("kube4j-fake://0.1.0");
        pod("web", "Always", "IfNotPresent");
        await().atMost(Duration.ofSeconds(10)).until(() -> "Running".equals(get("web").getStatus().getPhase())
                && Boolean.TRUE.equals(app("web").getReady()));
        Pod p = get("web");
        assertThat(p.getStatus().getPodIP()).startsWith("10.");
        assertThat(p.getStatus().getHostIP()).isEqualTo("127.0.0.1");
        assertThat(p.getStatus().getConditions()).extracting(c -> c.getType() + "=" + c.getStatus())
                .contains("Initialized=True", "Ready=True", "ContainersReady=True", "PodScheduled=True");
        assertThat(app("web").getContainerID()).startsWith("containerd://");
        assertThat(fake.calls()).containsSubsequence("RunPodSandbox", "CreateContainer", "StartContainer");
    }

    @Test
    void restartsAnExitedContainerAndShowsTheLastState() {
        pod("crash", "Always", "IfNotPresent");
        await().atMost(Duration.ofSeconds(10)).until(() -> app("crash") != null && app("crash").getState().getRunning() != null);
        String first = fake.findContainer("default", "crash", "app").orElseThrow();
        fake.exit(first, 1, "Error");
        await().atMost(Duration.ofSeconds(10)).until(() -> app("crash").getRestartCount() == 1
                && app("crash").getState().getRunning() != null);
        ContainerStatus cs = app("crash");
        assertThat(cs.getLastState().getTerminated().getExitCode()).isEqualTo(1);
        assertThat(cs.getLastState().getTerminated().getReason()).isEqualTo("Error");
    }

    @Test
    void podWhoseContainersExitZeroUnderNeverSucceeds() {
        pod("job", "Never", "IfNotPresent");
        await().atMost(Duration.ofSeconds(10)).until(() -> app("job") != null && app("job").getState().getRunning() != null);
        fake.exit(fake.findContainer("default", "job", "app").orElseThrow(), 0, "Completed");
        await().atMost(Duration.ofSeconds(10)).until(() -> "Succeeded".equals(get("job").getStatus().getPhase()));
        assertThat(app("job").getState().getTerminated().getReason()).isEqualTo("Completed");
        assertThat(app("job").getRestartCount()).isZero();
    }

    @Test
    void missingImageUnderNeverWaitsWithErrImageNeverPull() {
        client.pods().resource(new PodBuilder().withNewMetadata().withName("noimg").endMetadata().withNewSpec()
                .withNodeName(NODE).addNewContainer().withName("app").withImage("kube4j.local/absent:1")
                .withImagePullPolicy("Never").endContainer().endSpec().build()).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> app("noimg") != null && app("noimg").getState().getWaiting() != null
                && "ErrImageNeverPull".equals(app("noimg").getState().getWaiting().getReason()));
        assertThat(app("noimg").getState().getWaiting().getMessage())
                .isEqualTo("Container image \"kube4j.local/absent:1\" is not present with pull policy of Never");
    }

    @Test
    void deletedPodIsStoppedThenRemoved() {
        pod("gone", "Always", "IfNotPresent");
        await().atMost(Duration.ofSeconds(10)).until(() -> app("gone") != null && app("gone").getState().getRunning() != null);
        client.pods().withName("gone").delete();
        await().atMost(Duration.ofSeconds(15)).until(() -> get("gone") == null);
        assertThat(fake.calls()).contains("StopContainer", "StopPodSandbox");
        assertThat(fake.findContainer("default", "gone", "app")).isEmpty();
    }

    @Test
    void aRestartedKubeletAdoptsRunningContainers() {
        pod("keep", "Always", "IfNotPresent");
        await().atMost(Duration.ofSeconds(10)).until(() -> app("keep") != null && app("keep").getState().getRunning() != null);
        String id = app("keep").getContainerID();
        kubelet.close();
        fake.clearCalls();
        kubelet = newKubelet();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> id.equals(app("keep").getContainerID()));
        assertThat(fake.calls()).doesNotContain("CreateContainer", "RunPodSandbox", "StopContainer");
    }

    @Test
    void aPodWhoseEmptyDirOutgrowsItsSizeLimitIsEvictedAndNotRestarted() throws Exception {
        Pod created = client.pods().resource(new PodBuilder().withNewMetadata().withName("hog").endMetadata()
                .withNewSpec().withNodeName(NODE).withTerminationGracePeriodSeconds(30L)
                .addNewContainer().withName("app").withImage("kube4j.local/kubia:1")
                .addNewVolumeMount().withName("scratch").withMountPath("/scratch").endVolumeMount().endContainer()
                .addNewVolume().withName("scratch").withNewEmptyDir()
                .withSizeLimit(new io.fabric8.kubernetes.api.model.Quantity("1Mi")).endEmptyDir().endVolume()
                .endSpec().build()).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> app("hog") != null && app("hog").getState().getRunning() != null);
        assertThat(kubelet.evictionManager().synchronize()).as("under its limit").isEmpty();
        Path volume = dir.resolve("pods").resolve(created.getMetadata().getUid()).resolve("volumes")
                .resolve("kubernetes.io~empty-dir").resolve("scratch");
        java.nio.file.Files.write(volume.resolve("big"), new byte[2 * 1024 * 1024]);

        assertThat(kubelet.evictionManager().synchronize()).extracting(p -> p.getMetadata().getName())
                .containsExactly("hog");
        String message = "Usage of EmptyDir volume \"scratch\" exceeds the limit \"1Mi\". ";
        await().atMost(Duration.ofSeconds(10)).until(() -> "Failed".equals(get("hog").getStatus().getPhase()));
        Pod evicted = get("hog");
        assertThat(evicted.getStatus().getReason()).isEqualTo("Evicted");
        assertThat(evicted.getStatus().getMessage()).isEqualTo(message);
        assertThat(app("hog").getState().getTerminated()).isNotNull();
        assertThat(fake.calls()).contains("StopContainer", "StopPodSandbox");
        await().atMost(Duration.ofSeconds(10)).until(() -> client.v1().events().list().getItems().stream()
                .anyMatch(e -> "Evicted".equals(e.getReason()) && "Warning".equals(e.getType())
                        && message.equals(e.getMessage()) && "hog".equals(e.getInvolvedObject().getName())));
        // evicted for good: neither restarted (restartPolicy Always) nor evicted twice
        assertThat(kubelet.evictionManager().synchronize()).isEmpty();
        fake.clearCalls();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                .until(() -> "Failed".equals(get("hog").getStatus().getPhase()));
        assertThat(fake.calls()).doesNotContain("CreateContainer", "RunPodSandbox");
    }
}
