package io.kube4j.cri.fake;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.kube4j.cri.CriException;
import io.kube4j.cri.ImageService;
import io.kube4j.cri.RuntimeService;
import io.kube4j.cri.api.*;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;

/**
 * An in-memory container runtime for tests of the kubelet and anything else that speaks CRI.
 *
 * <p>Sandboxes, containers and images live in maps and move through upstream's states
 * (SANDBOX_READY/NOTREADY; CONTAINER_CREATED/RUNNING/EXITED/UNKNOWN) with timestamps in nanoseconds from the
 * given {@link Clock}. Nothing runs: a test decides what containers do, with {@link #exit}, {@link #writeLog},
 * {@link #setExecSync}, {@link #setStopExitCode}, {@link #failPull} and {@link #injectError}. Every CRI call is
 * recorded, so a test can assert the order of calls ({@link #calls()}). Errors carry the codes and, where
 * kubelet users see them, the messages containerd gives.
 *
 * <p>Thread-safe: every method holds the runtime's lock, so calls are atomic and ordered.
 */
public final class FakeRuntime implements RuntimeService, ImageService {

    /** What a fake ExecSync answers for a command. */
    @FunctionalInterface
    public interface ExecSyncHandler {
        ExecSyncResponse exec(List<String> cmd);
    }

    /** One recorded CRI call. */
    public record Call(String method, Message request) {
    }

    public static final String RUNTIME_NAME = "kube4j-fake";
    public static final String RUNTIME_VERSION = "0.1.0";
    public static final String RUNTIME_API_VERSION = "v1";
    /** The exit code of a container killed by StopContainer: SIGKILL. */
    public static final int KILLED_EXIT_CODE = 137;
    private static final String IMAGE_FS_MOUNTPOINT = "/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs";
    private static final long IMAGE_SIZE = 1_234_567;

    private final Clock clock;
    private final Random random;

    private final Map<String, Sandbox> sandboxes = new LinkedHashMap<>();
    private final Map<String, Container> containers = new LinkedHashMap<>();
    private final Map<String, FakeImage> images = new LinkedHashMap<>();
    private final Map<String, String> sandboxNames = new HashMap<>();
    private final Map<String, String> containerNames = new HashMap<>();

    private final List<Call> calls = new ArrayList<>();
    private final Map<String, Deque<CriException>> injectedErrors = new HashMap<>();
    private final Map<String, CriException> pullFailures = new HashMap<>();
    private final Map<String, Integer> stopExitCodes = new HashMap<>();
    private final Map<String, ExecSyncHandler> execHandlers = new HashMap<>();

    private int nextIp = 2;
    private String streamingBaseUrl = "http://127.0.0.1:10010";
    private boolean networkReady = true;
    private String networkReason = "";
    private String networkMessage = "";
    private String podCidr = "";

    public FakeRuntime() {
        this(Clock.systemUTC(), 1L);
    }

    public FakeRuntime(Clock clock) {
        this(clock, 1L);
    }

    /** @param seed makes IDs and streaming tokens repeatable */
    public FakeRuntime(Clock clock, long seed) {
        this.clock = clock;
        this.random = new Random(seed);
    }

    // ================================================================ test controls

    /** The CRI method names called so far, in order, e.g. {@code [RunPodSandbox, CreateContainer, ...]}. */
    public synchronized List<String> calls() {
        return calls.stream().map(Call::method).toList();
    }

    /** The recorded calls with their requests. */
    public synchronized List<Call> requests() {
        return List.copyOf(calls);
    }

    /** The requests of one method, in order. */
    public synchronized <Q extends Message> List<Q> requests(String method, Class<Q> type) {
        return calls.stream().filter(c -> c.method().equals(method)).map(c -> type.cast(c.request())).toList();
    }

    public synchronized void clearCalls() {
        calls.clear();
    }

    /** Makes the next call of {@code method} (e.g. {@code "StartContainer"}) fail with {@code error}. Queued. */
    public synchronized void injectError(String method, CriException error) {
        injectedErrors.computeIfAbsent(method, k -> new ArrayDeque<>()).add(error);
    }

    /** Adds an image as if it had been pulled; returns it. Adding it again returns the same image. */
    public synchronized Image addImage(String ref) {
        String normalized = ImageNames.normalize(ref);
        FakeImage existing = findImage(ref);
        if (existing != null) {
            return existing.toProto();
        }
        String repository = ImageNames.repository(normalized);
        String manifestDigest = "sha256:" + sha256("manifest:" + normalized);
        List<String> tags = ImageNames.hasTag(normalized)
                ? List.of(normalized.contains("@") ? normalized.substring(0, normalized.indexOf('@')) : normalized)
                : List.of();
        String digest = normalized.contains("@") ? normalized : repository + "@" + manifestDigest;
        FakeImage image = new FakeImage("sha256:" + sha256("config:" + normalized), tags, List.of(digest), IMAGE_SIZE);
        images.put(image.id, image);
        return image.toProto();
    }

