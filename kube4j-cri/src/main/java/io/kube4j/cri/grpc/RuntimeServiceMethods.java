package io.kube4j.cri.grpc;

import io.kube4j.cri.RuntimeService;
import io.kube4j.cri.api.*;
import java.util.List;

/**
 * The calls of the CRI {@code runtime.v1.RuntimeService}, built from the generated messages (no generated stubs).
 * Used by {@link RemoteRuntime} and {@link CriServices}. Immutable.
 */
public final class RuntimeServiceMethods {

    public static final String SERVICE = "runtime.v1.RuntimeService";

    public static final CriMethod<RuntimeService, VersionRequest, VersionResponse> VERSION =
            CriMethod.unary(SERVICE, "Version", VersionRequest.getDefaultInstance(), VersionResponse.getDefaultInstance(),
                    RuntimeService::version);

    public static final CriMethod<RuntimeService, RunPodSandboxRequest, RunPodSandboxResponse> RUN_POD_SANDBOX =
            CriMethod.unary(SERVICE, "RunPodSandbox", RunPodSandboxRequest.getDefaultInstance(), RunPodSandboxResponse.getDefaultInstance(),
                    RuntimeService::runPodSandbox);

    public static final CriMethod<RuntimeService, StopPodSandboxRequest, StopPodSandboxResponse> STOP_POD_SANDBOX =
            CriMethod.unary(SERVICE, "StopPodSandbox", StopPodSandboxRequest.getDefaultInstance(), StopPodSandboxResponse.getDefaultInstance(),
                    RuntimeService::stopPodSandbox);

    public static final CriMethod<RuntimeService, RemovePodSandboxRequest, RemovePodSandboxResponse> REMOVE_POD_SANDBOX =
            CriMethod.unary(SERVICE, "RemovePodSandbox", RemovePodSandboxRequest.getDefaultInstance(), RemovePodSandboxResponse.getDefaultInstance(),
                    RuntimeService::removePodSandbox);

    public static final CriMethod<RuntimeService, PodSandboxStatusRequest, PodSandboxStatusResponse> POD_SANDBOX_STATUS =
            CriMethod.unary(SERVICE, "PodSandboxStatus", PodSandboxStatusRequest.getDefaultInstance(), PodSandboxStatusResponse.getDefaultInstance(),
                    RuntimeService::podSandboxStatus);

    public static final CriMethod<RuntimeService, ListPodSandboxRequest, ListPodSandboxResponse> LIST_POD_SANDBOX =
            CriMethod.unary(SERVICE, "ListPodSandbox", ListPodSandboxRequest.getDefaultInstance(), ListPodSandboxResponse.getDefaultInstance(),
                    RuntimeService::listPodSandbox);

    public static final CriMethod<RuntimeService, CreateContainerRequest, CreateContainerResponse> CREATE_CONTAINER =
            CriMethod.unary(SERVICE, "CreateContainer", CreateContainerRequest.getDefaultInstance(), CreateContainerResponse.getDefaultInstance(),
                    RuntimeService::createContainer);

    public static final CriMethod<RuntimeService, StartContainerRequest, StartContainerResponse> START_CONTAINER =
            CriMethod.unary(SERVICE, "StartContainer", StartContainerRequest.getDefaultInstance(), StartContainerResponse.getDefaultInstance(),
                    RuntimeService::startContainer);

    public static final CriMethod<RuntimeService, StopContainerRequest, StopContainerResponse> STOP_CONTAINER =
            CriMethod.unary(SERVICE, "StopContainer", StopContainerRequest.getDefaultInstance(), StopContainerResponse.getDefaultInstance(),
                    RuntimeService::stopContainer);

    public static final CriMethod<RuntimeService, RemoveContainerRequest, RemoveContainerResponse> REMOVE_CONTAINER =
            CriMethod.unary(SERVICE, "RemoveContainer", RemoveContainerRequest.getDefaultInstance(), RemoveContainerResponse.getDefaultInstance(),
                    RuntimeService::removeContainer);

    public static final CriMethod<RuntimeService, ListContainersRequest, ListContainersResponse> LIST_CONTAINERS =
            CriMethod.unary(SERVICE, "ListContainers", ListContainersRequest.getDefaultInstance(), ListContainersResponse.getDefaultInstance(),
                    RuntimeService::listContainers);

    public static final CriMethod<RuntimeService, ContainerStatusRequest, ContainerStatusResponse> CONTAINER_STATUS =
            CriMethod.unary(SERVICE, "ContainerStatus", ContainerStatusRequest.getDefaultInstance(), ContainerStatusResponse.getDefaultInstance(),
                    RuntimeService::containerStatus);

    public static final CriMethod<RuntimeService, UpdateContainerResourcesRequest, UpdateContainerResourcesResponse> UPDATE_CONTAINER_RESOURCES =
            CriMethod.unary(SERVICE, "UpdateContainerResources", UpdateContainerResourcesRequest.getDefaultInstance(), UpdateContainerResourcesResponse.getDefaultInstance(),
                    RuntimeService::updateContainerResources);

