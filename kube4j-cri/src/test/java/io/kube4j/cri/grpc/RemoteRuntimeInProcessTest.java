package io.kube4j.cri.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCalls;
import io.kube4j.cri.CriException;
import io.kube4j.cri.api.*;
import io.kube4j.cri.fake.FakeRuntime;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RemoteRuntime through real gRPC marshalling, against servers in the same JVM. */
class RemoteRuntimeInProcessTest {

    private final List<Server> servers = new ArrayList<>();
    private final List<RemoteRuntime> clients = new ArrayList<>();

    @AfterEach
    void tearDown() {
        clients.forEach(RemoteRuntime::close);
        servers.forEach(Server::shutdownNow);
    }

    private RemoteRuntime serve(RemoteRuntimeOptions options, ServerServiceDefinition... services) throws IOException {
        String name = InProcessServerBuilder.generateName();
        InProcessServerBuilder builder = InProcessServerBuilder.forName(name);
        for (ServerServiceDefinition service : services) {
            builder.addService(service);
        }
        servers.add(builder.build().start());
        RemoteRuntime client = RemoteRuntime.over(InProcessChannelBuilder.forName(name).build(), options);
        clients.add(client);
        return client;
    }

    @Test
    void podLifecycleRoundTripsThroughGrpcToTheFake() throws IOException {
        FakeRuntime fake = new FakeRuntime();
        RemoteRuntime cri = serve(RemoteRuntimeOptions.defaults(), CriServices.runtime(fake), CriServices.image(fake));

        assertThat(cri.version(VersionRequest.getDefaultInstance()).getRuntimeName()).isEqualTo("kube4j-fake");
        String imageRef = cri.pullImage(PullImageRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage("busybox:1.36")).build()).getImageRef();
        PodSandboxConfig pod = PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("web").setNamespace("default").setUid("u1"))
                .putLabels("app", "web")
                .setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent("/kubepods/besteffort/podu1")
                        .putSysctls("net.ipv4.ip_unprivileged_port_start", "0"))
                .build();
        String sandbox = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build()).getPodSandboxId();
        String container = cri.createContainer(CreateContainerRequest.newBuilder()
                .setPodSandboxId(sandbox)
                .setSandboxConfig(pod)
                .setConfig(ContainerConfig.newBuilder()
                        .setMetadata(ContainerMetadata.newBuilder().setName("app").setAttempt(2))
                        .setImage(ImageSpec.newBuilder().setImage(imageRef))
                        .addCommand("/bin/sh").addArgs("-c").addArgs("sleep 1d")
                        .addEnvs(KeyValue.newBuilder().setKey("A").setValue("b"))
                        .setLinux(LinuxContainerConfig.newBuilder().setResources(LinuxContainerResources.newBuilder()
                                .setCpuPeriod(100_000).setCpuQuota(50_000).setCpuShares(512)
                                .setMemoryLimitInBytes(32L << 20).setOomScoreAdj(1000))))
                .build()).getContainerId();
        cri.startContainer(StartContainerRequest.newBuilder().setContainerId(container).build());
        fake.setExecSyncResult("app", 3, "out", "err");
        ExecSyncResponse exec = cri.execSync(ExecSyncRequest.newBuilder().setContainerId(container).addCmd("true")
                .setTimeout(1).build());
        assertThat(exec.getExitCode()).isEqualTo(3);
        assertThat(exec.getStdout().toStringUtf8()).isEqualTo("out");

        ContainerStatus status = cri.containerStatus(
                ContainerStatusRequest.newBuilder().setContainerId(container).build()).getStatus();
        assertThat(status.getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
        assertThat(status.getMetadata().getAttempt()).isEqualTo(2);
        assertThat(status.getResources().getLinux().getCpuQuota()).isEqualTo(50_000);
        assertThat(status.getResources().getLinux().getOomScoreAdj()).isEqualTo(1000);

        cri.stopContainer(StopContainerRequest.newBuilder().setContainerId(container).setTimeout(10).build());
        assertThat(cri.containerStatus(ContainerStatusRequest.newBuilder().setContainerId(container).build())
                .getStatus().getExitCode()).isEqualTo(137);
        assertThat(cri.listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(PodSandboxFilter.newBuilder()
                .putLabelSelector("app", "web")).build()).getItems(0).getId()).isEqualTo(sandbox);
        cri.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(sandbox).build());
        cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandbox).build());
        assertThat(cri.listContainers(ListContainersRequest.getDefaultInstance()).getContainersCount()).isZero();

        // the server saw exactly what the client sent
        assertThat(fake.requests("CreateContainer", CreateContainerRequest.class).getFirst()
                .getConfig().getLinux().getResources().getMemoryLimitInBytes()).isEqualTo(32L << 20);
        assertThat(fake.requests("RunPodSandbox", RunPodSandboxRequest.class).getFirst().getConfig()).isEqualTo(pod);
        assertThat(fake.calls()).containsExactly("Version", "PullImage", "RunPodSandbox", "CreateContainer",
                "StartContainer", "ExecSync", "ContainerStatus", "StopContainer", "ContainerStatus", "ListPodSandbox",
                "StopPodSandbox", "RemovePodSandbox", "ListContainers");
    }

    @Test
    void errorsKeepTheirCodeAndDescriptionAcrossTheWire() throws IOException {
        FakeRuntime fake = new FakeRuntime();
        RemoteRuntime cri = serve(RemoteRuntimeOptions.defaults(), CriServices.runtime(fake), CriServices.image(fake));
        assertThatThrownBy(() -> cri.containerStatus(ContainerStatusRequest.newBuilder().setContainerId("abc").build()))
                .isInstanceOfSatisfying(CriException.class, e -> {
                    assertThat(e.isNotFound()).isTrue();
                    assertThat(e.getMessage()).isEqualTo(
                            "rpc error: code = NotFound desc = an error occurred when try to find container \"abc\": not found");
                });
        fake.failPull("nginx:nope", "boom");
        assertThatThrownBy(() -> cri.pullImage(PullImageRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage("nginx:nope")).build()))
                .isInstanceOfSatisfying(CriException.class, e -> {
                    assertThat(e.code()).isEqualTo(CriException.Code.UNKNOWN);
                    assertThat(e.description())
                            .isEqualTo("failed to pull and unpack image \"docker.io/library/nginx:nope\": boom");
                });
    }

    /** A tiny hand-written server: Version answers slowly, Status quickly, everything else is unimplemented. */
    private static ServerServiceDefinition slowVersionServer(Duration delay) {
        return ServerServiceDefinition.builder(RuntimeServiceMethods.SERVICE)
                .addMethod(RuntimeServiceMethods.VERSION.descriptor(), ServerCalls.asyncUnaryCall((request, out) -> {
                    try {
                        Thread.sleep(delay);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    out.onNext(VersionResponse.newBuilder().setRuntimeName("slow").setVersion(request.getVersion()).build());
                    out.onCompleted();
                }))
                .addMethod(RuntimeServiceMethods.STATUS.descriptor(), ServerCalls.asyncUnaryCall((request, out) -> {
                    out.onNext(StatusResponse.newBuilder().putInfo("verbose", Boolean.toString(request.getVerbose())).build());
                    out.onCompleted();
                }))
                .build();
    }

    @Test
    void callsPastTheirDeadlineFailWithDeadlineExceeded() throws IOException {
        RemoteRuntime cri = serve(RemoteRuntimeOptions.defaults().withRequestTimeout(Duration.ofMillis(200)),
                slowVersionServer(Duration.ofSeconds(2)));
        long start = System.nanoTime();
        assertThatThrownBy(() -> cri.version(VersionRequest.newBuilder().setVersion("v1").build()))
                .isInstanceOfSatisfying(CriException.class, e -> {
                    assertThat(e.isDeadlineExceeded()).isTrue();
                    assertThat(e.getMessage()).startsWith("rpc error: code = DeadlineExceeded desc = ");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
        assertThat(cri.status(StatusRequest.newBuilder().setVerbose(true).build()).getInfoMap())
                .containsEntry("verbose", "true");
    }

    @Test
    void execSyncDeadlineIncludesTheCommandTimeout() throws IOException {
        FakeRuntime fake = new FakeRuntime();
        RemoteRuntime cri = serve(RemoteRuntimeOptions.defaults().withRequestTimeout(Duration.ofMillis(200)),
                CriServices.runtime(fake), CriServices.image(fake));
        fake.addImage("busybox");
        PodSandboxConfig pod = PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("p").setNamespace("d").setUid("u")).build();
        String sandbox = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build()).getPodSandboxId();
        String id = cri.createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(sandbox)
                .setConfig(ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName("c"))
                        .setImage(ImageSpec.newBuilder().setImage("busybox")))
                .build()).getContainerId();
        cri.startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
        // the command runs 500 ms: longer than the request timeout, shorter than it plus the 1 s exec timeout
        fake.setExecSync(id, cmd -> {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ExecSyncResponse.newBuilder().setExitCode(7).build();
        });
        assertThat(cri.execSync(ExecSyncRequest.newBuilder().setContainerId(id).addCmd("x").setTimeout(1).build())
                .getExitCode()).isEqualTo(7);
    }

    @Test
    void aServiceTheServerLacksIsUnimplemented() throws IOException {
        RemoteRuntime cri = serve(RemoteRuntimeOptions.defaults(), slowVersionServer(Duration.ZERO));
        assertThatThrownBy(() -> cri.listImages(ListImagesRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(CriException.class,
                        e -> assertThat(e.code()).isEqualTo(CriException.Code.UNIMPLEMENTED));
        assertThatThrownBy(() -> cri.listContainers(ListContainersRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(CriException.class,
                        e -> assertThat(e.code()).isEqualTo(CriException.Code.UNIMPLEMENTED));
    }

    @Test
    void endpointsMustBeUnixSockets() {
        assertThat(RemoteRuntime.target("unix:///run/containerd/containerd.sock"))
                .isEqualTo("unix:///run/containerd/containerd.sock");
        assertThat(RemoteRuntime.target("/run/containerd/containerd.sock"))
                .isEqualTo("unix:///run/containerd/containerd.sock");
        assertThatThrownBy(() -> RemoteRuntime.target("tcp://127.0.0.1:1234"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only unix://");
        assertThatThrownBy(() -> RemoteRuntime.target("unix://relative.sock"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
