package io.kube4j.scheduler.framework;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;

import java.util.ArrayList;
import java.util.List;

/**
 * A node and what the pods on it (bound, or assumed by this scheduler and being bound) take from it: requested
 * resources, the non-zero requests used for scoring, and host ports. What the filters read from the Node object
 * (cordon, taints by effect, allocatable) is taken from it once when it is set, so the filter loop, which visits
 * hundreds of nodes per pod, reads this one object instead of walking the Node's spec. The cache owns the live
 * copies and changes them under its lock; a scheduling cycle reads {@link #snapshot() snapshots}, which nothing
 * changes.
 */
public final class NodeInfo {
    private Node node;
    private final String name;
    private boolean unschedulable;
    private List<Taint> noScheduleTaints;
    private List<Taint> preferNoScheduleTaints;
    private final List<PodInfo> pods;
    private final Resource requested;
    private long nonZeroMilliCpu;
    private long nonZeroMemory;
    private Resource allocatable;
    private final List<PodInfo.HostPort> usedPorts;
    private long generation;

    public NodeInfo(String name) {
        this(name, new ArrayList<>(), new Resource(), 0, 0, new ArrayList<>(), 0);
        setNodeFields(null, false, List.of(), List.of(), new Resource());
    }

    private NodeInfo(String name, List<PodInfo> pods, Resource requested, long nonZeroMilliCpu, long nonZeroMemory,
                     List<PodInfo.HostPort> usedPorts, long generation) {
        this.name = name;
        this.pods = pods;
        this.requested = requested;
        this.nonZeroMilliCpu = nonZeroMilliCpu;
        this.nonZeroMemory = nonZeroMemory;
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

    /** {@code spec.unschedulable} (cordoned). */
    public boolean unschedulable() {
        return unschedulable;
    }

    /** The node's NoSchedule and NoExecute taints, in the node's order (what the TaintToleration filter checks). */
    public List<Taint> noScheduleTaints() {
        return noScheduleTaints;
    }

    /** The node's PreferNoSchedule taints, in the node's order (what TaintToleration scores). */
    public List<Taint> preferNoScheduleTaints() {
        return preferNoScheduleTaints;
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

    /** The node's allocatable resources; do not change. */
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
        var spec = node.getSpec();
        List<Taint> noSchedule = new ArrayList<>();
        List<Taint> prefer = new ArrayList<>();
        if (spec != null && spec.getTaints() != null) {
            for (Taint t : spec.getTaints()) {
                if ("NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect())) {
                    noSchedule.add(t);
                } else if ("PreferNoSchedule".equals(t.getEffect())) {
                    prefer.add(t);
                }
            }
        }
        setNodeFields(node, spec != null && Boolean.TRUE.equals(spec.getUnschedulable()), List.copyOf(noSchedule),
                List.copyOf(prefer), new Resource().add(node.getStatus() == null ? null
                        : node.getStatus().getAllocatable()));
        this.generation = generation;
    }

    public void removeNode(long generation) {
        setNodeFields(null, false, List.of(), List.of(), new Resource());
        this.generation = generation;
    }

    private void setNodeFields(Node node, boolean unschedulable, List<Taint> noScheduleTaints,
                               List<Taint> preferNoScheduleTaints, Resource allocatable) {
        this.node = node;
        this.unschedulable = unschedulable;
        this.noScheduleTaints = noScheduleTaints;
        this.preferNoScheduleTaints = preferNoScheduleTaints;
        this.allocatable = allocatable;
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

    /**
     * A copy the cache does not change afterwards. The taint lists are immutable and shared; the resources are
     * copied, which also places them next to the copy in memory, where the filter loop reads them.
     */
    public NodeInfo snapshot() {
        NodeInfo c = new NodeInfo(name, new ArrayList<>(pods), requested.copy(), nonZeroMilliCpu, nonZeroMemory,
                new ArrayList<>(usedPorts), generation);
        c.setNodeFields(node, unschedulable, noScheduleTaints, preferNoScheduleTaints, allocatable.copy());
        return c;
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
