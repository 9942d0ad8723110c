package io.kube4j.cri.grpc;

import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.kube4j.cri.CriException;
import io.kube4j.cri.ImageService;
import io.kube4j.cri.RuntimeService;
import io.kube4j.cri.api.*;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CRI runtime reached over gRPC, e.g. containerd at {@code unix:///run/containerd/containerd.sock}.
 *
 * <p>Created once by the kubelet and shared by all its workers: thread-safe, and every call blocks the calling
 * (virtual) thread until the runtime answers or the call's deadline passes. gRPC failures are rethrown as
 * {@link CriException} with the same code. {@link #close()} shuts the channel down.
 */
public final class RemoteRuntime implements RuntimeService, ImageService, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RemoteRuntime.class);
    private static final Duration READY_POLL_INTERVAL = Duration.ofMillis(100);

    private final String endpoint;
    private final ManagedChannel channel;
    private final RemoteRuntimeOptions options;

    private RemoteRuntime(String endpoint, ManagedChannel channel, RemoteRuntimeOptions options) {
        this.endpoint = endpoint;
        this.channel = channel;
        this.options = options;
    }

    /** Connects to a runtime endpoint ({@code unix:///path/to.sock}) with default deadlines. */
    public static RemoteRuntime connect(String endpoint) {
        return connect(endpoint, RemoteRuntimeOptions.defaults());
    }

    /**
     * Connects to a runtime endpoint. The connection itself is made lazily, on the first call; use
     * {@link #waitUntilReady} to wait for a runtime that is still starting.
     */
    public static RemoteRuntime connect(String endpoint, RemoteRuntimeOptions options) {
        String target = target(endpoint);
        ManagedChannel channel = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create())
                .maxInboundMessageSize(options.maxMessageBytes())
                .build();
        return new RemoteRuntime(target, channel, options);
    }

    /** Uses a channel made elsewhere (in-process servers in tests); the runtime owns and closes it. */
    public static RemoteRuntime over(ManagedChannel channel, RemoteRuntimeOptions options) {
        return new RemoteRuntime(channel.authority(), channel, options);
    }

    /** The endpoint as the kubelet's --container-runtime-endpoint accepts it: a unix URL or a bare absolute path. */
    static String target(String endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (endpoint.startsWith("unix://")) {
            String path = endpoint.substring("unix://".length());
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("unix endpoint needs an absolute path: " + endpoint);
            }
            return endpoint;
        }
        if (endpoint.startsWith("/")) {
            return "unix://" + endpoint;
        }
        throw new IllegalArgumentException(
                "protocol not supported in endpoint " + endpoint + ": only unix:// endpoints are");
    }

    public String endpoint() {
        return endpoint;
    }

    public RemoteRuntimeOptions options() {
        return options;
    }

    /**
     * Calls Version until it answers, for a runtime that may still be starting. Returns the first answer;
     * throws {@link CriException} ({@code DeadlineExceeded}, with the last error) when the time is up.
     */
    public VersionResponse waitUntilReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        VersionRequest request = VersionRequest.newBuilder().setVersion("v1").build();
        CriException last = null;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            long attempt = Math.min(left, options.requestTimeout().toNanos());
            try {
                // wait-for-ready: a socket that appears during the attempt is picked up within it
                return call(RuntimeServiceMethods.VERSION, request, attempt, true);
            } catch (CriException e) {
                last = e;
                channel.resetConnectBackoff();
            }
            long pause = Math.min(READY_POLL_INTERVAL.toNanos(), deadline - System.nanoTime());
            if (pause > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CriException(CriException.Code.CANCELLED, "interrupted while waiting for " + endpoint, e);
                }
            }
        }
        throw new CriException(CriException.Code.DEADLINE_EXCEEDED,
                "runtime at " + endpoint + " not ready after " + timeout
                        + (last == null ? "" : ": " + last.getMessage()), last);
    }

    private <Q extends Message, R extends Message> R call(CriMethod<?, Q, R> method, Q request) {
        return call(method, request, options.requestTimeout().toNanos(), false);
    }

    private <Q extends Message, R extends Message> R call(
            CriMethod<?, Q, R> method, Q request, long timeoutNanos, boolean waitForReady) {
        CallOptions callOptions = CallOptions.DEFAULT.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS);
        if (waitForReady) {
            callOptions = callOptions.withWaitForReady();
        }
        try {
            return ClientCalls.blockingUnaryCall(channel, method.descriptor(), callOptions, request);
        } catch (StatusRuntimeException e) {
            CriException error = new CriException(
                    CriException.Code.valueOf(e.getStatus().getCode().name()), e.getStatus().getDescription(), e);
            log.debug("CRI call failed method={} code={} desc={}", method.name(), error.code().goName(),
                    error.description());
            throw error;
        }
    }

    private long plusSeconds(long seconds) {
        return options.requestTimeout().toNanos() + TimeUnit.SECONDS.toNanos(Math.max(0, seconds));
    }

    // ---------------------------------------------------------------- RuntimeService

    @Override
    public VersionResponse version(VersionRequest request) {
        return call(RuntimeServiceMethods.VERSION, request);
    }

    @Override
    public RunPodSandboxResponse runPodSandbox(RunPodSandboxRequest request) {
        RunPodSandboxResponse response = call(RuntimeServiceMethods.RUN_POD_SANDBOX, request);
        if (response.getPodSandboxId().isEmpty()) {
            throw CriException.unknown("PodSandboxId is not set for sandbox " + request.getConfig().getMetadata());
        }
        return response;
    }

    @Override
    public StopPodSandboxResponse stopPodSandbox(StopPodSandboxRequest request) {
        return call(RuntimeServiceMethods.STOP_POD_SANDBOX, request);
    }

    @Override
    public RemovePodSandboxResponse removePodSandbox(RemovePodSandboxRequest request) {
        return call(RuntimeServiceMethods.REMOVE_POD_SANDBOX, request);
    }

    @Override
    public PodSandboxStatusResponse podSandboxStatus(PodSandboxStatusRequest request) {
        return call(RuntimeServiceMethods.POD_SANDBOX_STATUS, request);
    }

    @Override
    public ListPodSandboxResponse listPodSandbox(ListPodSandboxRequest request) {
        return call(RuntimeServiceMethods.LIST_POD_SANDBOX, request);
    }

    @Override
    public CreateContainerResponse createContainer(CreateContainerRequest request) {
        CreateContainerResponse response = call(RuntimeServiceMethods.CREATE_CONTAINER, request);
        if (response.getContainerId().isEmpty()) {
            throw CriException.unknown("ContainerId is not set for container " + request.getConfig().getMetadata());
        }
        return response;
    }

    @Override
    public StartContainerResponse startContainer(StartContainerRequest request) {
        return call(RuntimeServiceMethods.START_CONTAINER, request);
    }

    @Override
    public StopContainerResponse stopContainer(StopContainerRequest request) {
        // the grace period is spent inside the call
        return call(RuntimeServiceMethods.STOP_CONTAINER, request, plusSeconds(request.getTimeout()), false);
    }

    @Override
    public RemoveContainerResponse removeContainer(RemoveContainerRequest request) {
        return call(RuntimeServiceMethods.REMOVE_CONTAINER, request);
    }

    @Override
    public ListContainersResponse listContainers(ListContainersRequest request) {
        return call(RuntimeServiceMethods.LIST_CONTAINERS, request);
    }

    @Override
    public ContainerStatusResponse containerStatus(ContainerStatusRequest request) {
        return call(RuntimeServiceMethods.CONTAINER_STATUS, request);
    }

    @Override
    public UpdateContainerResourcesResponse updateContainerResources(UpdateContainerResourcesRequest request) {
        return call(RuntimeServiceMethods.UPDATE_CONTAINER_RESOURCES, request);
    }

    @Override
    public ReopenContainerLogResponse reopenContainerLog(ReopenContainerLogRequest request) {
        return call(RuntimeServiceMethods.REOPEN_CONTAINER_LOG, request);
    }

    @Override
    public ExecSyncResponse execSync(ExecSyncRequest request) {
        // the command's own timeout runs inside the call
        return call(RuntimeServiceMethods.EXEC_SYNC, request, plusSeconds(request.getTimeout()), false);
    }

    @Override
    public ExecResponse exec(ExecRequest request) {
        return call(RuntimeServiceMethods.EXEC, request);
    }

    @Override
    public AttachResponse attach(AttachRequest request) {
        return call(RuntimeServiceMethods.ATTACH, request);
    }

    @Override
    public PortForwardResponse portForward(PortForwardRequest request) {
        return call(RuntimeServiceMethods.PORT_FORWARD, request);
    }

    @Override
    public ContainerStatsResponse containerStats(ContainerStatsRequest request) {
        return call(RuntimeServiceMethods.CONTAINER_STATS, request);
    }

    @Override
    public ListContainerStatsResponse listContainerStats(ListContainerStatsRequest request) {
        return call(RuntimeServiceMethods.LIST_CONTAINER_STATS, request);
    }

    @Override
    public PodSandboxStatsResponse podSandboxStats(PodSandboxStatsRequest request) {
        return call(RuntimeServiceMethods.POD_SANDBOX_STATS, request);
    }

    @Override
    public ListPodSandboxStatsResponse listPodSandboxStats(ListPodSandboxStatsRequest request) {
        return call(RuntimeServiceMethods.LIST_POD_SANDBOX_STATS, request);
    }

    @Override
    public UpdateRuntimeConfigResponse updateRuntimeConfig(UpdateRuntimeConfigRequest request) {
        return call(RuntimeServiceMethods.UPDATE_RUNTIME_CONFIG, request);
    }

    @Override
    public StatusResponse status(StatusRequest request) {
        return call(RuntimeServiceMethods.STATUS, request);
    }

    // ---------------------------------------------------------------- ImageService

    @Override
    public ListImagesResponse listImages(ListImagesRequest request) {
        return call(ImageServiceMethods.LIST_IMAGES, request);
    }

    @Override
    public ImageStatusResponse imageStatus(ImageStatusRequest request) {
        return call(ImageServiceMethods.IMAGE_STATUS, request);
    }

    @Override
    public PullImageResponse pullImage(PullImageRequest request) {
        return call(ImageServiceMethods.PULL_IMAGE, request, options.pullTimeout().toNanos(), false);
    }

    @Override
    public RemoveImageResponse removeImage(RemoveImageRequest request) {
        return call(ImageServiceMethods.REMOVE_IMAGE, request);
    }

    @Override
    public ImageFsInfoResponse imageFsInfo(ImageFsInfoRequest request) {
        return call(ImageServiceMethods.IMAGE_FS_INFO, request);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "RemoteRuntime[" + endpoint + "]";
    }
}
