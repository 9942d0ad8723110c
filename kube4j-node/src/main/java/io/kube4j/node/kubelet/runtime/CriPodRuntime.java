package io.kube4j.node.kubelet.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kube4j.cri.CriException;
import io.kube4j.cri.ImageService;
import io.kube4j.cri.RuntimeService;
import io.kube4j.cri.api.AttachRequest;
import io.kube4j.cri.api.ContainerConfig;
import io.kube4j.cri.api.ContainerFilter;
import io.kube4j.cri.api.ContainerMetadata;
import io.kube4j.cri.api.ContainerStatusRequest;
import io.kube4j.cri.api.CreateContainerRequest;
import io.kube4j.cri.api.DNSConfig;
import io.kube4j.cri.api.ExecRequest;
import io.kube4j.cri.api.ExecSyncRequest;
import io.kube4j.cri.api.ExecSyncResponse;
import io.kube4j.cri.api.ImageSpec;
import io.kube4j.cri.api.ImageStatusRequest;
import io.kube4j.cri.api.Int64Value;
import io.kube4j.cri.api.KeyValue;
import io.kube4j.cri.api.LinuxContainerConfig;
import io.kube4j.cri.api.LinuxContainerResources;
import io.kube4j.cri.api.LinuxContainerSecurityContext;
import io.kube4j.cri.api.LinuxPodSandboxConfig;
import io.kube4j.cri.api.LinuxSandboxSecurityContext;
import io.kube4j.cri.api.ListContainersRequest;
import io.kube4j.cri.api.ListImagesRequest;
import io.kube4j.cri.api.ListPodSandboxRequest;
import io.kube4j.cri.api.NamespaceMode;
import io.kube4j.cri.api.NamespaceOption;
import io.kube4j.cri.api.PodSandbox;
import io.kube4j.cri.api.PodSandboxConfig;
import io.kube4j.cri.api.PodSandboxFilter;
import io.kube4j.cri.api.PodSandboxMetadata;
import io.kube4j.cri.api.PodSandboxState;
import io.kube4j.cri.api.PodSandboxStatusRequest;
import io.kube4j.cri.api.PortForwardRequest;
import io.kube4j.cri.api.PortMapping;
import io.kube4j.cri.api.Protocol;
import io.kube4j.cri.api.PullImageRequest;
import io.kube4j.cri.api.RemoveContainerRequest;
import io.kube4j.cri.api.RemovePodSandboxRequest;
import io.kube4j.cri.api.RunPodSandboxRequest;
import io.kube4j.cri.api.StartContainerRequest;
import io.kube4j.cri.api.StopContainerRequest;
import io.kube4j.cri.api.StopPodSandboxRequest;
import io.kube4j.cri.api.VersionRequest;
import io.kube4j.node.kubelet.dns.PodDnsConfigurer;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * {@link PodRuntime} over CRI: turns a pod spec into sandbox and container configs (namespaces, host ports, cgroup
 * parent, resources, log paths) and reads pods back from the runtime's labels and annotations, as upstream's
 * kuberuntime manager does. Holds no state of its own beyond its configuration, so a restarted kubelet finds every
 * pod again. Thread-safe.
 */
public final class CriPodRuntime implements PodRuntime {
    public static final String POD_NAME = "io.kubernetes.pod.name";
    public static final String POD_NAMESPACE = "io.kubernetes.pod.namespace";
    public static final String POD_UID = "io.kubernetes.pod.uid";
    public static final String CONTAINER_NAME = "io.kubernetes.container.name";
    public static final String CONTAINER_HASH = "io.kubernetes.container.hash";
    public static final String RESTART_COUNT = "io.kubernetes.container.restartCount";
    private static final long CPU_PERIOD = 100_000;

    private final RuntimeService runtime;
    private final ImageService images;
    private final Path podLogsDir;
    private final long nodeMemoryBytes;
    private final PodDnsConfigurer dns;
    private volatile BiConsumer<Pod, PodDnsConfigurer.Warning> dnsWarnings = (pod, w) -> { };

    public CriPodRuntime(RuntimeService runtime, ImageService images, Path podLogsDir, long nodeMemoryBytes) {
        this(runtime, images, podLogsDir, nodeMemoryBytes, null);
    }

