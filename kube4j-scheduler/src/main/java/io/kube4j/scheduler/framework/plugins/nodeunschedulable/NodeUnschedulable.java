package io.kube4j.scheduler.framework.plugins.nodeunschedulable;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.kube4j.scheduler.framework.CycleState;
import io.kube4j.scheduler.framework.FilterPlugin;
import io.kube4j.scheduler.framework.NodeInfo;
import io.kube4j.scheduler.framework.PodInfo;
import io.kube4j.scheduler.framework.Status;
import io.kube4j.scheduler.framework.plugins.tainttoleration.TaintToleration;

import java.util.List;

/**
 * Filter: a cordoned node ({@code spec.unschedulable}) takes only pods that tolerate the
 * {@code node.kubernetes.io/unschedulable:NoSchedule} taint. Stateless, thread-safe.
 */
public final class NodeUnschedulable implements FilterPlugin {
    public static final String NAME = "NodeUnschedulable";
    public static final String ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable";
    private static final Taint UNSCHEDULABLE = new TaintBuilder().withKey("node.kubernetes.io/unschedulable")
            .withEffect("NoSchedule").build();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
        if (!node.unschedulable()) {
            return Status.SUCCESS;
        }
        List<io.fabric8.kubernetes.api.model.Toleration> t = pod.pod().getSpec().getTolerations();
        if (t != null && TaintToleration.tolerated(UNSCHEDULABLE, t)) {
            return Status.SUCCESS;
        }
        return Status.unresolvable(ERR_REASON_UNSCHEDULABLE);
    }
}
