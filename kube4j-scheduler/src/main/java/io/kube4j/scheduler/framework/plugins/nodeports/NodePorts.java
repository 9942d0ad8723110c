package io.kube4j.scheduler.framework.plugins.nodeports;

import io.kube4j.scheduler.framework.CycleState;
import io.kube4j.scheduler.framework.FilterPlugin;
import io.kube4j.scheduler.framework.NodeInfo;
import io.kube4j.scheduler.framework.PodInfo;
import io.kube4j.scheduler.framework.PreFilterPlugin;
import io.kube4j.scheduler.framework.Status;

/**
 * Filter: the pod's host ports must be free on the node (same protocol and port conflict when either host IP is
 * the wildcard or both are equal). Stateless, thread-safe.
 */
public final class NodePorts implements PreFilterPlugin, FilterPlugin {
    public static final String NAME = "NodePorts";
    public static final String ERR_REASON = "node(s) didn't have free ports for the requested pod ports";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status preFilter(CycleState state, PodInfo pod) {
        // the ports were gathered once in PodInfo; nothing to do for a pod without host ports
        return pod.hostPorts().isEmpty() ? Status.SKIP : Status.SUCCESS;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
        for (PodInfo.HostPort wanted : pod.hostPorts()) {
            for (PodInfo.HostPort used : node.usedPorts()) {
                if (wanted.conflictsWith(used)) {
                    return Status.unschedulable(ERR_REASON);
                }
            }
        }
        return Status.SUCCESS;
    }
}
