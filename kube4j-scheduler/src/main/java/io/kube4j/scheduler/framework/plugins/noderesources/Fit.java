package io.kube4j.scheduler.framework.plugins.noderesources;

import io.kube4j.scheduler.framework.CycleState;
import io.kube4j.scheduler.framework.FilterPlugin;
import io.kube4j.scheduler.framework.NodeInfo;
import io.kube4j.scheduler.framework.PodInfo;
import io.kube4j.scheduler.framework.PreFilterPlugin;
import io.kube4j.scheduler.framework.Resource;
import io.kube4j.scheduler.framework.ScorePlugin;
import io.kube4j.scheduler.framework.Status;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * NodeResourcesFit. Filter: the pod's requests (see {@link PodInfo}) must fit in the node's allocatable minus
 * what the pods already on it (bound or assumed) request, and the node must have room for one more pod; each
 * short resource is its own reason ("Insufficient cpu", "Too many pods"). Score: upstream's default
 * LeastAllocated strategy over CPU and memory (weights 1), with non-zero requests. Stateless, thread-safe.
 */
public final class Fit implements PreFilterPlugin, FilterPlugin, ScorePlugin {
    public static final String NAME = "NodeResourcesFit";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status preFilter(CycleState state, PodInfo pod) {
        // requests were computed once when the pod entered the queue
        return Status.SUCCESS;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
        if (fits(pod, node)) {
            return Status.SUCCESS;
        }
        return Status.unschedulable(insufficient(pod, node).toArray(String[]::new));
    }

    /**
     * True when {@link #insufficient} would find nothing: the same checks without building the reasons, as most
     * nodes the filter loop visits fit.
     */
    public static boolean fits(PodInfo pod, NodeInfo node) {
        Resource alloc = node.allocatable();
        if (node.pods().size() + 1 > alloc.allowedPods) {
            return false;
        }
        Resource want = pod.requests();
        Resource used = node.requested();
        if (want.milliCpu > 0 && want.milliCpu > alloc.milliCpu - used.milliCpu
                || want.memory > 0 && want.memory > alloc.memory - used.memory
                || want.ephemeralStorage > 0 && want.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
            return false;
        }
        if (!want.scalar.isEmpty()) {
            for (Map.Entry<String, Long> e : want.scalar.entrySet()) {
                long w = e.getValue();
                if (w > 0 && w > alloc.scalar.getOrDefault(e.getKey(), 0L)
                        - used.scalar.getOrDefault(e.getKey(), 0L)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The reasons the pod does not fit, in upstream's order; empty when it fits. */
    public static List<String> insufficient(PodInfo pod, NodeInfo node) {
        List<String> reasons = new ArrayList<>(1);
        Resource alloc = node.allocatable();
        Resource used = node.requested();
        if (node.pods().size() + 1 > alloc.allowedPods) {
            reasons.add("Too many pods");
        }
        Resource want = pod.requests();
        if (want.isZero()) {
            return reasons;
        }
        if (want.milliCpu > 0 && want.milliCpu > alloc.milliCpu - used.milliCpu) {
            reasons.add("Insufficient cpu");
        }
        if (want.memory > 0 && want.memory > alloc.memory - used.memory) {
            reasons.add("Insufficient memory");
        }
        if (want.ephemeralStorage > 0 && want.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
            reasons.add("Insufficient ephemeral-storage");
        }
        for (Map.Entry<String, Long> e : want.scalar.entrySet()) {
            long w = e.getValue();
            if (w > 0 && w > alloc.scalar.getOrDefault(e.getKey(), 0L) - used.scalar.getOrDefault(e.getKey(), 0L)) {
                reasons.add("Insufficient " + e.getKey());
            }
        }
        return reasons;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        long cpu = leastAllocated(node.nonZeroMilliCpu() + pod.nonZeroMilliCpu(), node.allocatable().milliCpu);
        long mem = leastAllocated(node.nonZeroMemory() + pod.nonZeroMemory(), node.allocatable().memory);
        return (cpu + mem) / 2;
    }

    static long leastAllocated(long requested, long capacity) {
        if (capacity == 0 || requested > capacity) {
            return 0;
        }
        return (capacity - requested) * MAX_NODE_SCORE / capacity;
    }
}
