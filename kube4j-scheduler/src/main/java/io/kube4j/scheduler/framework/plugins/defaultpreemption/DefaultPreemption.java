package io.kube4j.scheduler.framework.plugins.defaultpreemption;

import io.kube4j.scheduler.framework.Code;
import io.kube4j.scheduler.framework.CycleState;
import io.kube4j.scheduler.framework.FitError;
import io.kube4j.scheduler.framework.FrameworkHandle;
import io.kube4j.scheduler.framework.NodeInfo;
import io.kube4j.scheduler.framework.PodInfo;
import io.kube4j.scheduler.framework.PostFilterPlugin;
import io.kube4j.scheduler.framework.Status;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PostFilter: upstream's preemption dry run, which decides the last part of the FailedScheduling message. A node
 * rejected for a reason eviction cannot change is "not helpful"; a node with no lower-priority pods has "no
 * victims"; otherwise the filters are run again without the lower-priority pods. kube4j stops there: it does not
 * evict, so a node where eviction would make room is reported as having no victims (see docs/compatibility.md).
 * Thread-safe (the filters it runs are).
 */
public final class DefaultPreemption implements PostFilterPlugin {
    public static final String NAME = "DefaultPreemption";
    public static final String NOT_HELPFUL = "Preemption is not helpful for scheduling";
    public static final String NO_VICTIMS = "No preemption victims found for incoming pod";

    private final FrameworkHandle handle;

    public DefaultPreemption(FrameworkHandle handle) {
        this.handle = handle;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status postFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes, Map<String, Status> statuses) {
        if ("Never".equals(pod.pod().getSpec().getPreemptionPolicy())) {
            return Status.unschedulable("not eligible due to preemptionPolicy=Never.");
        }
        Map<String, Status> outcome = new LinkedHashMap<>();
        for (NodeInfo node : nodes) {
            Status s = statuses.get(node.name());
            if (s == null || s.code() == Code.UNSCHEDULABLE_AND_UNRESOLVABLE) {
                outcome.put(node.name(), Status.unresolvable(NOT_HELPFUL));
                continue;
            }
            List<PodInfo> victims = node.pods().stream().filter(p -> p.priority() < pod.priority()).toList();
            if (victims.isEmpty()) {
                outcome.put(node.name(), Status.unresolvable(NO_VICTIMS));
                continue;
            }
            Status without = handle.runFilters(state, pod, node.without(victims));
            outcome.put(node.name(), without.isSuccess() ? Status.unresolvable(NO_VICTIMS) : without);
        }
        return Status.unschedulable("preemption: " + new FitError(nodes.size(), outcome, null, null).message());
    }
}
