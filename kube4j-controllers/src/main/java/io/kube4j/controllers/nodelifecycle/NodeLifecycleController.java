package io.kube4j.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kube4j.client.events.EventRecorder;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.ControllerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Upstream's node lifecycle controller with its NoExecute taint manager, keyed by node name. One sync of a node:
 * <ol>
 * <li>when neither its Lease ({@code kube-node-lease}) nor its Ready heartbeat moved for the grace period, its
 * kubelet-owned conditions become Unknown ("Kubelet stopped posting node status."), a {@code NodeNotReady} event is
 * recorded and its pods' Ready conditions turn False;</li>
 * <li>its taints follow its conditions ({@link NodeTaints}): {@code unreachable}/{@code not-ready} NoExecute and the
 * NoSchedule taints of TaintNodesByCondition, removed when it comes back;</li>
 * <li>pods on it that do not tolerate a NoExecute taint are evicted (DisruptionTarget condition, then deleted, with
 * a {@code TaintManagerEviction} event) at once or after their {@code tolerationSeconds} ({@link TaintEviction}).</li>
 * </ol>
 * The node is queued again for the next moment something can change by itself (grace period end, an eviction due),
 * and every node is looked at each monitor period as well. Time comes from the context's clock.
 */
public final class NodeLifecycleController extends Controller {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLifecycleController.class);
    static final String BY_NODE = "nodelifecycle.spec.nodeName";

    private final NodeLifecycleOptions options;
    private final NodeHealth health = new NodeHealth();
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private final Set<String> podsToMarkNotReady = ConcurrentHashMap.newKeySet();
    /** Pods this controller deleted, by UID, until the informer shows their deletion (no double eviction). */
    private final Map<String, Instant> evicted = new ConcurrentHashMap<>();
    private SharedIndexInformer<Node> nodes;
    private SharedIndexInformer<Lease> leases;
    private SharedIndexInformer<Pod> pods;
    private EventRecorder nodeEvents;
    private EventRecorder evictionEvents;
    private Thread monitor;

    public NodeLifecycleController(ControllerContext ctx, NodeLifecycleOptions options) {
        super(ctx);
        this.options = options;
    }

    @Override
    public String name() {
        return "nodelifecycle";
    }

    @Override
    protected int workers() {
        return 4;
    }

    @Override
    protected void register() {
        nodeEvents = ctx.events("node-controller");
        evictionEvents = ctx.events("taint-eviction-controller");
        nodes = ctx.informer(Node.class);
        leases = ctx.informer(Lease.class);
        pods = ctx.informer(Pod.class);
        pods.addIndexers(Map.of(BY_NODE, p -> p.getSpec() == null || p.getSpec().getNodeName() == null
                ? List.of() : List.of(p.getSpec().getNodeName())));
        enqueueOn(nodes, n -> n.getMetadata().getName());
        leases.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Lease lease) {
                onLease(lease);
            }

            @Override
            public void onUpdate(Lease oldLease, Lease lease) {
                onLease(lease);
            }

            @Override
            public void onDelete(Lease lease, boolean unknown) {
            }
        });
        pods.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                onPod(pod);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod pod) {
                onPod(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean unknown) {
                evicted.remove(pod.getMetadata().getUid());
            }
        });
        monitor = Thread.ofVirtual().name("nodelifecycle-monitor").start(this::monitorLoop);
    }

    /** A renewed Lease matters at once only for a node that is not Ready; the others are checked at their deadline. */
    private void onLease(Lease lease) {
        if (!"kube-node-lease".equals(lease.getMetadata().getNamespace())) {
            return;
        }
        Node node = nodes.getStore().getByKey(lease.getMetadata().getName());
        if (node != null && !"True".equals(NodeConditions.readyStatus(node))) {
            enqueue(node.getMetadata().getName());
        }
    }

    /** A pod wakes its node only when the node has NoExecute taints it might not tolerate. */
    private void onPod(Pod pod) {
        String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (nodeName == null || pod.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        Node node = nodes.getStore().getByKey(nodeName);
        if (node != null && node.getSpec() != null && node.getSpec().getTaints() != null
                && node.getSpec().getTaints().stream().anyMatch(t -> "NoExecute".equals(t.getEffect()))) {
            enqueue(nodeName);
        }
    }

    private void monitorLoop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(options.monitorPeriod().toMillis());
                for (String name : nodes.getStore().listKeys()) {
                    enqueue(name);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    protected void sync(String name) {
        Node node = nodes.getStore().getByKey(name);
        if (node == null) {
            if (known.remove(name)) {
                health.forget(name);
                LOG.info("node {} removed", name);
            }
            return;
        }
        if (known.add(name)) {
            nodeEvents.normal(node, null, "RegisteredNode", "Node " + name + " event: Registered Node " + name
                    + " in Controller");
        }
        Instant now = ctx.clock().instant();
        String nowText = DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS));
        Lease lease = leases.getStore().getByKey("kube-node-lease/" + name);
        Instant probe = health.observe(node, lease, now);
        Duration grace = NodeConditions.find(node, "Ready") == null ? options.startupGracePeriod()
                : options.gracePeriod();
        Instant deadline = probe.plus(grace);

        String observedReady = NodeConditions.readyStatus(node);
        if (now.isAfter(deadline)) {
            Node unknown = NodeConditions.markUnknown(node, nowText);
            if (unknown != null) {
                node = ctx.client().nodes().resource(unknown).updateStatus();
                LOG.info("node {} stopped posting status for {}: conditions Unknown", name,
                        Duration.between(probe, now).toSeconds() + "s");
            }
        }
        String currentReady = NodeConditions.readyStatus(node);
        if ("True".equals(observedReady) && !"True".equals(currentReady)) {
            nodeEvents.normal(node, null, "NodeNotReady", "Node " + name + " status is now: NodeNotReady");
            podsToMarkNotReady.add(name);
        }
        if (podsToMarkNotReady.contains(name) && !"True".equals(currentReady)) {
            markPodsNotReady(name, nowText);
        }
        podsToMarkNotReady.remove(name);

        List<Taint> desired = NodeTaints.desired(node, nowText);
        List<Taint> current = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of()
                : node.getSpec().getTaints();
        if (!desired.equals(current)) {
            Node copy = new NodeBuilder(node).editOrNewSpec().withTaints(desired).endSpec().build();
            node = ctx.client().nodes().resource(copy).update();
            LOG.info("node {} taints now {}", name, desired.stream().map(t -> t.getKey() + ":" + t.getEffect()).toList());
        }

        Instant next = now.isAfter(deadline) ? null : deadline.plusMillis(1);
        List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of()
                : node.getSpec().getTaints();
        if (taints.stream().anyMatch(t -> "NoExecute".equals(t.getEffect()))) {
            for (Pod pod : pods.getIndexer().byIndex(BY_NODE, name)) {
                if (pod.getMetadata().getDeletionTimestamp() != null
                        || evicted.containsKey(pod.getMetadata().getUid())) {
                    continue;
                }
                Optional<Instant> at = TaintEviction.evictionTime(taints, pod.getSpec().getTolerations(), now);
                if (at.isEmpty()) {
                    continue;
                }
                if (!at.get().isAfter(now)) {
                    evict(pod, nowText);
                } else if (next == null || at.get().isBefore(next)) {
                    next = at.get();
                }
            }
        }
        if (next != null) {
            queue.addAfter(name, Duration.between(now, next));
        }
    }

    /** Upstream's MarkPodsNotReady: the pods of a node that went silent are no longer Ready. */
    private void markPodsNotReady(String nodeName, String now) {
        for (Pod pod : pods.getIndexer().byIndex(BY_NODE, nodeName)) {
            List<PodCondition> conditions = pod.getStatus() == null || pod.getStatus().getConditions() == null
                    ? List.of() : pod.getStatus().getConditions();
            if (conditions.stream().noneMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))) {
                continue;
            }
            Pod copy = new PodBuilder(pod).build();
            for (PodCondition c : copy.getStatus().getConditions()) {
                if ("Ready".equals(c.getType())) {
                    c.setStatus("False");
                    c.setLastTransitionTime(now);
                }
            }
            try {
                ctx.client().pods().inNamespace(pod.getMetadata().getNamespace()).resource(copy).updateStatus();
                evictionEvents.warning(pod, null, "NodeNotReady", "Node is not ready");
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    podsToMarkNotReady.add(nodeName);
                    throw e;
                }
            }
        }
    }

    /** Marks the pod as disrupted by the taint manager, then deletes it with its own grace period. */
    private void evict(Pod pod, String now) {
        String ns = pod.getMetadata().getNamespace();
        String podName = pod.getMetadata().getName();
        List<PodCondition> conditions = pod.getStatus() == null || pod.getStatus().getConditions() == null
                ? new ArrayList<>() : new ArrayList<>(pod.getStatus().getConditions());
        conditions.removeIf(c -> "DisruptionTarget".equals(c.getType()));
        PodCondition disruption = new PodCondition();
        disruption.setType("DisruptionTarget");
        disruption.setStatus("True");
        disruption.setReason("DeletionByTaintManager");
        disruption.setMessage("Taint manager: deleting due to NoExecute taint");
        disruption.setLastTransitionTime(now);
        conditions.add(disruption);
        Pod copy = new PodBuilder(pod).editOrNewStatus().withConditions(conditions).endStatus().build();
        try {
            ctx.client().pods().inNamespace(ns).resource(copy).updateStatus();
            evictionEvents.normal(pod, null, "TaintManagerEviction", "Marking for deletion Pod " + ns + "/" + podName);
            ctx.client().pods().inNamespace(ns).withName(podName).delete();
            evicted.put(pod.getMetadata().getUid(), ctx.clock().instant());
            LOG.info("evicted pod {}/{} from node {}", ns, podName, pod.getSpec().getNodeName());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        if (monitor != null) {
            monitor.interrupt();
        }
        super.close();
    }
}