    /**
     * Makes every pull of {@code ref} fail until {@link #clearPullFailure}, even of an image already present, with code
     * Unknown and containerd's message {@code failed to pull and unpack image "REF": MESSAGE}.
     */
    public void failPull(String ref, String message) {
        failPull(ref, CriException.Code.UNKNOWN, message);
    }

    public synchronized void failPull(String ref, CriException.Code code, String message) {
        String normalized = ImageNames.normalize(ref);
        pullFailures.put(normalized,
                new CriException(code, "failed to pull and unpack image \"" + normalized + "\": " + message));
    }

    public synchronized void clearPullFailure(String ref) {
        pullFailures.remove(ImageNames.normalize(ref));
    }

    /**
     * The exit code StopContainer gives a container, by container ID or by container name (metadata name);
     * default {@value #KILLED_EXIT_CODE}. E.g. 143 for a process that exits on SIGTERM.
     */
    public synchronized void setStopExitCode(String containerIdOrName, int exitCode) {
        stopExitCodes.put(containerIdOrName, exitCode);
    }

    /** What ExecSync answers in a container, by container ID or container name. Default: exit 0, no output. */
    public synchronized void setExecSync(String containerIdOrName, ExecSyncHandler handler) {
        execHandlers.put(containerIdOrName, handler);
    }

    /** A fixed ExecSync answer, by container ID or container name. */
    public void setExecSyncResult(String containerIdOrName, int exitCode, String stdout, String stderr) {
        ExecSyncResponse response = ExecSyncResponse.newBuilder()
                .setExitCode(exitCode)
                .setStdout(ByteString.copyFromUtf8(stdout))
                .setStderr(ByteString.copyFromUtf8(stderr))
                .build();
        setExecSync(containerIdOrName, cmd -> response);
    }

    /**
     * Ends a running container as if its process exited. {@code reason} may be null: then "Completed" for
     * exit code 0 and "Error" otherwise, as containerd reports; pass "OOMKilled" for an OOM kill.
     */
    public synchronized void exit(String containerId, int exitCode, String reason) {
        Container c = container(containerId);
        if (c.state != ContainerState.CONTAINER_RUNNING) {
            throw new IllegalStateException("container " + containerId + " is in " + c.state + " state");
        }
        finish(c, exitCode, reason);
    }

    /** Marks a container CONTAINER_UNKNOWN, as a runtime does when it lost track of the process. */
    public synchronized void markUnknown(String containerId) {
        container(containerId).state = ContainerState.CONTAINER_UNKNOWN;
    }

    /** Appends a stdout line to the container's log file in CRI log format. */
    public void writeLog(String containerId, String text) {
        writeLog(containerId, "stdout", text);
    }

