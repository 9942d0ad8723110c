package io.kube4j.node.kubelet.node;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kube4j.node.kubelet.runtime.PodRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Registers the node and keeps it alive: creates the Node object (or adopts an existing one), renews its Lease in
 * kube-node-lease every 10 s, and writes the node status (capacity, conditions, addresses, nodeInfo, images) when it
 * changed or a minute passed. Runs on its own virtual thread; {@link #podCidr()} is what the pod network waits for.
 */
public final class NodeStatusUpdater implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeStatusUpdater.class);
    static final int LEASE_SECONDS = 40;
    private static final Duration RENEW = Duration.ofSeconds(10);
    private static final Duration REPORT = Duration.ofMinutes(1);

    /** What the node reports about itself besides the machine facts. */
    public record Identity(String nodeName, String nodeIp, int kubeletPort, String kubeletVersion, Path dataDir,
                           Map<String, String> extraLabels) {
    }

    private final KubernetesClient client;
    private final PodRuntime runtime;
    private final Identity id;
    private final Clock clock;
    private volatile Thread thread;
    private volatile String podCidr;
    private NodeStatus lastReported;
    private Instant lastReportTime = Instant.EPOCH;
    static final int STATUS_UPDATE_RETRIES = 5;

    public NodeStatusUpdater(KubernetesClient client, PodRuntime runtime, Identity id, Clock clock) {
        this.client = client;
        this.runtime = runtime;
        this.id = id;
        this.clock = clock;
    }

    /** Creates or adopts the Node object and writes its first status; then keeps renewing in the background. */
    public void start() {
        register();
        renewLease();
        reportStatus(true);
        thread = Thread.ofVirtual().name("node-status").start(this::loop);
    }

    public String podCidr() {
        return podCidr;
    }

    public String nodeName() {
        return id.nodeName();
    }

    private void register() {
        Node existing = client.nodes().withName(id.nodeName()).get();
        if (existing == null) {
            Map<String, String> labels = new LinkedHashMap<>(NodeInfoProbe.labels(id.nodeName()));
            labels.putAll(id.extraLabels());
            Node node = new NodeBuilder().withNewMetadata().withName(id.nodeName()).withLabels(labels)
                    .addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
                    .addToAnnotations("volumes.kubernetes.io/controller-managed-attach-detach", "true")
                    .endMetadata().withNewSpec().endSpec().build();
            try {
                existing = client.nodes().resource(node).create();
                LOG.info("registered node {}", id.nodeName());
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                existing = client.nodes().withName(id.nodeName()).get();
            }
        }
        podCidr = existing.getSpec() == null ? null : existing.getSpec().getPodCIDR();
    }

    private void loop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(RENEW.toMillis());
                try {
                    renewLease();
                    reportStatus(false);
                } catch (RuntimeException e) {
                    LOG.warn("node heartbeat failed: {}", e.toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until the control plane assigned the node a pod CIDR (node.spec.podCIDR). */
    public String awaitPodCidr(Duration timeout) throws InterruptedException {
        Instant deadline = clock.instant().plus(timeout);
        while (podCidr == null && clock.instant().isBefore(deadline)) {
            Node n = client.nodes().withName(id.nodeName()).get();
            if (n != null && n.getSpec() != null && n.getSpec().getPodCIDR() != null) {
                podCidr = n.getSpec().getPodCIDR();
                break;
            }
            Thread.sleep(200);
        }
        return podCidr;
    }

    void renewLease() {
        String now = microTime(clock.instant());
        var leases = client.leases().inNamespace("kube-node-lease");
        Lease lease = leases.withName(id.nodeName()).get();
        if (lease == null) {
            Node node = client.nodes().withName(id.nodeName()).get();
            LeaseBuilder b = new LeaseBuilder().withNewMetadata().withName(id.nodeName())
                    .withNamespace("kube-node-lease").endMetadata()
                    .withNewSpec().withHolderIdentity(id.nodeName()).withLeaseDurationSeconds(LEASE_SECONDS)
                    .withRenewTime(ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)).endSpec();
            if (node != null) {
                b.editMetadata().addNewOwnerReference().withApiVersion("v1").withKind("Node")
                        .withName(node.getMetadata().getName()).withUid(node.getMetadata().getUid()).endOwnerReference()
                        .endMetadata();
            }
            try {
                leases.resource(b.build()).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
            return;
        }
        leases.withName(id.nodeName()).patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), "{\"spec\":{\"renewTime\":\"" + now
                + "\",\"holderIdentity\":\"" + id.nodeName() + "\",\"leaseDurationSeconds\":" + LEASE_SECONDS + "}}");
    }

    /** As upstream's nodeStatusUpdateRetry: a write that lost a race with a controller (409) is tried again. */
    void reportStatus(boolean force) {
        for (int attempt = 1; ; attempt++) {
            try {
                tryReportStatus(force);
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= STATUS_UPDATE_RETRIES) {
                    throw e;
                }
            }
        }
    }

    private void tryReportStatus(boolean force) {
        Node node = client.nodes().withName(id.nodeName()).get();
        if (node == null) {
            register();
            node = client.nodes().withName(id.nodeName()).get();
        }
        if (node.getSpec() != null && node.getSpec().getPodCIDR() != null) {
            podCidr = node.getSpec().getPodCIDR();
        }
        NodeStatus desired = status(node.getStatus());
        Instant now = clock.instant();
        if (!force && sameIgnoringHeartbeat(desired, lastReported) && now.isBefore(lastReportTime.plus(REPORT))) {
            return;
        }
        Node patch = new NodeBuilder().withNewMetadata().withName(id.nodeName()).endMetadata().withStatus(desired)
                .build();
        client.nodes().withName(id.nodeName()).subresource("status").patch(
                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                        io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), patch);
        lastReported = desired;
        lastReportTime = now;
    }

    private static boolean sameIgnoringHeartbeat(NodeStatus a, NodeStatus b) {
        if (b == null) {
            return false;
        }
        NodeStatus ca = new NodeBuilder().withStatus(a).build().getStatus();
        NodeStatus cb = new NodeBuilder().withStatus(b).build().getStatus();
        ca.getConditions().forEach(c -> c.setLastHeartbeatTime(null));
        cb.getConditions().forEach(c -> c.setLastHeartbeatTime(null));
        return Objects.equals(ca, cb);
    }

    NodeStatus status(NodeStatus old) {
        NodeStatus s = new NodeStatus();
        Map<String, Quantity> capacity = new LinkedHashMap<>();
        capacity.put("cpu", new Quantity(Integer.toString(NodeInfoProbe.cpus())));
        capacity.put("ephemeral-storage", new Quantity((NodeInfoProbe.diskBytes(id.dataDir()) / 1024) + "Ki"));
        capacity.put("hugepages-1Gi", new Quantity("0"));
        capacity.put("hugepages-2Mi", new Quantity("0"));
        capacity.put("memory", new Quantity((NodeInfoProbe.memoryBytes() / 1024) + "Ki"));
        capacity.put("pods", new Quantity("110"));
        s.setCapacity(capacity);
        s.setAllocatable(new LinkedHashMap<>(capacity));
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
        List<NodeCondition> conditions = new ArrayList<>();
        conditions.add(condition(old, "MemoryPressure", "False", "KubeletHasSufficientMemory",
                "kubelet has sufficient memory available", now));
        conditions.add(condition(old, "DiskPressure", "False", "KubeletHasNoDiskPressure",
                "kubelet has no disk pressure", now));
        conditions.add(condition(old, "PIDPressure", "False", "KubeletHasSufficientPID",
                "kubelet has sufficient PID available", now));
        conditions.add(condition(old, "Ready", "True", "KubeletReady", "kubelet is posting ready status", now));
        s.setConditions(conditions);
        s.setAddresses(List.of(new NodeAddress(id.nodeIp(), "InternalIP"), new NodeAddress(id.nodeName(), "Hostname")));
        s.setDaemonEndpoints(new io.fabric8.kubernetes.api.model.NodeDaemonEndpointsBuilder().withNewKubeletEndpoint()
                .withPort(id.kubeletPort()).endKubeletEndpoint().build());
        s.setNodeInfo(new io.fabric8.kubernetes.api.model.NodeSystemInfoBuilder()
                .withArchitecture("amd64").withOperatingSystem("linux")
                .withBootID(NodeInfoProbe.bootId()).withMachineID(NodeInfoProbe.machineId())
                .withSystemUUID(NodeInfoProbe.systemUuid()).withKernelVersion(NodeInfoProbe.kernelVersion())
                .withOsImage(NodeInfoProbe.osImage()).withContainerRuntimeVersion(runtime.versionString())
                .withKubeletVersion(id.kubeletVersion()).withKubeProxyVersion("").build());
        List<ContainerImage> images = new ArrayList<>();
        for (PodRuntime.ImageInfo img : runtime.listImages()) {
            images.add(new ContainerImage(img.names(), img.sizeBytes()));
        }
        images.sort((a, b) -> Long.compare(b.getSizeBytes(), a.getSizeBytes()));
        s.setImages(images.size() > 50 ? images.subList(0, 50) : images);
        return s;
    }

    private static NodeCondition condition(NodeStatus old, String type, String status, String reason, String message,
                                           String now) {
        String transition = now;
        if (old != null && old.getConditions() != null) {
            for (NodeCondition c : old.getConditions()) {
                if (type.equals(c.getType()) && status.equals(c.getStatus()) && c.getLastTransitionTime() != null) {
                    transition = c.getLastTransitionTime();
                }
            }
        }
        return new NodeCondition(now, transition, message, reason, status, type);
    }

    private static String microTime(Instant t) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC).format(t);
    }

    @Override
    public void close() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
