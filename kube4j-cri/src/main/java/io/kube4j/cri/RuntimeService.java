package io.kube4j.cri;

import io.kube4j.cri.api.*;

/**
 * The runtime half of CRI v1: pod sandboxes, containers, exec and stats.
 *
 * <p>Called by the kubelet's pod workers, PLEG, probers and stats collectors, usually from virtual threads:
 * every method blocks until the runtime answers or the call's deadline passes. Requests and responses are
 * the generated {@code runtime.v1} messages, as in upstream's kubelet. Failures are thrown as
 * {@link CriException} with the runtime's gRPC code, so callers can tell {@code NotFound} from
 * {@code DeadlineExceeded}. Stop and remove calls are idempotent by contract. Implementations are thread-safe.
 */
public interface RuntimeService {

    VersionResponse version(VersionRequest request);

    RunPodSandboxResponse runPodSandbox(RunPodSandboxRequest request);

    StopPodSandboxResponse stopPodSandbox(StopPodSandboxRequest request);

    RemovePodSandboxResponse removePodSandbox(RemovePodSandboxRequest request);

    PodSandboxStatusResponse podSandboxStatus(PodSandboxStatusRequest request);

    ListPodSandboxResponse listPodSandbox(ListPodSandboxRequest request);

    CreateContainerResponse createContainer(CreateContainerRequest request);

    StartContainerResponse startContainer(StartContainerRequest request);

    StopContainerResponse stopContainer(StopContainerRequest request);

    RemoveContainerResponse removeContainer(RemoveContainerRequest request);

    ListContainersResponse listContainers(ListContainersRequest request);

    ContainerStatusResponse containerStatus(ContainerStatusRequest request);

    UpdateContainerResourcesResponse updateContainerResources(UpdateContainerResourcesRequest request);

    ReopenContainerLogResponse reopenContainerLog(ReopenContainerLogRequest request);

    ExecSyncResponse execSync(ExecSyncRequest request);

    ExecResponse exec(ExecRequest request);

    AttachResponse attach(AttachRequest request);

    PortForwardResponse portForward(PortForwardRequest request);

    ContainerStatsResponse containerStats(ContainerStatsRequest request);

    ListContainerStatsResponse listContainerStats(ListContainerStatsRequest request);

    PodSandboxStatsResponse podSandboxStats(PodSandboxStatsRequest request);

    ListPodSandboxStatsResponse listPodSandboxStats(ListPodSandboxStatsRequest request);

    UpdateRuntimeConfigResponse updateRuntimeConfig(UpdateRuntimeConfigRequest request);

    StatusResponse status(StatusRequest request);
}
