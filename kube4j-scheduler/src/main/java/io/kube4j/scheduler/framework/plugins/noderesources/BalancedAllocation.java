package io.kube4j.scheduler.framework.plugins.noderesources;

import io.kube4j.scheduler.framework.CycleState;
import io.kube4j.scheduler.framework.NodeInfo;
import io.kube4j.scheduler.framework.PodInfo;
import io.kube4j.scheduler.framework.ScorePlugin;

/**
 * NodeResourcesBalancedAllocation. Score: nodes whose CPU and memory would be used in equal shares after placing
 * the pod score higher: (1 - standard deviation of the two fractions) * 100. Stateless, thread-safe.
 */
public final class BalancedAllocation implements ScorePlugin {
    public static final String NAME = "NodeResourcesBalancedAllocation";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        long cpuCap = node.allocatable().milliCpu;
        long memCap = node.allocatable().memory;
        if (cpuCap == 0 || memCap == 0) {
            // a resource the node does not have is left out; one fraction alone deviates by nothing
            return MAX_NODE_SCORE;
        }
        double cpu = Math.min(1.0, (double) (node.requested().milliCpu + pod.requests().milliCpu) / cpuCap);
        double mem = Math.min(1.0, (double) (node.requested().memory + pod.requests().memory) / memCap);
        // the standard deviation of two values is half their distance
        double std = Math.abs(cpu - mem) / 2;
        return (long) ((1 - std) * MAX_NODE_SCORE);
    }
}