    /**
     * Appends lines ({@code text} split at newlines) to the container's log file, each as
     * {@code TIMESTAMP STREAM F LINE}. The file is {@code log_directory/log_path}, created at StartContainer.
     */
    public synchronized void writeLog(String containerId, String stream, String text) {
        if (!stream.equals("stdout") && !stream.equals("stderr")) {
            throw new IllegalArgumentException("stream must be stdout or stderr: " + stream);
        }
        Container c = container(containerId);
        if (c.logPath == null) {
            throw new IllegalStateException("container " + containerId + " has no log path (log_directory and log_path)");
        }
        StringBuilder out = new StringBuilder();
        String timestamp = logTimestamp(clock.instant());
        for (String line : text.split("\n", -1)) {
            out.append(timestamp).append(' ').append(stream).append(" F ").append(line).append('\n');
        }
        try {
            Files.createDirectories(c.logPath.getParent());
            Files.writeString(c.logPath, out, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** CPU and memory usage reported for a container by the stats calls. */
    public synchronized void setUsage(String containerId, long cpuCoreNanoSeconds, long workingSetBytes) {
        Container c = container(containerId);
        c.cpuCoreNanos = cpuCoreNanoSeconds;
        c.workingSetBytes = workingSetBytes;
    }

    /** The base URL of Exec, Attach and PortForward answers. */
    public synchronized void setStreamingBaseUrl(String baseUrl) {
        this.streamingBaseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** The NetworkReady condition that Status reports. */
    public synchronized void setNetworkReady(boolean ready, String reason, String message) {
        this.networkReady = ready;
        this.networkReason = ready ? "" : reason;
        this.networkMessage = ready ? "" : message;
    }

    /** The pod CIDR last given by UpdateRuntimeConfig. */
    public synchronized String podCidr() {
        return podCidr;
    }

    /** The ID of the newest container with this name in the pod, if any. */
    public synchronized Optional<String> findContainer(String podNamespace, String podName, String containerName) {
        String found = null;
        for (Container c : containers.values()) {
            PodSandboxMetadata pod = sandboxes.get(c.sandboxId).config.getMetadata();
            if (pod.getNamespace().equals(podNamespace) && pod.getName().equals(podName)
                    && c.config.getMetadata().getName().equals(containerName)) {
                found = c.id;
            }
        }
        return Optional.ofNullable(found);
    }

    /** The ID of the newest sandbox of the pod, if any. */
    public synchronized Optional<String> findSandbox(String podNamespace, String podName) {
        String found = null;
        for (Sandbox s : sandboxes.values()) {
            if (s.config.getMetadata().getNamespace().equals(podNamespace)
                    && s.config.getMetadata().getName().equals(podName)) {
                found = s.id;
            }
        }
        return Optional.ofNullable(found);
    }

    // ================================================================ RuntimeService

    @Override
    public synchronized VersionResponse version(VersionRequest request) {
        record("Version", request);
        return VersionResponse.newBuilder()
                .setVersion("0.1.0")
                .setRuntimeName(RUNTIME_NAME)
                .setRuntimeVersion(RUNTIME_VERSION)
                .setRuntimeApiVersion(RUNTIME_API_VERSION)
                .build();
    }

    @Override
    public synchronized RunPodSandboxResponse runPodSandbox(RunPodSandboxRequest request) {
        record("RunPodSandbox", request);
        PodSandboxConfig config = request.getConfig();
        PodSandboxMetadata meta = config.getMetadata();
        if (meta.getName().isEmpty() || meta.getNamespace().isEmpty() || meta.getUid().isEmpty()) {
            throw new CriException(CriException.Code.INVALID_ARGUMENT,
                    "sandbox config must include metadata name, namespace and uid");
        }
        String name = String.join("_", meta.getName(), meta.getNamespace(), meta.getUid(),
                Integer.toString(meta.getAttempt()));
        String id = newId();
        String holder = sandboxNames.get(name);
        if (holder != null) {
            throw CriException.unknown("failed to reserve sandbox name \"" + name + "\": name \"" + name
                    + "\" is reserved for \"" + holder + "\"");
        }
        sandboxNames.put(name, id);
        Sandbox s = new Sandbox(id, name, config, request.getRuntimeHandler(), now());
        boolean hostNetwork = config.getLinux().getSecurityContext().getNamespaceOptions().getNetwork()
                == NamespaceMode.NODE;
        s.ip = hostNetwork ? "" : allocateIp();
        sandboxes.put(id, s);
        return RunPodSandboxResponse.newBuilder().setPodSandboxId(id).build();
    }

    @Override
    public synchronized StopPodSandboxResponse stopPodSandbox(StopPodSandboxRequest request) {
        record("StopPodSandbox", request);
        Sandbox s = sandboxes.get(request.getPodSandboxId());
        if (s == null) {
            throw CriException.notFound("an error occurred when try to find sandbox \"" + request.getPodSandboxId()
                    + "\": not found");
        }
        stopSandbox(s);
        return StopPodSandboxResponse.getDefaultInstance();
    }

    @Override
    public synchronized RemovePodSandboxResponse removePodSandbox(RemovePodSandboxRequest request) {
        record("RemovePodSandbox", request);
        Sandbox s = sandboxes.get(request.getPodSandboxId());
        if (s == null) {
            return RemovePodSandboxResponse.getDefaultInstance(); // already gone: idempotent
        }
        stopSandbox(s);
        for (Container c : List.copyOf(containers.values())) {
            if (c.sandboxId.equals(s.id)) {
                removeContainerRecord(c);
            }
        }
        sandboxes.remove(s.id);
        sandboxNames.remove(s.name);
        return RemovePodSandboxResponse.getDefaultInstance();
    }

    @Override
    public synchronized PodSandboxStatusResponse podSandboxStatus(PodSandboxStatusRequest request) {
        record("PodSandboxStatus", request);
        Sandbox s = sandboxes.get(request.getPodSandboxId());
        if (s == null) {
            throw CriException.notFound("an error occurred when try to find sandbox: not found");
        }
        PodSandboxStatus.Builder status = PodSandboxStatus.newBuilder()
                .setId(s.id)
                .setMetadata(s.config.getMetadata())
                .setState(s.state)
                .setCreatedAt(s.createdAt)
                .setNetwork(PodSandboxNetworkStatus.newBuilder().setIp(s.ip))
                .setLinux(LinuxPodSandboxStatus.newBuilder().setNamespaces(Namespace.newBuilder()
                        .setOptions(s.config.getLinux().getSecurityContext().getNamespaceOptions())))
                .putAllLabels(s.config.getLabelsMap())
                .putAllAnnotations(s.config.getAnnotationsMap())
                .setRuntimeHandler(s.runtimeHandler);
        PodSandboxStatusResponse.Builder response = PodSandboxStatusResponse.newBuilder().setStatus(status);
        if (request.getVerbose()) {
            response.putInfo("info", "{\"pid\":0,\"fake\":true}");
        }
        return response.build();
    }

    @Override
    public synchronized ListPodSandboxResponse listPodSandbox(ListPodSandboxRequest request) {
        record("ListPodSandbox", request);
        PodSandboxFilter filter = request.getFilter();
        ListPodSandboxResponse.Builder response = ListPodSandboxResponse.newBuilder();
        for (Sandbox s : sandboxes.values()) {
            if (!filter.getId().isEmpty() && !s.id.startsWith(filter.getId())) {
                continue;
            }
            if (filter.hasState() && filter.getState().getState() != s.state) {
                continue;
            }
            if (!matches(filter.getLabelSelectorMap(), s.config.getLabelsMap())) {
                continue;
            }
            response.addItems(PodSandbox.newBuilder()
                    .setId(s.id)
                    .setMetadata(s.config.getMetadata())
                    .setState(s.state)
                    .setCreatedAt(s.createdAt)
                    .putAllLabels(s.config.getLabelsMap())
                    .putAllAnnotations(s.config.getAnnotationsMap())
                    .setRuntimeHandler(s.runtimeHandler));
        }
        return response.build();
    }

    @Override
    public synchronized CreateContainerResponse createContainer(CreateContainerRequest request) {
        record("CreateContainer", request);
        Sandbox s = sandboxes.get(request.getPodSandboxId());
        if (s == null) {
            throw CriException.notFound("failed to find sandbox id \"" + request.getPodSandboxId() + "\": not found");
        }
        ContainerConfig config = request.getConfig();
        if (config.getMetadata().getName().isEmpty()) {
            throw new CriException(CriException.Code.INVALID_ARGUMENT, "container config must include metadata");
        }
        FakeImage image = findImage(config.getImage().getImage());
        if (image == null) {
            throw CriException.notFound("failed to get image \"" + config.getImage().getImage() + "\": not found");
        }
        PodSandboxMetadata pod = s.config.getMetadata();
        String name = String.join("_", config.getMetadata().getName(), pod.getName(), pod.getNamespace(),
                pod.getUid(), Integer.toString(config.getMetadata().getAttempt()));
        String holder = containerNames.get(name);
        if (holder != null) {
            throw CriException.unknown("failed to reserve container name \"" + name + "\": name \"" + name
                    + "\" is reserved for \"" + holder + "\"");
        }
        String id = newId();
        containerNames.put(name, id);
        Container c = new Container(id, name, s.id, config, image, now());
        if (!s.config.getLogDirectory().isEmpty() && !config.getLogPath().isEmpty()) {
            c.logPath = Path.of(s.config.getLogDirectory()).resolve(config.getLogPath());
        }
        c.resources = config.getLinux().getResources();
        containers.put(id, c);
        return CreateContainerResponse.newBuilder().setContainerId(id).build();
    }

    @Override
    public synchronized StartContainerResponse startContainer(StartContainerRequest request) {
        record("StartContainer", request);
        Container c = requireContainer(request.getContainerId());
        if (c.state != ContainerState.CONTAINER_CREATED) {
            throw CriException.unknown("container is in " + c.state + " state");
        }
        Sandbox s = sandboxes.get(c.sandboxId);
        if (s.state != PodSandboxState.SANDBOX_READY) {
            throw CriException.unknown("sandbox container \"" + s.id + "\" is not running");
        }
        if (c.logPath != null) {
            touch(c.logPath);
        }
        c.state = ContainerState.CONTAINER_RUNNING;
        c.startedAt = now();
        return StartContainerResponse.getDefaultInstance();
    }

    @Override
    public synchronized StopContainerResponse stopContainer(StopContainerRequest request) {
        record("StopContainer", request);
        Container c = requireContainer(request.getContainerId());
        stop(c);
        return StopContainerResponse.getDefaultInstance();
    }

    @Override
    public synchronized RemoveContainerResponse removeContainer(RemoveContainerRequest request) {
        record("RemoveContainer", request);
        Container c = containers.get(request.getContainerId());
        if (c != null) {
            stop(c);
            removeContainerRecord(c);
        }
        return RemoveContainerResponse.getDefaultInstance();
    }

    @Override
    public synchronized ListContainersResponse listContainers(ListContainersRequest request) {
        record("ListContainers", request);
        ContainerFilter filter = request.getFilter();
        ListContainersResponse.Builder response = ListContainersResponse.newBuilder();
        for (Container c : containers.values()) {
            if (!filter.getId().isEmpty() && !c.id.startsWith(filter.getId())) {
                continue;
            }
            if (filter.hasState() && filter.getState().getState() != c.state) {
                continue;
            }
            if (!filter.getPodSandboxId().isEmpty() && !c.sandboxId.startsWith(filter.getPodSandboxId())) {
                continue;
            }
            if (!matches(filter.getLabelSelectorMap(), c.config.getLabelsMap())) {
                continue;
            }
            response.addContainers(io.kube4j.cri.api.Container.newBuilder()
                    .setId(c.id)
                    .setPodSandboxId(c.sandboxId)
                    .setMetadata(c.config.getMetadata())
                    .setImage(c.config.getImage())
                    .setImageRef(c.image.id)
                    .setImageId(c.image.id)
                    .setState(c.state)
                    .setCreatedAt(c.createdAt)
                    .putAllLabels(c.config.getLabelsMap())
                    .putAllAnnotations(c.config.getAnnotationsMap()));
        }
        return response.build();
    }

    @Override
    public synchronized ContainerStatusResponse containerStatus(ContainerStatusRequest request) {
        record("ContainerStatus", request);
        Container c = requireContainer(request.getContainerId());
        ContainerStatus.Builder status = ContainerStatus.newBuilder()
                .setId(c.id)
                .setMetadata(c.config.getMetadata())
                .setState(c.state)
                .setCreatedAt(c.createdAt)
                .setStartedAt(c.startedAt)
                .setFinishedAt(c.finishedAt)
                .setExitCode(c.exitCode)
                .setImage(ImageSpec.newBuilder()
                        .setImage(c.image.repoTags.isEmpty() ? c.image.id : c.image.repoTags.getFirst()))
                .setImageRef(c.image.repoDigests.isEmpty() ? c.image.id : c.image.repoDigests.getFirst())
                .setImageId(c.image.id)
                .setReason(c.reason)
                .setMessage(c.message)
                .putAllLabels(c.config.getLabelsMap())
                .putAllAnnotations(c.config.getAnnotationsMap())
                .addAllMounts(c.config.getMountsList())
                .setLogPath(c.logPath == null ? "" : c.logPath.toString())
                .setResources(ContainerResources.newBuilder().setLinux(c.resources));
        ContainerStatusResponse.Builder response = ContainerStatusResponse.newBuilder().setStatus(status);
        if (request.getVerbose()) {
            response.putInfo("info", "{\"sandboxID\":\"" + c.sandboxId + "\",\"pid\":0}");
        }
        return response.build();
    }

    @Override
    public synchronized UpdateContainerResourcesResponse updateContainerResources(
            UpdateContainerResourcesRequest request) {
        record("UpdateContainerResources", request);
        Container c = requireContainer(request.getContainerId());
        c.resources = request.getLinux();
        return UpdateContainerResourcesResponse.getDefaultInstance();
    }

    @Override
    public synchronized ReopenContainerLogResponse reopenContainerLog(ReopenContainerLogRequest request) {
        record("ReopenContainerLog", request);
        Container c = requireContainer(request.getContainerId());
        if (c.state != ContainerState.CONTAINER_RUNNING) {
            throw CriException.unknown("container is not running");
        }
        if (c.logPath != null) {
            touch(c.logPath);
        }
        return ReopenContainerLogResponse.getDefaultInstance();
    }

    @Override
    public synchronized ExecSyncResponse execSync(ExecSyncRequest request) {
        record("ExecSync", request);
        Container c = requireRunning(request.getContainerId());
        ExecSyncHandler handler = execHandlers.getOrDefault(c.id, execHandlers.get(c.config.getMetadata().getName()));
        if (handler == null) {
            return ExecSyncResponse.getDefaultInstance();
        }
        return handler.exec(List.copyOf(request.getCmdList()));
    }

    @Override
    public synchronized ExecResponse exec(ExecRequest request) {
        record("Exec", request);
        requireRunning(request.getContainerId());
        return ExecResponse.newBuilder().setUrl(streamingBaseUrl + "/exec/" + token()).build();
    }

    @Override
    public synchronized AttachResponse attach(AttachRequest request) {
        record("Attach", request);
        requireRunning(request.getContainerId());
        return AttachResponse.newBuilder().setUrl(streamingBaseUrl + "/attach/" + token()).build();
    }

    @Override
    public synchronized PortForwardResponse portForward(PortForwardRequest request) {
        record("PortForward", request);
        if (!sandboxes.containsKey(request.getPodSandboxId())) {
            throw CriException.notFound("failed to find sandbox \"" + request.getPodSandboxId()
                    + "\" in store: not found");
        }
        return PortForwardResponse.newBuilder().setUrl(streamingBaseUrl + "/portforward/" + token()).build();
    }

    @Override
    public synchronized ContainerStatsResponse containerStats(ContainerStatsRequest request) {
        record("ContainerStats", request);
        Container c = requireContainer(request.getContainerId());
        return ContainerStatsResponse.newBuilder().setStats(stats(c, now())).build();
    }

    @Override
    public synchronized ListContainerStatsResponse listContainerStats(ListContainerStatsRequest request) {
        record("ListContainerStats", request);
        ContainerStatsFilter filter = request.getFilter();
        long now = now();
        ListContainerStatsResponse.Builder response = ListContainerStatsResponse.newBuilder();
        for (Container c : containers.values()) {
            if (!filter.getId().isEmpty() && !c.id.startsWith(filter.getId())) {
                continue;
            }
            if (!filter.getPodSandboxId().isEmpty() && !c.sandboxId.startsWith(filter.getPodSandboxId())) {
                continue;
            }
            if (!matches(filter.getLabelSelectorMap(), c.config.getLabelsMap())) {
                continue;
            }
            response.addStats(stats(c, now));
        }
        return response.build();
    }

    @Override
    public synchronized PodSandboxStatsResponse podSandboxStats(PodSandboxStatsRequest request) {
        record("PodSandboxStats", request);
        Sandbox s = sandboxes.get(request.getPodSandboxId());
        if (s == null) {
            throw CriException.notFound("an error occurred when trying to find sandbox \""
                    + request.getPodSandboxId() + "\": not found");
        }
        return PodSandboxStatsResponse.newBuilder().setStats(sandboxStats(s, now())).build();
    }

    @Override
    public synchronized ListPodSandboxStatsResponse listPodSandboxStats(ListPodSandboxStatsRequest request) {
        record("ListPodSandboxStats", request);
        PodSandboxStatsFilter filter = request.getFilter();
        long now = now();
        ListPodSandboxStatsResponse.Builder response = ListPodSandboxStatsResponse.newBuilder();
        for (Sandbox s : sandboxes.values()) {
            if (s.state != PodSandboxState.SANDBOX_READY) {
                continue;
            }
            if (!filter.getId().isEmpty() && !s.id.startsWith(filter.getId())) {
                continue;
            }
            if (!matches(filter.getLabelSelectorMap(), s.config.getLabelsMap())) {
                continue;
            }
            response.addStats(sandboxStats(s, now));
        }
        return response.build();
    }

    @Override
    public synchronized UpdateRuntimeConfigResponse updateRuntimeConfig(UpdateRuntimeConfigRequest request) {
        record("UpdateRuntimeConfig", request);
        podCidr = request.getRuntimeConfig().getNetworkConfig().getPodCidr();
        return UpdateRuntimeConfigResponse.getDefaultInstance();
    }

    @Override
    public synchronized StatusResponse status(StatusRequest request) {
        record("Status", request);
        return StatusResponse.newBuilder()
                .setStatus(RuntimeStatus.newBuilder()
                        .addConditions(RuntimeCondition.newBuilder().setType("RuntimeReady").setStatus(true))
                        .addConditions(RuntimeCondition.newBuilder()
                                .setType("NetworkReady")
                                .setStatus(networkReady)
                                .setReason(networkReason)
                                .setMessage(networkMessage)))
                .addRuntimeHandlers(RuntimeHandler.newBuilder().setName("")
                        .setFeatures(RuntimeHandlerFeatures.getDefaultInstance()))
                .build();
    }

    // ================================================================ ImageService

    @Override
    public synchronized ListImagesResponse listImages(ListImagesRequest request) {
        record("ListImages", request);
        ListImagesResponse.Builder response = ListImagesResponse.newBuilder();
        String wanted = request.getFilter().getImage().getImage();
        FakeImage only = wanted.isEmpty() ? null : findImage(wanted);
        for (FakeImage image : images.values()) {
            if (wanted.isEmpty() || image == only) {
                response.addImages(image.toProto());
            }
        }
        return response.build();
    }

    @Override
    public synchronized ImageStatusResponse imageStatus(ImageStatusRequest request) {
        record("ImageStatus", request);
        FakeImage image = findImage(request.getImage().getImage());
        ImageStatusResponse.Builder response = ImageStatusResponse.newBuilder();
        if (image != null) {
            response.setImage(image.toProto());
        }
        return response.build();
    }

    @Override
    public synchronized PullImageResponse pullImage(PullImageRequest request) {
        record("PullImage", request);
        String ref = request.getImage().getImage();
        String normalized;
        try {
            normalized = ImageNames.normalize(ref);
        } catch (IllegalArgumentException e) {
            throw new CriException(CriException.Code.INVALID_ARGUMENT, "failed to parse image reference \"" + ref + "\"");
        }
        CriException failure = pullFailures.get(normalized);
        if (failure != null) {
            throw new CriException(failure.code(), failure.description());
        }
        return PullImageResponse.newBuilder().setImageRef(addImage(ref).getId()).build();
    }

    @Override
    public synchronized RemoveImageResponse removeImage(RemoveImageRequest request) {
        record("RemoveImage", request);
        FakeImage image = findImage(request.getImage().getImage());
        if (image != null) {
            images.remove(image.id);
        }
        return RemoveImageResponse.getDefaultInstance();
    }

    @Override
    public synchronized ImageFsInfoResponse imageFsInfo(ImageFsInfoRequest request) {
        record("ImageFsInfo", request);
        long used = images.values().stream().mapToLong(i -> i.size).sum();
        return ImageFsInfoResponse.newBuilder()
                .addImageFilesystems(FilesystemUsage.newBuilder()
                        .setTimestamp(now())
                        .setFsId(FilesystemIdentifier.newBuilder().setMountpoint(IMAGE_FS_MOUNTPOINT))
                        .setUsedBytes(UInt64Value.newBuilder().setValue(used))
                        .setInodesUsed(UInt64Value.newBuilder().setValue(images.size() * 10L)))
                .build();
    }

    // ================================================================ internals

    private void record(String method, Message request) {
        calls.add(new Call(method, request));
        Deque<CriException> queued = injectedErrors.get(method);
        if (queued != null && !queued.isEmpty()) {
            throw queued.poll();
        }
    }

    private long now() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private String newId() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private String token() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder token = new StringBuilder(8);
        for (int i = 0; i < 8; i++) {
            token.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return token.toString();
    }

    /** 10.42.0.2, 10.42.0.3, ...: addresses of the fake pod network. */
    private String allocateIp() {
        int n = nextIp++;
        return "10.42." + ((n >> 8) & 0xff) + "." + (n & 0xff);
    }

    private static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        for (Map.Entry<String, String> e : selector.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private Container container(String id) {
        Container c = containers.get(id);
        if (c == null) {
            throw new IllegalArgumentException("no container " + id);
        }
        return c;
    }

    private Container requireContainer(String id) {
        Container c = containers.get(id);
        if (c == null) {
            throw CriException.notFound("an error occurred when try to find container \"" + id + "\": not found");
        }
        return c;
    }

    private Container requireRunning(String id) {
        Container c = requireContainer(id);
        if (c.state != ContainerState.CONTAINER_RUNNING) {
            throw CriException.unknown("container is in " + c.state + " state");
        }
        return c;
    }

    private void stopSandbox(Sandbox s) {
        for (Container c : containers.values()) {
            if (c.sandboxId.equals(s.id)) {
                stop(c);
            }
        }
        s.state = PodSandboxState.SANDBOX_NOTREADY;
    }

    /** Kills a running or unknown container; a created or exited one is left as it is (containerd does the same). */
    private void stop(Container c) {
        if (c.state != ContainerState.CONTAINER_RUNNING && c.state != ContainerState.CONTAINER_UNKNOWN) {
            return;
        }
        Integer code = stopExitCodes.getOrDefault(c.id, stopExitCodes.get(c.config.getMetadata().getName()));
        finish(c, code == null ? KILLED_EXIT_CODE : code, null);
    }

    private void finish(Container c, int exitCode, String reason) {
        c.state = ContainerState.CONTAINER_EXITED;
        c.finishedAt = now();
        c.exitCode = exitCode;
        c.reason = reason != null ? reason : exitCode == 0 ? "Completed" : "Error";
    }

    private void removeContainerRecord(Container c) {
        containers.remove(c.id);
        containerNames.remove(c.name);
    }

    private FakeImage findImage(String ref) {
        if (ref == null || ref.isEmpty()) {
            return null;
        }
        if (ref.startsWith("sha256:")) {
            return images.get(ref);
        }
        if (ref.matches("[0-9a-f]{64}")) {
            return images.get("sha256:" + ref);
        }
        String normalized;
        try {
            normalized = ImageNames.normalize(ref);
        } catch (IllegalArgumentException e) {
            return null;
        }
        for (FakeImage image : images.values()) {
            if (image.repoTags.contains(normalized) || image.repoDigests.contains(normalized)) {
                return image;
            }
        }
        return null;
    }

    private ContainerStats stats(Container c, long now) {
        return ContainerStats.newBuilder()
                .setAttributes(ContainerAttributes.newBuilder()
                        .setId(c.id)
                        .setMetadata(c.config.getMetadata())
                        .putAllLabels(c.config.getLabelsMap())
                        .putAllAnnotations(c.config.getAnnotationsMap()))
                .setCpu(CpuUsage.newBuilder().setTimestamp(now)
                        .setUsageCoreNanoSeconds(UInt64Value.newBuilder().setValue(c.cpuCoreNanos)))
                .setMemory(MemoryUsage.newBuilder().setTimestamp(now)
                        .setWorkingSetBytes(UInt64Value.newBuilder().setValue(c.workingSetBytes)))
                .setWritableLayer(FilesystemUsage.newBuilder().setTimestamp(now)
                        .setFsId(FilesystemIdentifier.newBuilder().setMountpoint(IMAGE_FS_MOUNTPOINT))
                        .setUsedBytes(UInt64Value.newBuilder().setValue(0))
                        .setInodesUsed(UInt64Value.newBuilder().setValue(0)))
                .build();
    }

    private PodSandboxStats sandboxStats(Sandbox s, long now) {
        long cpu = 0;
        long memory = 0;
        LinuxPodSandboxStats.Builder linux = LinuxPodSandboxStats.newBuilder();
        for (Container c : containers.values()) {
            if (c.sandboxId.equals(s.id)) {
                cpu += c.cpuCoreNanos;
                memory += c.workingSetBytes;
                linux.addContainers(stats(c, now));
            }
        }
        linux.setCpu(CpuUsage.newBuilder().setTimestamp(now)
                        .setUsageCoreNanoSeconds(UInt64Value.newBuilder().setValue(cpu)))
                .setMemory(MemoryUsage.newBuilder().setTimestamp(now)
                        .setWorkingSetBytes(UInt64Value.newBuilder().setValue(memory)));
        return PodSandboxStats.newBuilder()
                .setAttributes(PodSandboxAttributes.newBuilder()
                        .setId(s.id)
                        .setMetadata(s.config.getMetadata())
                        .putAllLabels(s.config.getLabelsMap())
                        .putAllAnnotations(s.config.getAnnotationsMap()))
                .setLinux(linux)
                .build();
    }

    private static void touch(Path file) {
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
        } catch (IOException e) {
            throw new CriException(CriException.Code.UNKNOWN, "failed to create container log file \"" + file
                    + "\": " + e.getMessage(), e);
        }
    }

    /** RFC 3339 with nanoseconds, trailing zeros trimmed, as Go's time.RFC3339Nano prints it. */
    static String logTimestamp(Instant instant) {
        String seconds = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC).format(instant);
        int nanos = instant.getNano();
        if (nanos == 0) {
            return seconds + "Z";
        }
        String fraction = String.format("%09d", nanos).replaceAll("0+$", "");
        return seconds + "." + fraction + "Z";
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class Sandbox {
        final String id;
        final String name;
        final PodSandboxConfig config;
        final String runtimeHandler;
        final long createdAt;
        PodSandboxState state = PodSandboxState.SANDBOX_READY;
        String ip = "";

        Sandbox(String id, String name, PodSandboxConfig config, String runtimeHandler, long createdAt) {
            this.id = id;
            this.name = name;
            this.config = config;
            this.runtimeHandler = runtimeHandler;
            this.createdAt = createdAt;
        }
    }

    private static final class Container {
        final String id;
        final String name;
        final String sandboxId;
        final ContainerConfig config;
        final FakeImage image;
        final long createdAt;
        ContainerState state = ContainerState.CONTAINER_CREATED;
        long startedAt;
        long finishedAt;
        int exitCode;
        String reason = "";
        String message = "";
        Path logPath;
        LinuxContainerResources resources = LinuxContainerResources.getDefaultInstance();
        long cpuCoreNanos;
        long workingSetBytes;

        Container(String id, String name, String sandboxId, ContainerConfig config, FakeImage image, long createdAt) {
            this.id = id;
            this.name = name;
            this.sandboxId = sandboxId;
            this.config = config;
            this.image = image;
            this.createdAt = createdAt;
        }
    }

    private record FakeImage(String id, List<String> repoTags, List<String> repoDigests, long size) {
        Image toProto() {
            return Image.newBuilder()
                    .setId(id)
                    .addAllRepoTags(repoTags)
                    .addAllRepoDigests(repoDigests)
                    .setSize(size)
                    .setSpec(ImageSpec.newBuilder().setImage(id))
                    .build();
        }
    }
}
