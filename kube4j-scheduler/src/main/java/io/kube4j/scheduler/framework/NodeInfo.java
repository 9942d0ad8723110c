package io.kube4j.scheduler.framework;

import io.fabric8.kubernetes.api.model.Node;

import java.util.ArrayList;
import java.util.List;

/**
 * A node and what the pods on it (bound, or assumed by this scheduler and being bound) take from it: requested
 * resources, the non-zero requests used for scoring, and host ports. The cache owns the live copies and changes
 * them under its lock; a scheduling cycle reads {@link #snapshot() snapshots}, which nothing changes.
 */
public final class NodeInfo {
    private Node node;
    private final String name;
    private final List<PodInfo> pods;
    private final Resource requested;
    private long nonZeroMilliCpu;
    private long nonZeroMemory;
    private Resource allocatable;
    private final List<PodInfo.HostPort> usedPorts;
    private long generation;

    public NodeInfo(String name) {
        this(name, null, new ArrayList<>(), new Resource(), 0, 0, new Resource(), new ArrayList<>(), 0);
    }

    private NodeInfo(String name, Node node, List<PodInfo> pods, Resource requested, long nonZeroMilliCpu,
                     long nonZeroMemory, Resource allocatable, List<PodInfo.HostPort> usedPorts, long generation) {
        this.name = name;
        this.node = node;
        this.pods = pods;
        this.requested = requested;
        this.nonZeroMilliCpu = nonZeroMilliCpu;
        this.nonZeroMemory = nonZeroMemory;
        this.allocatable = allocatable;
        this.usedPorts = usedPorts;
        this.generation = generation;
    }

    /** A convenience for tests and callers that hold a node: its info with the given pods on it. */
    public static NodeInfo of(Node node, PodInfo... pods) {
        NodeInfo n = new NodeInfo(node.getMetadata().getName());
        n.setNode(node, 0);
        for (PodInfo p : pods) {
            n.addPod(p, 0);
        }
        return n;
    }

    public String name() {
        return name;
    }

    /** The Node object; null while only pods bound to a node the cache has not seen are known. */
    public Node node() {
        return node;
    }

    public List<PodInfo> pods() {
        return pods;
    }

    public Resource requested() {
        return requested;
    }

    public long nonZeroMilliCpu() {
        return nonZeroMilliCpu;
    }

    public long nonZeroMemory() {
        return nonZeroMemory;
    }

    public Resource allocatable() {
        return allocatable;
    }

    public List<PodInfo.HostPort> usedPorts() {
        return usedPorts;
    }

    public long generation() {
        return generation;
    }

    public void setNode(Node node, long generation) {
        this.node = node;
        this.allocatable = new Resource().add(node.getStatus() == null ? null : node.getStatus().getAllocatable());
        this.generation = generation;
    }

    public void removeNode(long generation) {
        this.node = null;
        this.allocatable = new Resource();
        this.generation = generation;
    }

    public void addPod(PodInfo p, long generation) {
        pods.add(p);
        requested.add(p.requests());
        nonZeroMilliCpu += p.nonZeroMilliCpu();
        nonZeroMemory += p.nonZeroMemory();
        usedPorts.addAll(p.hostPorts());
        this.generation = generation;
    }

    /** Removes the pod with this UID; false when it is not here. */
    public boolean removePod(String uid, long generation) {
        for (int i = 0; i < pods.size(); i++) {
            PodInfo p = pods.get(i);
            if (p.uid().equals(uid)) {
                pods.remove(i);
                requested.subtract(p.requests());
                nonZeroMilliCpu -= p.nonZeroMilliCpu();
                nonZeroMemory -= p.nonZeroMemory();
                for (PodInfo.HostPort hp : p.hostPorts()) {
                    usedPorts.remove(hp);
                }
                this.generation = generation;
                return true;
            }
        }
        return false;
    }

    /** A copy the cache does not change afterwards. */
    public NodeInfo snapshot() {
        return new NodeInfo(name, node, new ArrayList<>(pods), requested.copy(), nonZeroMilliCpu, nonZeroMemory,
                allocatable.copy(), new ArrayList<>(usedPorts), generation);
    }

    /** A copy without the given pods (what preemption would leave). */
    public NodeInfo without(List<PodInfo> victims) {
        NodeInfo c = snapshot();
        for (PodInfo v : victims) {
            c.removePod(v.uid(), generation);
        }
        return c;
    }

    @Override
    public String toString() {
        return name + pods;
    }
}