    /** @param dns the pods' resolv.conf and host names; null leaves resolv.conf to the runtime (the node's copy) */
    public CriPodRuntime(RuntimeService runtime, ImageService images, Path podLogsDir, long nodeMemoryBytes,
                         PodDnsConfigurer dns) {
        this.runtime = runtime;
        this.images = images;
        this.podLogsDir = podLogsDir;
        this.nodeMemoryBytes = nodeMemoryBytes;
        this.dns = dns;
    }

    /** Where DNS config warnings go (the kubelet's events), once per sandbox created. */
    public void onDnsWarning(BiConsumer<Pod, PodDnsConfigurer.Warning> sink) {
        this.dnsWarnings = sink;
    }

    @Override
    public String versionString() {
        var v = runtime.version(VersionRequest.newBuilder().setVersion("v1").build());
        return v.getRuntimeName() + "://" + v.getRuntimeVersion().replaceFirst("~ds\\d+$", "");
    }

    @Override
    public List<PodSnapshot> relist() {
        Map<String, PodRef> refs = new LinkedHashMap<>();
        Map<String, TreeMap<String, String>> states = new HashMap<>();
        for (PodSandbox sb : runtime.listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
            String uid = sb.getLabelsMap().get(POD_UID);
            if (uid == null) {
                continue;
            }
            refs.putIfAbsent(uid, new PodRef(uid, sb.getLabelsMap().get(POD_NAME), sb.getLabelsMap().get(POD_NAMESPACE)));
            states.computeIfAbsent(uid, k -> new TreeMap<>()).put("s" + sb.getId(), sb.getState().name());
        }
        for (var c : runtime.listContainers(ListContainersRequest.getDefaultInstance()).getContainersList()) {
            String uid = c.getLabelsMap().get(POD_UID);
            if (uid == null) {
                continue;
            }
            refs.putIfAbsent(uid, new PodRef(uid, c.getLabelsMap().get(POD_NAME), c.getLabelsMap().get(POD_NAMESPACE)));
            states.computeIfAbsent(uid, k -> new TreeMap<>()).put("c" + c.getId(), c.getState().name());
        }
        List<PodSnapshot> out = new ArrayList<>();
        refs.forEach((uid, ref) -> out.add(new PodSnapshot(ref, states.get(uid).toString())));
        return out;
    }

