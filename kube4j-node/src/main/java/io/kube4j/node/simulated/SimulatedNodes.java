package io.kube4j.node.simulated;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.client.workqueue.RateLimitingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs many simulated nodes for one API server in one process, cheaply: no thread per node or pod. One shared pod
 * informer (filtered in memory by {@code spec.nodeName}) and one node informer feed a single work queue of keys
 * ({@code p/NS/NAME} for a pod), and a second queue holds the nodes' heartbeats ({@code n/NODE}), so a burst of pod
 * work never delays a Lease renewal past the node monitor's grace period (a kubelet renews its Lease on its own
 * goroutine too). Virtual-thread workers drain each queue, one per {@value #NODES_PER_HEARTBEAT_WORKER} nodes (at
 * least two for heartbeats, at least {@code workers} for pods), as each sync is blocking API calls.
 * Every timer (heartbeats, start delays, exits, grace periods) is a delayed add to a queue.
 *
 * <p>Each node registers a Node (capacity, labels including {@code kube4j.io/simulated=true}, taints), renews its
 * Lease in {@code kube-node-lease} every heartbeat and reports Ready; each pod bound to it is reported as the
 * kubelet would ({@link SimulatedPodStatus}) with an IP from the node's podCIDR, and a pod marked for deletion is
 * removed with grace period 0. {@link #stop} silences one node (no heartbeat, no pod work) to stage a node failure;
 * {@link #resume} brings it back. Thread-safe.
 */
public final class SimulatedNodes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedNodes.class);
    static final String LEASE_NAMESPACE = "kube-node-lease";
    static final int LEASE_SECONDS = 40;
    private static final String NODE_KEY = "n/";
    /** Heartbeat workers: a 10 s heartbeat of 100 nodes is 10 Lease renewals/s, ~1 in flight at 100 ms each. */
    static final int NODES_PER_HEARTBEAT_WORKER = 100;
    private static final String POD_KEY = "p/";

    private final KubernetesClient client;
    private final PatchSender patches;
    private final SimulatedNodeOptions options;
    private final Clock clock;
    private final Map<String, SimNode> nodes = new LinkedHashMap<>();
    private final Map<String, PodState> pods = new ConcurrentHashMap<>();
    private final RateLimitingQueue<String> queue = new RateLimitingQueue<>();
    private final RateLimitingQueue<String> heartbeats = new RateLimitingQueue<>();
    private final List<Thread> workers = new ArrayList<>();
    private final CountDownLatch registered;
    private SharedIndexInformer<Pod> podInformer;
    private SharedIndexInformer<Node> nodeInformer;

    /** One node: its identity and what the heartbeat remembers. Fields are guarded by the node's own lock. */
    private static final class SimNode {
        final String name;
        final int index;
        final String ip;
        volatile boolean stopped;
        boolean registered;
        boolean leaseExists;
        Instant lastStatus = Instant.EPOCH;
        PodIpRange range;

        SimNode(String name, int index) {
            this.name = name;
            this.index = index;
            // a synthetic InternalIP per node, in the benchmarking range: nothing is ever sent to it
            this.ip = PodIpRange.format(PodIpRange.ipv4("198.18.0.0") + 1 + index);
        }
    }

    /** What the node remembers of a pod between syncs; touched only by the worker holding the pod's key. */
    private static final class PodState {
        String uid;
        String node;
        Instant firstSeen;
        String ip;
        Instant deletionSeen;
        String writtenRv;
        JsonNode writtenStatus;
    }

    public SimulatedNodes(KubernetesClient client, SimulatedNodeOptions options, Clock clock) {
        this.client = client;
        this.patches = new PatchSender(client);
        this.options = options;
        this.clock = clock;
        for (int i = 0; i < options.count(); i++) {
            String name = options.nodeName(i);
            nodes.put(name, new SimNode(name, options.firstIndex() + i));
        }
        this.registered = new CountDownLatch(options.count());
    }

    /** Starts the informers and workers, and queues every node's registration. */
    public SimulatedNodes start() throws InterruptedException {
        nodeInformer = client.nodes().withLabel(SimulatedNodeOptions.SIMULATED_LABEL, "true").runnableInformer(0);
        podInformer = client.pods().inAnyNamespace().runnableInformer(0);
        podInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                onPod(pod);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod pod) {
                onPod(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                String key = Cache.metaNamespaceKeyFunc(pod);
                if (pods.containsKey(key)) {
                    queue.add(POD_KEY + key);
                }
            }
        });
        nodeInformer.start();
        podInformer.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!nodeInformer.hasSynced() || !podInformer.hasSynced()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("simulated nodes: informers did not sync within 60s");
            }
            Thread.sleep(20);
        }
        for (String name : nodes.keySet()) {
            heartbeats.add(NODE_KEY + name);
        }
        int heartbeatWorkers = Math.max(2, (nodes.size() + NODES_PER_HEARTBEAT_WORKER - 1) / NODES_PER_HEARTBEAT_WORKER);
        // pod work grows with the nodes too (each real node has its own kubelet): at least one worker per 100 nodes
        for (int i = 0; i < Math.max(Math.max(1, options.workers()), heartbeatWorkers); i++) {
            workers.add(Thread.ofVirtual().name("simulated-node-worker-" + i).start(() -> work(queue)));
        }
        for (int i = 0; i < heartbeatWorkers; i++) {
            workers.add(Thread.ofVirtual().name("simulated-node-heartbeat-" + i).start(() -> work(heartbeats)));
        }
        LOG.info("simulated nodes starting count={} first={}", nodes.size(),
                nodes.isEmpty() ? "" : nodes.keySet().iterator().next());
        return this;
    }

    /** Waits until every node has registered once; false on timeout. */
    public boolean awaitRegistered(Duration timeout) throws InterruptedException {
        return registered.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public List<String> nodeNames() {
        return List.copyOf(nodes.keySet());
    }

    /** Stops one node's heartbeats and pod work, as if its kubelet died; its pods keep their last status. */
    public void stop(String nodeName) {
        node(nodeName).stopped = true;
        LOG.info("simulated node {} stopped", nodeName);
    }

    /** Resumes a stopped node: heartbeats at once, and its pods are looked at again. */
    public void resume(String nodeName) {
        SimNode n = node(nodeName);
        n.stopped = false;
        synchronized (n) {
            n.lastStatus = Instant.EPOCH; // report status with the first heartbeat
        }
        heartbeats.add(NODE_KEY + nodeName);
        for (Pod p : podInformer.getStore().list()) {
            if (nodeName.equals(p.getSpec().getNodeName())) {
                queue.add(POD_KEY + Cache.metaNamespaceKeyFunc(p));
            }
        }
        LOG.info("simulated node {} resumed", nodeName);
    }

    public boolean isStopped(String nodeName) {
        return node(nodeName).stopped;
    }

    private SimNode node(String name) {
        SimNode n = nodes.get(name);
        if (n == null) {
            throw new IllegalArgumentException("no simulated node " + name);
        }
        return n;
    }

    private void onPod(Pod pod) {
        String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        String key = Cache.metaNamespaceKeyFunc(pod);
        if ((nodeName != null && nodes.containsKey(nodeName)) || pods.containsKey(key)) {
            queue.add(POD_KEY + key);
        }
    }

    private void work(RateLimitingQueue<String> queue) {
        try {
            while (true) {
                Optional<String> next = queue.get();
                if (next.isEmpty()) {
                    return;
                }
                String key = next.get();
                try {
                    if (key.startsWith(NODE_KEY)) {
                        syncNode(nodes.get(key.substring(NODE_KEY.length())));
                    } else {
                        syncPod(key.substring(POD_KEY.length()));
                    }
                    queue.forget(key);
                } catch (KubernetesClientException e) {
                    LOG.debug("simulated {} failed (retry {}): {}", key, queue.numRequeues(key), e.toString());
                    queue.addRateLimited(key);
                } catch (RuntimeException e) {
                    LOG.warn("simulated {} failed (retry {}): {}", key, queue.numRequeues(key), e.toString());
                    queue.addRateLimited(key);
                } finally {
                    queue.done(key);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- nodes ----

    private void syncNode(SimNode n) {
        if (n == null || n.stopped) {
            return; // resume() queues it again
        }
        synchronized (n) {
            boolean force = false;
            if (!n.registered) {
                register(n);
                force = true;
            }
            renewLease(n);
            Node cached = nodeInformer.getStore().getByKey(n.name);
            Instant now = clock.instant();
            if (force || cached == null || !readyTrue(cached)
                    || !now.isBefore(n.lastStatus.plus(options.statusReport()))) {
                try {
                    postStatus(n, cached, now);
                } catch (KubernetesClientException e) {
                    if (e.getCode() == 404) {
                        n.registered = false; // someone deleted the node: register again, as the kubelet does
                        n.leaseExists = false;
                    }
                    throw e;
                }
                if (force) {
                    registered.countDown();
                }
            }
        }
        heartbeats.addAfter(NODE_KEY + n.name, options.heartbeat());
    }

    private static boolean readyTrue(Node node) {
        if (node.getStatus() == null || node.getStatus().getConditions() == null) {
            return false;
        }
        return node.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private void register(SimNode n) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("beta.kubernetes.io/arch", "amd64");
        labels.put("beta.kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", "amd64");
        labels.put("kubernetes.io/hostname", n.name);
        labels.put("kubernetes.io/os", "linux");
        labels.put(SimulatedNodeOptions.SIMULATED_LABEL, "true");
        labels.putAll(options.labels());
        Node node = new NodeBuilder().withNewMetadata().withName(n.name).withLabels(labels)
                .addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
                .addToAnnotations("volumes.kubernetes.io/controller-managed-attach-detach", "true")
                .endMetadata().withNewSpec().withTaints(options.taints()).endSpec().build();
        try {
            client.nodes().resource(node).create();
            LOG.debug("registered simulated node {}", n.name);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
        n.registered = true;
    }

    private void renewLease(SimNode n) {
        var leases = client.leases().inNamespace(LEASE_NAMESPACE);
        if (n.leaseExists) {
            try {
                patchLease(n);
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
        }
        Node node = nodeInformer.getStore().getByKey(n.name);
        if (node == null) {
            node = client.nodes().withName(n.name).get();
        }
        LeaseBuilder b = new LeaseBuilder().withNewMetadata().withName(n.name).withNamespace(LEASE_NAMESPACE)
                .endMetadata().withNewSpec().withHolderIdentity(n.name).withLeaseDurationSeconds(LEASE_SECONDS)
                .withRenewTime(ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)).endSpec();
        if (node != null) {
            b.editMetadata().addNewOwnerReference().withApiVersion("v1").withKind("Node").withName(n.name)
                    .withUid(node.getMetadata().getUid()).endOwnerReference().endMetadata();
        }
        Lease lease = b.build();
        try {
            leases.resource(lease).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            patchLease(n);
        }
        n.leaseExists = true;
    }

    /** The kubelet's renewal: the Lease's renewTime now, through a merge patch whose answer is not decoded. */
    private void patchLease(SimNode n) {
        patches.mergePatch("/apis/coordination.k8s.io/v1/namespaces/" + LEASE_NAMESPACE + "/leases/" + n.name,
                "{\"spec\":{\"renewTime\":\"" + microTime(clock.instant()) + "\",\"holderIdentity\":\"" + n.name
                        + "\"}}");
    }

    private void postStatus(SimNode n, Node cached, Instant now) {
        NodeStatus old = cached == null ? null : cached.getStatus();
        NodeStatus s = new NodeStatus();
        Map<String, Quantity> capacity = new LinkedHashMap<>();
        capacity.put("cpu", new Quantity(options.cpu()));
        capacity.put("memory", new Quantity(options.memory()));
        capacity.put("pods", new Quantity(Integer.toString(options.pods())));
        s.setCapacity(capacity);
        s.setAllocatable(new LinkedHashMap<>(capacity));
        String t = SimulatedPodStatus.time(now);
        s.setConditions(List.of(
                condition(old, "MemoryPressure", "False", "KubeletHasSufficientMemory",
                        "kubelet has sufficient memory available", t),
                condition(old, "DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", t),
                condition(old, "PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available",
                        t),
                condition(old, "Ready", "True", "KubeletReady", "kubelet is posting ready status", t)));
        s.setAddresses(List.of(new NodeAddress(n.ip, "InternalIP"), new NodeAddress(n.name, "Hostname")));
        s.setDaemonEndpoints(new io.fabric8.kubernetes.api.model.NodeDaemonEndpointsBuilder().withNewKubeletEndpoint()
                .withPort(10250).endKubeletEndpoint().build());
        String id = UUID.nameUUIDFromBytes(n.name.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
        s.setNodeInfo(new io.fabric8.kubernetes.api.model.NodeSystemInfoBuilder()
                .withArchitecture("amd64").withOperatingSystem("linux").withBootID(id)
                .withMachineID(id.replace("-", "")).withSystemUUID(id).withKernelVersion("")
                .withOsImage("kube4j simulated node").withContainerRuntimeVersion("kube4j-sim://0.1.0")
                .withKubeletVersion(options.kubeletVersion()).withKubeProxyVersion("").build());
        Node patch = new NodeBuilder().withNewMetadata().withName(n.name).endMetadata().withStatus(s).build();
        patches.mergePatch("/api/v1/nodes/" + n.name + "/status", client.getKubernetesSerialization().asJson(patch));
        n.lastStatus = now;
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

    // ---- pods ----

    private void syncPod(String key) {
        Pod pod = podInformer.getStore().getByKey(key);
        PodState state = pods.get(key);
        if (state != null && (pod == null || !state.uid.equals(pod.getMetadata().getUid())
                || !state.node.equals(pod.getSpec().getNodeName()))) {
            forget(key, state);
            state = null;
        }
        if (pod == null) {
            return;
        }
        SimNode n = nodes.get(pod.getSpec().getNodeName());
        if (n == null || n.stopped) {
            return;
        }
        Instant now = clock.instant();
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        boolean terminal = "Succeeded".equals(phase) || "Failed".equals(phase);
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            if (options.deletion() == SimulatedNodeOptions.Deletion.AFTER_GRACE_PERIOD && !terminal) {
                if (state == null) {
                    state = newState(pod, n, now);
                }
                if (state.deletionSeen == null) {
                    state.deletionSeen = now;
                }
                long grace = pod.getMetadata().getDeletionGracePeriodSeconds() == null ? 0
                        : pod.getMetadata().getDeletionGracePeriodSeconds();
                Instant due = state.deletionSeen.plusSeconds(grace);
                if (now.isBefore(due)) {
                    queue.addAfter(POD_KEY + key, Duration.between(now, due));
                    return;
                }
            }
            try {
                client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                        .withGracePeriod(0).delete();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
            return;
        }
        if (state == null) {
            if (terminal) {
                return; // finished before this process knew it: nothing more will happen to it
            }
            state = newState(pod, n, now);
        }
        PodScript script = options.pod().forPod(pod);
        SimulatedPodStatus.Result r = SimulatedPodStatus.compute(pod, script, state.firstSeen, now, state.ip, n.ip);
        JsonNode desired = Json.MAPPER.valueToTree(r.status());
        boolean asWritten = pod.getMetadata().getResourceVersion().equals(state.writtenRv)
                && desired.equals(state.writtenStatus);
        if (!asWritten && !desired.equals(Json.MAPPER.valueToTree(pod.getStatus()))) {
            // as the kubelet's status manager: a patch of the status, no resourceVersion precondition, naming the
            // uid it was computed for (a pod recreated under this name refuses it). The status was computed from
            // the pod's current one and carries all its fields, so the merge gives exactly the computed status
            // (lists are replaced whole).
            String body = "{\"metadata\":{\"uid\":" + Json.string(Json.MAPPER.getNodeFactory()
                    .textNode(state.uid)) + "},\"status\":" + Json.string(desired) + "}";
            try {
                state.writtenRv = patches.mergePatch("/api/v1/namespaces/" + pod.getMetadata().getNamespace()
                        + "/pods/" + pod.getMetadata().getName() + "/status", body);
                state.writtenStatus = desired;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404 || e.getCode() == 422 && e.getMessage().contains("metadata.uid")) {
                    return; // gone, or recreated under its name: the informer brings the new pod
                }
                throw e;
            }
        }
        if (r.nextChange() != null) {
            // a little late rather than early, so the status computed then has really changed
            queue.addAfter(POD_KEY + key, Duration.between(now, r.nextChange()).plusMillis(50));
        }
    }

    private PodState newState(Pod pod, SimNode n, Instant now) {
        PodState s = new PodState();
        s.uid = pod.getMetadata().getUid();
        s.node = n.name;
        String start = pod.getStatus() == null ? null : pod.getStatus().getStartTime();
        s.firstSeen = start != null ? Instant.parse(start) : now;
        boolean hostNetwork = Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
        synchronized (n) {
            PodIpRange range = range(n);
            String existing = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
            if (hostNetwork) {
                s.ip = n.ip;
            } else if (existing != null && range.occupy(existing)) {
                s.ip = existing;
            } else {
                s.ip = range.allocate();
                if (s.ip == null) {
                    throw new IllegalStateException("node " + n.name + " has no pod IP left in " + range.cidr());
                }
            }
        }
        pods.put(Cache.metaNamespaceKeyFunc(pod), s);
        return s;
    }

    /** The node's address block: its podCIDR once the control plane gave it one, else a synthetic /24. */
    private PodIpRange range(SimNode n) {
        Node cached = nodeInformer.getStore().getByKey(n.name);
        String cidr = cached != null && cached.getSpec() != null && cached.getSpec().getPodCIDR() != null
                ? cached.getSpec().getPodCIDR() : PodIpRange.synthetic(n.index);
        if (n.range == null || !n.range.cidr().equals(cidr)) {
            PodIpRange r = new PodIpRange(cidr);
            for (PodState p : pods.values()) {
                if (n.name.equals(p.node) && p.ip != null && !p.ip.equals(n.ip)) {
                    r.occupy(p.ip);
                }
            }
            n.range = r;
        }
        return n.range;
    }

    private void forget(String key, PodState state) {
        pods.remove(key);
        SimNode n = nodes.get(state.node);
        if (n != null && state.ip != null) {
            synchronized (n) {
                if (n.range != null) {
                    n.range.release(state.ip);
                }
            }
        }
    }

    @Override
    public void close() {
        queue.shutDown();
        heartbeats.shutDown();
        workers.forEach(Thread::interrupt);
        if (podInformer != null) {
            podInformer.close();
        }
        if (nodeInformer != null) {
            nodeInformer.close();
        }
    }
}