    public static final CriMethod<RuntimeService, ReopenContainerLogRequest, ReopenContainerLogResponse> REOPEN_CONTAINER_LOG =
            CriMethod.unary(SERVICE, "ReopenContainerLog", ReopenContainerLogRequest.getDefaultInstance(), ReopenContainerLogResponse.getDefaultInstance(),
                    RuntimeService::reopenContainerLog);

    public static final CriMethod<RuntimeService, ExecSyncRequest, ExecSyncResponse> EXEC_SYNC =
            CriMethod.unary(SERVICE, "ExecSync", ExecSyncRequest.getDefaultInstance(), ExecSyncResponse.getDefaultInstance(),
                    RuntimeService::execSync);

    public static final CriMethod<RuntimeService, ExecRequest, ExecResponse> EXEC =
            CriMethod.unary(SERVICE, "Exec", ExecRequest.getDefaultInstance(), ExecResponse.getDefaultInstance(),
                    RuntimeService::exec);

    public static final CriMethod<RuntimeService, AttachRequest, AttachResponse> ATTACH =
            CriMethod.unary(SERVICE, "Attach", AttachRequest.getDefaultInstance(), AttachResponse.getDefaultInstance(),
                    RuntimeService::attach);

    public static final CriMethod<RuntimeService, PortForwardRequest, PortForwardResponse> PORT_FORWARD =
            CriMethod.unary(SERVICE, "PortForward", PortForwardRequest.getDefaultInstance(), PortForwardResponse.getDefaultInstance(),
                    RuntimeService::portForward);

    public static final CriMethod<RuntimeService, ContainerStatsRequest, ContainerStatsResponse> CONTAINER_STATS =
            CriMethod.unary(SERVICE, "ContainerStats", ContainerStatsRequest.getDefaultInstance(), ContainerStatsResponse.getDefaultInstance(),
                    RuntimeService::containerStats);

    public static final CriMethod<RuntimeService, ListContainerStatsRequest, ListContainerStatsResponse> LIST_CONTAINER_STATS =
            CriMethod.unary(SERVICE, "ListContainerStats", ListContainerStatsRequest.getDefaultInstance(), ListContainerStatsResponse.getDefaultInstance(),
                    RuntimeService::listContainerStats);

    public static final CriMethod<RuntimeService, PodSandboxStatsRequest, PodSandboxStatsResponse> POD_SANDBOX_STATS =
            CriMethod.unary(SERVICE, "PodSandboxStats", PodSandboxStatsRequest.getDefaultInstance(), PodSandboxStatsResponse.getDefaultInstance(),
                    RuntimeService::podSandboxStats);

    public static final CriMethod<RuntimeService, ListPodSandboxStatsRequest, ListPodSandboxStatsResponse> LIST_POD_SANDBOX_STATS =
            CriMethod.unary(SERVICE, "ListPodSandboxStats", ListPodSandboxStatsRequest.getDefaultInstance(), ListPodSandboxStatsResponse.getDefaultInstance(),
                    RuntimeService::listPodSandboxStats);

    public static final CriMethod<RuntimeService, UpdateRuntimeConfigRequest, UpdateRuntimeConfigResponse> UPDATE_RUNTIME_CONFIG =
            CriMethod.unary(SERVICE, "UpdateRuntimeConfig", UpdateRuntimeConfigRequest.getDefaultInstance(), UpdateRuntimeConfigResponse.getDefaultInstance(),
                    RuntimeService::updateRuntimeConfig);

    public static final CriMethod<RuntimeService, StatusRequest, StatusResponse> STATUS =
            CriMethod.unary(SERVICE, "Status", StatusRequest.getDefaultInstance(), StatusResponse.getDefaultInstance(),
                    RuntimeService::status);


    /** Every call of the service, in the order of the proto file. */
    public static final List<CriMethod<RuntimeService, ?, ?>> ALL = List.of(
            VERSION,
            RUN_POD_SANDBOX,
            STOP_POD_SANDBOX,
            REMOVE_POD_SANDBOX,
            POD_SANDBOX_STATUS,
            LIST_POD_SANDBOX,
            CREATE_CONTAINER,
            START_CONTAINER,
            STOP_CONTAINER,
            REMOVE_CONTAINER,
            LIST_CONTAINERS,
            CONTAINER_STATUS,
            UPDATE_CONTAINER_RESOURCES,
            REOPEN_CONTAINER_LOG,
            EXEC_SYNC,
            EXEC,
            ATTACH,
            PORT_FORWARD,
            CONTAINER_STATS,
            LIST_CONTAINER_STATS,
            POD_SANDBOX_STATS,
            LIST_POD_SANDBOX_STATS,
            UPDATE_RUNTIME_CONFIG,
            STATUS);

    private RuntimeServiceMethods() {
    }
}