    @Override
    public RuntimePodStatus podStatus(PodRef pod) {
        List<RuntimeSandbox> sandboxes = new ArrayList<>();
        var sbFilter = PodSandboxFilter.newBuilder().putLabelSelector(POD_UID, pod.uid()).build();
        for (PodSandbox sb : runtime.listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(sbFilter).build())
                .getItemsList()) {
            String ip = null;
            boolean ready = sb.getState() == PodSandboxState.SANDBOX_READY;
            if (ready) {
                try {
                    var st = runtime.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(sb.getId())
                            .build()).getStatus();
                    ip = st.hasNetwork() && !st.getNetwork().getIp().isEmpty() ? st.getNetwork().getIp() : null;
                    ready = st.getState() == PodSandboxState.SANDBOX_READY;
                } catch (CriException e) {
                    if (e.code() != CriException.Code.NOT_FOUND) {
                        throw e;
                    }
                    continue;
                }
            }
            sandboxes.add(new RuntimeSandbox(sb.getId(), ready, sb.getMetadata().getAttempt(), nanos(sb.getCreatedAt()),
                    ip));
        }
        List<RuntimeContainer> containers = new ArrayList<>();
        var cFilter = ContainerFilter.newBuilder().putLabelSelector(POD_UID, pod.uid()).build();
        for (var c : runtime.listContainers(ListContainersRequest.newBuilder().setFilter(cFilter).build())
                .getContainersList()) {
            io.kube4j.cri.api.ContainerStatus st;
            try {
                st = runtime.containerStatus(ContainerStatusRequest.newBuilder().setContainerId(c.getId()).build())
                        .getStatus();
            } catch (CriException e) {
                if (e.code() == CriException.Code.NOT_FOUND) {
                    continue;
                }
                throw e;
            }
            Map<String, String> ann = st.getAnnotationsMap();
            containers.add(new RuntimeContainer(st.getId(), c.getPodSandboxId(),
                    st.getLabelsMap().getOrDefault(CONTAINER_NAME, st.getMetadata().getName()),
                    parseInt(ann.get(RESTART_COUNT)), ann.getOrDefault(CONTAINER_HASH, ""), state(st.getState()),
                    nanos(st.getCreatedAt()), nanosOrNull(st.getStartedAt()), nanosOrNull(st.getFinishedAt()),
                    st.getExitCode(), st.getReason(), st.getMessage(), st.getImage().getImage(), st.getImageRef(),
                    st.getLogPath()));
        }
        return new RuntimePodStatus(pod.uid(), pod.name(), pod.namespace(), sandboxes, containers);
    }

    private static ContainerState state(io.kube4j.cri.api.ContainerState s) {
        return switch (s) {
            case CONTAINER_CREATED -> ContainerState.CREATED;
            case CONTAINER_RUNNING -> ContainerState.RUNNING;
            case CONTAINER_EXITED -> ContainerState.EXITED;
            default -> ContainerState.UNKNOWN;
        };
    }

    /** The sandbox config for a pod; the same one goes with every CreateContainer of the pod. */
    PodSandboxConfig sandboxConfig(Pod pod, int attempt) {
        var md = pod.getMetadata();
        var spec = pod.getSpec();
        boolean hostNetwork = Boolean.TRUE.equals(spec.getHostNetwork());
        PodSandboxConfig.Builder b = PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(md.getName()).setNamespace(md.getNamespace())
                        .setUid(md.getUid()).setAttempt(attempt))
                .setLogDirectory(logDirectory(pod).toString())
                .putLabels(POD_NAME, md.getName()).putLabels(POD_NAMESPACE, md.getNamespace())
                .putLabels(POD_UID, md.getUid());
        if (md.getLabels() != null) {
            md.getLabels().forEach((k, v) -> {
                if (!k.startsWith("io.kubernetes.")) {
                    b.putLabels(k, v);
                }
            });
        }
        if (md.getAnnotations() != null) {
            b.putAllAnnotations(md.getAnnotations());
        }
        if (!hostNetwork) {
            if (dns != null) {
                b.setHostname(dns.hostname(pod));
            } else {
                String hostname = spec.getHostname() != null && !spec.getHostname().isEmpty() ? spec.getHostname()
                        : md.getName();
                b.setHostname(hostname.length() > 63 ? hostname.substring(0, 63) : hostname);
            }
        }
        if (dns != null) {
            var d = dns.forPod(pod);
            b.setDnsConfig(DNSConfig.newBuilder().addAllServers(d.servers()).addAllSearches(d.searches())
                    .addAllOptions(d.options()));
        }
        for (Container c : spec.getContainers()) {
            if (c.getPorts() == null) {
                continue;
            }
            for (ContainerPort p : c.getPorts()) {
                if (p.getHostPort() != null && p.getHostPort() > 0) {
                    b.addPortMappings(PortMapping.newBuilder().setContainerPort(p.getContainerPort())
                            .setHostPort(p.getHostPort()).setHostIp(p.getHostIP() == null ? "" : p.getHostIP())
                            .setProtocol(protocol(p.getProtocol())));
                }
            }
        }
        boolean privileged = spec.getContainers().stream().anyMatch(c -> c.getSecurityContext() != null
                && Boolean.TRUE.equals(c.getSecurityContext().getPrivileged()));
        LinuxSandboxSecurityContext.Builder sc = LinuxSandboxSecurityContext.newBuilder()
                .setNamespaceOptions(namespaces(pod)).setPrivileged(privileged);
        if (spec.getSecurityContext() != null && spec.getSecurityContext().getRunAsUser() != null) {
            sc.setRunAsUser(Int64Value.newBuilder().setValue(spec.getSecurityContext().getRunAsUser()));
        }
        b.setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent(cgroupParent(pod)).setSecurityContext(sc));
        return b.build();
    }

    private static NamespaceOption namespaces(Pod pod) {
        var spec = pod.getSpec();
        NamespaceMode pid = Boolean.TRUE.equals(spec.getHostPID()) ? NamespaceMode.NODE
                : Boolean.TRUE.equals(spec.getShareProcessNamespace()) ? NamespaceMode.POD : NamespaceMode.CONTAINER;
        return NamespaceOption.newBuilder()
                .setNetwork(Boolean.TRUE.equals(spec.getHostNetwork()) ? NamespaceMode.NODE : NamespaceMode.POD)
                .setPid(pid)
                .setIpc(Boolean.TRUE.equals(spec.getHostIPC()) ? NamespaceMode.NODE : NamespaceMode.POD)
                .build();
    }

    private static Protocol protocol(String p) {
        return p == null ? Protocol.TCP : switch (p) {
            case "UDP" -> Protocol.UDP;
            case "SCTP" -> Protocol.SCTP;
            default -> Protocol.TCP;
        };
    }

    /** The pod's cgroup under /kubepods, by QoS class, as upstream lays it out with the cgroupfs driver. */
    static String cgroupParent(Pod pod) {
        String qos = pod.getStatus() != null && pod.getStatus().getQosClass() != null ? pod.getStatus().getQosClass()
                : "BestEffort";
        String uid = "pod" + pod.getMetadata().getUid();
        return switch (qos) {
            case "Guaranteed" -> "/kubepods/" + uid;
            case "Burstable" -> "/kubepods/burstable/" + uid;
            default -> "/kubepods/besteffort/" + uid;
        };
    }

    public Path logDirectory(Pod pod) {
        var md = pod.getMetadata();
        return podLogsDir.resolve(md.getNamespace() + "_" + md.getName() + "_" + md.getUid());
    }

    @Override
    public String runSandbox(Pod pod, int attempt) throws StartException {
        try {
            java.nio.file.Files.createDirectories(logDirectory(pod));
            PodSandboxConfig config = sandboxConfig(pod, attempt);
            if (dns != null) {
                dns.forPod(pod).warnings().forEach(w -> dnsWarnings.accept(pod, w));
            }
            return runtime.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build())
                    .getPodSandboxId();
        } catch (IllegalArgumentException e) {
            // e.g. a setHostnameAsFQDN name too long
            throw new StartException("CreatePodSandboxError", e.getMessage());
        } catch (CriException e) {
            throw new StartException("CreatePodSandboxError", e.getMessage());
        } catch (java.io.IOException e) {
            throw new StartException("CreatePodSandboxError", e.toString());
        }
    }

    @Override
    public String imageRef(String image) {
        var st = images.imageStatus(ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image))
                .build());
        return st.hasImage() ? st.getImage().getId() : null;
    }

    @Override
    public long imageSize(String image) {
        var st = images.imageStatus(ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image))
                .build());
        return st.hasImage() ? st.getImage().getSize() : 0;
    }

    @Override
    public String pullImage(String image, Pod pod,
                            io.kube4j.node.kubelet.credentials.DockerKeyring.Credentials credentials)
            throws StartException {
        try {
            PullImageRequest.Builder request = PullImageRequest.newBuilder()
                    .setImage(ImageSpec.newBuilder().setImage(image)).setSandboxConfig(sandboxConfig(pod, 0));
            if (credentials != null) {
                // no server address: the keyring matched the host already, and containerd parses that field as a
                // URL, which a bare host:port key is not
                request.setAuth(io.kube4j.cri.api.AuthConfig.newBuilder().setUsername(credentials.username())
                        .setPassword(credentials.password()).setAuth(credentials.auth()));
            }
            return images.pullImage(request.build()).getImageRef();
        } catch (CriException e) {
            throw new StartException("ErrImagePull", e.getMessage());
        }
    }

    @Override
    public String startContainer(Pod pod, Container c, String sandboxId, int restartCount,
                                 List<Map.Entry<String, String>> env, List<String> command, List<String> args,
                                 List<io.kube4j.node.kubelet.volume.VolumeManager.Mount> mounts)
            throws StartException {
        var md = pod.getMetadata();
        ContainerConfig.Builder cfg = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(c.getName()).setAttempt(restartCount))
                .setImage(ImageSpec.newBuilder().setImage(c.getImage()))
                .addAllCommand(command).addAllArgs(args)
                .setWorkingDir(c.getWorkingDir() == null ? "" : c.getWorkingDir())
                .setLogPath(c.getName() + "/" + restartCount + ".log")
                .setStdin(Boolean.TRUE.equals(c.getStdin())).setStdinOnce(Boolean.TRUE.equals(c.getStdinOnce()))
                .setTty(Boolean.TRUE.equals(c.getTty()))
                .putLabels(POD_NAME, md.getName()).putLabels(POD_NAMESPACE, md.getNamespace())
                .putLabels(POD_UID, md.getUid()).putLabels(CONTAINER_NAME, c.getName())
                .putAnnotations(CONTAINER_HASH, io.kube4j.node.kubelet.pod.ContainerHash.of(c))
                .putAnnotations(RESTART_COUNT, Integer.toString(restartCount))
                .putAnnotations("io.kubernetes.pod.terminationGracePeriod", Long.toString(
                        pod.getSpec().getTerminationGracePeriodSeconds() == null ? 30
                                : pod.getSpec().getTerminationGracePeriodSeconds()));
        for (Map.Entry<String, String> e : env) {
            cfg.addEnvs(KeyValue.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        for (var m : mounts) {
            cfg.addMounts(io.kube4j.cri.api.Mount.newBuilder().setContainerPath(m.containerPath())
                    .setHostPath(m.hostPath()).setReadonly(m.readOnly()));
        }
        LinuxContainerSecurityContext.Builder sc = LinuxContainerSecurityContext.newBuilder()
                .setNamespaceOptions(namespaces(pod));
        var csc = c.getSecurityContext();
        var psc = pod.getSpec().getSecurityContext();
        Long runAsUser = csc != null && csc.getRunAsUser() != null ? csc.getRunAsUser()
                : psc != null ? psc.getRunAsUser() : null;
        if (runAsUser != null) {
            sc.setRunAsUser(Int64Value.newBuilder().setValue(runAsUser));
        }
        if (csc != null) {
            sc.setPrivileged(Boolean.TRUE.equals(csc.getPrivileged()));
            sc.setReadonlyRootfs(Boolean.TRUE.equals(csc.getReadOnlyRootFilesystem()));
            if (csc.getCapabilities() != null) {
                var caps = io.kube4j.cri.api.Capability.newBuilder();
                if (csc.getCapabilities().getAdd() != null) {
                    caps.addAllAddCapabilities(csc.getCapabilities().getAdd());
                }
                if (csc.getCapabilities().getDrop() != null) {
                    caps.addAllDropCapabilities(csc.getCapabilities().getDrop());
                }
                sc.setCapabilities(caps);
            }
        }
        cfg.setLinux(LinuxContainerConfig.newBuilder().setResources(resources(pod, c)).setSecurityContext(sc));
        try {
            String id = runtime.createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(sandboxId)
                    .setConfig(cfg).setSandboxConfig(sandboxConfig(pod, 0)).build()).getContainerId();
            try {
                runtime.startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
            } catch (CriException e) {
                throw new StartException("RunContainerError", e.getMessage());
            }
            return id;
        } catch (CriException e) {
            throw new StartException("CreateContainerError", e.getMessage());
        }
    }

    /** CPU shares and quota, memory limit and an OOM score that is never negative (see NODE-NOTES). */
    LinuxContainerResources resources(Pod pod, Container c) {
        Map<String, Quantity> requests = c.getResources() == null || c.getResources().getRequests() == null ? Map.of()
                : c.getResources().getRequests();
        Map<String, Quantity> limits = c.getResources() == null || c.getResources().getLimits() == null ? Map.of()
                : c.getResources().getLimits();
        LinuxContainerResources.Builder r = LinuxContainerResources.newBuilder();
        long cpuRequestMilli = milli(requests.getOrDefault("cpu", limits.get("cpu")));
        r.setCpuShares(cpuRequestMilli == 0 ? 2 : Math.max(2, cpuRequestMilli * 1024 / 1000));
        long cpuLimitMilli = milli(limits.get("cpu"));
        if (cpuLimitMilli > 0) {
            r.setCpuPeriod(CPU_PERIOD);
            r.setCpuQuota(Math.max(1000, cpuLimitMilli * CPU_PERIOD / 1000));
        }
        long memLimit = bytes(limits.get("memory"));
        if (memLimit > 0) {
            r.setMemoryLimitInBytes(memLimit);
        }
        String qos = pod.getStatus() != null && pod.getStatus().getQosClass() != null ? pod.getStatus().getQosClass()
                : "BestEffort";
        long oom = switch (qos) {
            case "Guaranteed" -> 0;
            case "BestEffort" -> 1000;
            default -> {
                long memRequest = bytes(requests.get("memory"));
                long score = nodeMemoryBytes <= 0 ? 999 : 1000 - (1000 * memRequest) / nodeMemoryBytes;
                yield Math.max(2, Math.min(999, score));
            }
        };
        r.setOomScoreAdj(oom);
        return r.build();
    }

    private static long milli(Quantity q) {
        return q == null ? 0 : q.getNumericalAmount().multiply(BigDecimal.valueOf(1000)).longValue();
    }

    private static long bytes(Quantity q) {
        return q == null ? 0 : q.getNumericalAmount().longValue();
    }

    @Override
    public void stopContainer(String containerId, Duration gracePeriod) {
        try {
            runtime.stopContainer(StopContainerRequest.newBuilder().setContainerId(containerId)
                    .setTimeout(gracePeriod.toSeconds()).build());
        } catch (CriException e) {
            if (e.code() != CriException.Code.NOT_FOUND) {
                throw e;
            }
        }
    }

    @Override
    public void stopSandbox(String sandboxId) {
        try {
            runtime.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build());
        } catch (CriException e) {
            if (e.code() != CriException.Code.NOT_FOUND) {
                throw e;
            }
        }
    }

    @Override
    public void removeContainer(String containerId) {
        runtime.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(containerId).build());
    }

    @Override
    public void removeSandbox(String sandboxId) {
        runtime.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build());
    }

    @Override
    public ExecResult execSync(String containerId, List<String> command, Duration timeout) {
        try {
            ExecSyncResponse r = runtime.execSync(ExecSyncRequest.newBuilder().setContainerId(containerId)
                    .addAllCmd(command).setTimeout(Math.max(1, timeout.toSeconds())).build());
            String out = r.getStdout().toString(StandardCharsets.UTF_8) + r.getStderr().toString(StandardCharsets.UTF_8);
            return new ExecResult(r.getExitCode(), out, false);
        } catch (CriException e) {
            boolean timedOut = e.code() == CriException.Code.DEADLINE_EXCEEDED
                    || String.valueOf(e.getMessage()).contains("timeout");
            return new ExecResult(-1, e.getMessage(), timedOut);
        }
    }

    @Override
    public String execUrl(String containerId, List<String> command, boolean tty, boolean stdin, boolean stdout,
                          boolean stderr) {
        return runtime.exec(ExecRequest.newBuilder().setContainerId(containerId).addAllCmd(command).setTty(tty)
                .setStdin(stdin).setStdout(stdout).setStderr(stderr && !tty).build()).getUrl();
    }

    @Override
    public String attachUrl(String containerId, boolean tty, boolean stdin, boolean stdout, boolean stderr) {
        return runtime.attach(AttachRequest.newBuilder().setContainerId(containerId).setTty(tty).setStdin(stdin)
                .setStdout(stdout).setStderr(stderr && !tty).build()).getUrl();
    }

    @Override
    public String portForwardUrl(String sandboxId) {
        return runtime.portForward(PortForwardRequest.newBuilder().setPodSandboxId(sandboxId).build()).getUrl();
    }

    @Override
    public Map<String, Long> writableLayerBytes(PodRef pod) {
        Map<String, Long> out = new HashMap<>();
        for (RuntimeContainer c : podStatus(pod).running()) {
            try {
                var stats = runtime.containerStats(io.kube4j.cri.api.ContainerStatsRequest.newBuilder()
                        .setContainerId(c.id()).build()).getStats();
                if (stats.hasWritableLayer() && stats.getWritableLayer().hasUsedBytes()) {
                    out.put(c.name(), stats.getWritableLayer().getUsedBytes().getValue());
                }
            } catch (CriException e) {
                // stopped meanwhile: no figure for it
            }
        }
        return out;
    }

    @Override
    public List<ImageInfo> listImages() {
        List<ImageInfo> out = new ArrayList<>();
        for (var img : images.listImages(ListImagesRequest.getDefaultInstance()).getImagesList()) {
            List<String> names = new ArrayList<>(img.getRepoDigestsList());
            names.addAll(img.getRepoTagsList());
            out.add(new ImageInfo(names, img.getSize()));
        }
        return out;
    }

    private static Instant nanos(long n) {
        return Instant.ofEpochSecond(0, n);
    }

    private static Instant nanosOrNull(long n) {
        return n == 0 ? null : Instant.ofEpochSecond(0, n);
    }

    private static int parseInt(String s) {
        try {
            return s == null ? 0 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
