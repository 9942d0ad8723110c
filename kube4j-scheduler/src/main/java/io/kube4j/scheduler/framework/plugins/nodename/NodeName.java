package io.kube4j.scheduler.framework.plugins.nodename;

import io.kube4j.scheduler.framework.CycleState;
import io.kube4j.scheduler.framework.FilterPlugin;
import io.kube4j.scheduler.framework.NodeInfo;
import io.kube4j.scheduler.framework.PodInfo;
import io.kube4j.scheduler.framework.Status;

/** Filter: a pod that names a node ({@code spec.nodeName}) fits only that node. Stateless, thread-safe. */
public final class NodeName implements FilterPlugin {
    public static final String NAME = "NodeName";
    public static final String ERR_REASON = "node(s) didn't match the requested node name";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
        String wanted = pod.pod().getSpec().getNodeName();
        if (wanted == null || wanted.isEmpty() || wanted.equals(node.name())) {
            return Status.SUCCESS;
        }
        return Status.unresolvable(ERR_REASON);
    }
}
