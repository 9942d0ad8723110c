package io.kube4j.cri.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kube4j.cri.CriException;
import io.kube4j.cri.api.*;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FakeRuntimeTest {

    private static final Instant T0 = Instant.parse("2016-10-06T00:17:09.669794202Z");
    private static final long T0_NANOS = T0.getEpochSecond() * 1_000_000_000L + T0.getNano();

    @TempDir
    Path logs;

    private final FakeRuntime fake = new FakeRuntime(Clock.fixed(T0, ZoneOffset.UTC));

    private PodSandboxConfig pod(String name) {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("default").setUid("uid-" + name))
                .setHostname(name)
                .setLogDirectory(logs.resolve("default_" + name).toString())
                .putLabels("io.kubernetes.pod.name", name)
                .putAnnotations("note", "kept")
                .build();
    }

    private String run(PodSandboxConfig config) {
        return fake.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    }

    private String create(String sandboxId, PodSandboxConfig pod, String name, String image) {
        return fake.createContainer(CreateContainerRequest.newBuilder()
                .setPodSandboxId(sandboxId)
                .setSandboxConfig(pod)
                .setConfig(ContainerConfig.newBuilder()
                        .setMetadata(ContainerMetadata.newBuilder().setName(name))
                        .setImage(ImageSpec.newBuilder().setImage(image))
                        .setLogPath(name + "/0.log")
                        .putLabels("io.kubernetes.container.name", name))
                .build()).getContainerId();
    }

    private ContainerStatus status(String id) {
        return fake.containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
    }

    private void start(String id) {
        fake.startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
    }

    private void stop(String id, long grace) {
        fake.stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(grace).build());
    }

    @Test
    void sandboxIsReadyWithAnIpFromTheCounterAndKeepsLabelsAndAnnotations() {
        String a = run(pod("a"));
        String b = run(pod("b"));
        PodSandboxStatus status = fake.podSandboxStatus(
                PodSandboxStatusRequest.newBuilder().setPodSandboxId(a).build()).getStatus();
        assertThat(a).hasSize(64).isNotEqualTo(b);
        assertThat(status.getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
        assertThat(status.getNetwork().getIp()).isEqualTo("10.42.0.2");
        assertThat(status.getCreatedAt()).isEqualTo(T0_NANOS);
        assertThat(status.getLabelsMap()).containsEntry("io.kubernetes.pod.name", "a");
        assertThat(status.getAnnotationsMap()).containsEntry("note", "kept");
        assertThat(fake.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(b).build())
                .getStatus().getNetwork().getIp()).isEqualTo("10.42.0.3");
    }

    @Test
    void hostNetworkSandboxHasNoPodIp() {
        PodSandboxConfig config = pod("h").toBuilder()
                .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                        .setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE))))
                .build();
        String id = run(config);
        PodSandboxStatus status = fake.podSandboxStatus(
                PodSandboxStatusRequest.newBuilder().setPodSandboxId(id).build()).getStatus();
        assertThat(status.getNetwork().getIp()).isEmpty();
        assertThat(status.getLinux().getNamespaces().getOptions().getNetwork()).isEqualTo(NamespaceMode.NODE);
    }

    @Test
    void sameSandboxNameAndAttemptIsRefusedUntilRemoved() {
        String first = run(pod("a"));
        assertThatThrownBy(() -> run(pod("a")))
                .isInstanceOfSatisfying(CriException.class, e -> {
                    assertThat(e.code()).isEqualTo(CriException.Code.UNKNOWN);
                    assertThat(e.description()).contains("failed to reserve sandbox name \"a_default_uid-a_0\"")
                            .contains(first);
                });
        fake.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(first).build());
        fake.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(first).build());
        assertThat(run(pod("a"))).isNotEqualTo(first);
    }

    @Test
    void containerGoesCreatedRunningExitedWithNanosecondTimestamps() {
        fake.addImage("busybox:1.36");
        PodSandboxConfig pod = pod("web");
        String sandbox = run(pod);
        String id = create(sandbox, pod, "app", "busybox:1.36");

        ContainerStatus created = status(id);
        assertThat(created.getState()).isEqualTo(ContainerState.CONTAINER_CREATED);
        assertThat(created.getCreatedAt()).isEqualTo(T0_NANOS);
        assertThat(created.getStartedAt()).isZero();
        assertThat(created.getImage().getImage()).isEqualTo("docker.io/library/busybox:1.36");
        assertThat(created.getImageRef()).startsWith("docker.io/library/busybox@sha256:");
        assertThat(created.getImageId()).startsWith("sha256:");
        assertThat(created.getLogPath()).isEqualTo(logs.resolve("default_web/app/0.log").toString());

        start(id);
        assertThat(status(id).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
        assertThat(status(id).getStartedAt()).isEqualTo(T0_NANOS);

        fake.exit(id, 1, null);
        ContainerStatus exited = status(id);
        assertThat(exited.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
        assertThat(exited.getExitCode()).isEqualTo(1);
        assertThat(exited.getReason()).isEqualTo("Error");
        assertThat(exited.getFinishedAt()).isEqualTo(T0_NANOS);

        assertThatThrownBy(() -> start(id)).isInstanceOfSatisfying(CriException.class,
                e -> assertThat(e.description()).isEqualTo("container is in CONTAINER_EXITED state"));
    }

    @Test
    void exitReasonsFollowContainerd() {
        fake.addImage("busybox");
        PodSandboxConfig pod = pod("p");
        String sandbox = run(pod);
        String ok = create(sandbox, pod, "ok", "busybox");
        String oom = create(sandbox, pod, "oom", "busybox");
        start(ok);
        start(oom);
        fake.exit(ok, 0, null);
        fake.exit(oom, 137, "OOMKilled");
        assertThat(status(ok).getReason()).isEqualTo("Completed");
        assertThat(status(oom).getReason()).isEqualTo("OOMKilled");
        assertThat(status(oom).getExitCode()).isEqualTo(137);
    }

    @Test
    void stopKillsWith137UnlessTheTestSaysTheProcessHandlesSigterm() {
        fake.addImage("busybox");
        PodSandboxConfig pod = pod("p");
        String sandbox = run(pod);
        String killed = create(sandbox, pod, "sleeper", "busybox");
        String graceful = create(sandbox, pod, "trapper", "busybox");
        fake.setStopExitCode("trapper", 143);
        start(killed);
        start(graceful);

        stop(killed, 30);
        stop(graceful, 30);
        stop(graceful, 30); // idempotent

        assertThat(status(killed).getExitCode()).isEqualTo(137);
        assertThat(status(killed).getReason()).isEqualTo("Error");
        assertThat(status(graceful).getExitCode()).isEqualTo(143);
        assertThat(fake.requests("StopContainer", StopContainerRequest.class))
                .extracting(StopContainerRequest::getTimeout).containsExactly(30L, 30L, 30L);
    }

    @Test
    void stoppingTheSandboxStopsItsContainersAndRemovingItRemovesThem() {
        fake.addImage("busybox");
        PodSandboxConfig pod = pod("p");
        String sandbox = run(pod);
        String id = create(sandbox, pod, "app", "busybox");
        start(id);

        fake.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(sandbox).build());
        assertThat(status(id).getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
        assertThat(fake.listPodSandbox(ListPodSandboxRequest.newBuilder()
                .setFilter(PodSandboxFilter.newBuilder()
                        .setState(PodSandboxStateValue.newBuilder().setState(PodSandboxState.SANDBOX_NOTREADY)))
                .build()).getItemsList()).extracting(PodSandbox::getId).containsExactly(sandbox);

        fake.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandbox).build());
        fake.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandbox).build());
        assertThat(fake.listContainers(ListContainersRequest.getDefaultInstance()).getContainersList()).isEmpty();
        assertThatThrownBy(() -> status(id)).isInstanceOfSatisfying(CriException.class, e -> {
            assertThat(e.isNotFound()).isTrue();
            assertThat(e.getMessage()).isEqualTo("rpc error: code = NotFound desc = an error occurred when try to find container \""
                    + id + "\": not found");
        });
        assertThatThrownBy(() -> fake.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(sandbox).build()))
                .isInstanceOfSatisfying(CriException.class, e -> assertThat(e.isNotFound()).isTrue());
    }

    @Test
    void listContainersFiltersBySandboxStateAndLabels() {
        fake.addImage("busybox");
        PodSandboxConfig a = pod("a");
        PodSandboxConfig b = pod("b");
        String sa = run(a);
        String sb = run(b);
        String a1 = create(sa, a, "one", "busybox");
        String a2 = create(sa, a, "two", "busybox");
        String b1 = create(sb, b, "one", "busybox");
        start(a2);

        assertThat(ids(ContainerFilter.newBuilder().setPodSandboxId(sa))).containsExactly(a1, a2);
        assertThat(ids(ContainerFilter.newBuilder()
                .setState(ContainerStateValue.newBuilder().setState(ContainerState.CONTAINER_RUNNING))))
                .containsExactly(a2);
        assertThat(ids(ContainerFilter.newBuilder().putLabelSelector("io.kubernetes.container.name", "one")))
                .containsExactly(a1, b1);
        assertThat(ids(ContainerFilter.newBuilder().setId(b1.substring(0, 12)))).containsExactly(b1);
        assertThat(fake.findContainer("default", "a", "two")).contains(a2);
    }

    private List<String> ids(ContainerFilter.Builder filter) {
        return fake.listContainers(ListContainersRequest.newBuilder().setFilter(filter).build())
                .getContainersList().stream().map(io.kube4j.cri.api.Container::getId).toList();
    }

    @Test
    void writeLogAppendsCriFormatLinesUnderTheSandboxLogDirectory() throws Exception {
        fake.addImage("busybox");
        PodSandboxConfig pod = pod("p");
        String sandbox = run(pod);
        String id = create(sandbox, pod, "app", "busybox");
        start(id);

        fake.writeLog(id, "hello");
        fake.writeLog(id, "stderr", "oops\nsecond");

        Path file = logs.resolve("default_p/app/0.log");
        assertThat(Files.readAllLines(file)).containsExactly(
                "2016-10-06T00:17:09.669794202Z stdout F hello",
                "2016-10-06T00:17:09.669794202Z stderr F oops",
                "2016-10-06T00:17:09.669794202Z stderr F second");

        // the kubelet rotates by renaming, then asks the runtime to reopen
        Files.move(file, file.resolveSibling("0.log.20161006-001709"));
        fake.reopenContainerLog(ReopenContainerLogRequest.newBuilder().setContainerId(id).build());
        assertThat(file).exists().isEmptyFile();
    }

    @Test
    void logTimestampsTrimTrailingZerosLikeGo() {
        assertThat(FakeRuntime.logTimestamp(Instant.parse("2024-01-02T03:04:05.120Z")))
                .isEqualTo("2024-01-02T03:04:05.12Z");
        assertThat(FakeRuntime.logTimestamp(Instant.parse("2024-01-02T03:04:05Z"))).isEqualTo("2024-01-02T03:04:05Z");
    }

    @Test
    void execSyncAnswersWhatTheTestProgrammedOnlyForRunningContainers() {
        fake.addImage("busybox");
        PodSandboxConfig pod = pod("p");
        String sandbox = run(pod);
        String id = create(sandbox, pod, "app", "busybox");
        ExecSyncRequest probe = ExecSyncRequest.newBuilder().setContainerId(id).addCmd("cat").addCmd("/ready").build();

        assertThatThrownBy(() -> fake.execSync(probe)).isInstanceOfSatisfying(CriException.class,
                e -> assertThat(e.description()).isEqualTo("container is in CONTAINER_CREATED state"));
        start(id);
        assertThat(fake.execSync(probe).getExitCode()).isZero();

        fake.setExecSyncResult("app", 1, "", "cat: can't open '/ready'");
        assertThat(fake.execSync(probe).getExitCode()).isEqualTo(1);
        assertThat(fake.execSync(probe).getStderr().toStringUtf8()).contains("/ready");

        fake.setExecSync(id, cmd -> ExecSyncResponse.newBuilder().setExitCode(cmd.size()).build());
        assertThat(fake.execSync(probe).getExitCode()).isEqualTo(2);
    }

    @Test
    void streamingCallsAnswerUrlsUnderTheConfiguredBase() {
        fake.addImage("busybox");
        fake.setStreamingBaseUrl("http://127.0.0.1:12345/");
        PodSandboxConfig pod = pod("p");
        String sandbox = run(pod);
        String id = create(sandbox, pod, "app", "busybox");
        start(id);
        assertThat(fake.exec(ExecRequest.newBuilder().setContainerId(id).addCmd("sh").setStdout(true).build()).getUrl())
                .matches("http://127\\.0\\.0\\.1:12345/exec/[A-Za-z0-9]{8}");
        assertThat(fake.attach(AttachRequest.newBuilder().setContainerId(id).setStdout(true).build()).getUrl())
                .startsWith("http://127.0.0.1:12345/attach/");
        assertThat(fake.portForward(PortForwardRequest.newBuilder().setPodSandboxId(sandbox).addPort(80).build()).getUrl())
                .startsWith("http://127.0.0.1:12345/portforward/");
    }

    @Test
    void imagesAreFoundByNameTagIdAndDigest() {
        Image image = fake.addImage("127.0.0.1:5000/app:v1");
        assertThat(image.getRepoTagsList()).containsExactly("127.0.0.1:5000/app:v1");
        assertThat(lookup("127.0.0.1:5000/app:v1")).isEqualTo(image);
        assertThat(lookup(image.getId())).isEqualTo(image);
        assertThat(lookup(image.getRepoDigests(0))).isEqualTo(image);
        assertThat(fake.imageStatus(ImageStatusRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage("127.0.0.1:5000/app:v2")).build()).hasImage()).isFalse();

        fake.removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image.getId())).build());
        fake.removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image.getId())).build());
        assertThat(fake.listImages(ListImagesRequest.getDefaultInstance()).getImagesList()).isEmpty();
    }

    private Image lookup(String ref) {
        return fake.imageStatus(ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(ref)).build())
                .getImage();
    }

    @Test
    void pullAddsTheImageUnlessTheTestMadeItFail() {
        String ref = fake.pullImage(PullImageRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage("nginx:1.27")).build()).getImageRef();
        assertThat(ref).isEqualTo(lookup("docker.io/library/nginx:1.27").getId());

        fake.failPull("nginx:nope", CriException.Code.NOT_FOUND,
                "failed to resolve reference \"docker.io/library/nginx:nope\": docker.io/library/nginx:nope: not found");
        PullImageRequest nope = PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage("nginx:nope")).build();
        assertThatThrownBy(() -> fake.pullImage(nope)).isInstanceOfSatisfying(CriException.class, e -> {
            assertThat(e.code()).isEqualTo(CriException.Code.NOT_FOUND);
            assertThat(e.getMessage()).startsWith(
                    "rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:nope\": ");
        });
        assertThat(lookup("nginx:nope")).isEqualTo(Image.getDefaultInstance());
        fake.clearPullFailure("nginx:nope");
        assertThat(fake.pullImage(nope).getImageRef()).startsWith("sha256:");
    }

    @Test
    void createNeedsTheImageAndAnExistingSandbox() {
        PodSandboxConfig pod = pod("p");
        String sandbox = run(pod);
        assertThatThrownBy(() -> create(sandbox, pod, "app", "missing:1"))
                .isInstanceOfSatisfying(CriException.class, e -> assertThat(e.isNotFound()).isTrue());
        fake.addImage("missing:1");
        assertThatThrownBy(() -> create("nope", pod, "app", "missing:1"))
                .isInstanceOfSatisfying(CriException.class, e -> assertThat(e.description())
                        .isEqualTo("failed to find sandbox id \"nope\": not found"));
        String id = create(sandbox, pod, "app", "missing:1");
        assertThatThrownBy(() -> create(sandbox, pod, "app", "missing:1"))
                .isInstanceOfSatisfying(CriException.class, e -> assertThat(e.description())
                        .contains("failed to reserve container name").contains(id));
    }

    @Test
    void recordsCallsInOrderAndInjectsErrorsOnce() {
        fake.addImage("busybox");
        PodSandboxConfig pod = pod("p");
        fake.injectError("RunPodSandbox", new CriException(CriException.Code.DEADLINE_EXCEEDED, "context deadline exceeded"));
        assertThatThrownBy(() -> run(pod)).isInstanceOfSatisfying(CriException.class,
                e -> assertThat(e.isDeadlineExceeded()).isTrue());
        String sandbox = run(pod);
        String id = create(sandbox, pod, "app", "busybox");
        start(id);
        stop(id, 0);
        fake.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());

        assertThat(fake.calls()).containsExactly("RunPodSandbox", "RunPodSandbox", "CreateContainer",
                "StartContainer", "StopContainer", "RemoveContainer");
        fake.clearCalls();
        assertThat(fake.calls()).isEmpty();
    }

    @Test
    void statusReportsConditionsAndStatsReportUsage() {
        fake.setNetworkReady(false, "NetworkPluginNotReady", "Network plugin returns error: cni plugin not initialized");
        List<RuntimeCondition> conditions = fake.status(StatusRequest.getDefaultInstance()).getStatus().getConditionsList();
        assertThat(conditions).extracting(RuntimeCondition::getType, RuntimeCondition::getStatus, RuntimeCondition::getReason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("RuntimeReady", true, ""),
                        org.assertj.core.groups.Tuple.tuple("NetworkReady", false, "NetworkPluginNotReady"));

        fake.addImage("busybox");
        PodSandboxConfig pod = pod("p");
        String sandbox = run(pod);
        String id = create(sandbox, pod, "app", "busybox");
        start(id);
        fake.setUsage(id, 5_000_000L, 8L << 20);
        ContainerStats stats = fake.containerStats(ContainerStatsRequest.newBuilder().setContainerId(id).build()).getStats();
        assertThat(stats.getCpu().getUsageCoreNanoSeconds().getValue()).isEqualTo(5_000_000L);
        assertThat(stats.getMemory().getWorkingSetBytes().getValue()).isEqualTo(8L << 20);
        PodSandboxStats podStats = fake.listPodSandboxStats(ListPodSandboxStatsRequest.getDefaultInstance()).getStats(0);
        assertThat(podStats.getLinux().getMemory().getWorkingSetBytes().getValue()).isEqualTo(8L << 20);
        assertThat(podStats.getLinux().getContainersList()).hasSize(1);

        fake.updateContainerResources(UpdateContainerResourcesRequest.newBuilder().setContainerId(id)
                .setLinux(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(64L << 20)).build());
        assertThat(status(id).getResources().getLinux().getMemoryLimitInBytes()).isEqualTo(64L << 20);

        fake.updateRuntimeConfig(UpdateRuntimeConfigRequest.newBuilder().setRuntimeConfig(RuntimeConfig.newBuilder()
                .setNetworkConfig(NetworkConfig.newBuilder().setPodCidr("10.42.0.0/24"))).build());
        assertThat(fake.podCidr()).isEqualTo("10.42.0.0/24");
    }

    @Test
    void concurrentSandboxesGetDistinctIdsAndIps() throws Exception {
        int n = 50;
        List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            threads.add(Thread.ofVirtual().start(() -> run(pod("p" + k))));
        }
        for (Thread t : threads) {
            t.join();
        }
        List<PodSandbox> items = fake.listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList();
        assertThat(items).hasSize(n);
        assertThat(items.stream().map(s -> fake.podSandboxStatus(PodSandboxStatusRequest.newBuilder()
                .setPodSandboxId(s.getId()).build()).getStatus().getNetwork().getIp())).doesNotHaveDuplicates();
    }
}
