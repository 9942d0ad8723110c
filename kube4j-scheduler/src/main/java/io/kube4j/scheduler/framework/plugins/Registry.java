package io.kube4j.scheduler.framework.plugins;

import io.kube4j.scheduler.framework.FrameworkHandle;
import io.kube4j.scheduler.framework.Plugin;
import io.kube4j.scheduler.framework.plugins.defaultbinder.DefaultBinder;
import io.kube4j.scheduler.framework.plugins.defaultpreemption.DefaultPreemption;
import io.kube4j.scheduler.framework.plugins.nodeaffinity.NodeAffinity;
import io.kube4j.scheduler.framework.plugins.nodename.NodeName;
import io.kube4j.scheduler.framework.plugins.nodeports.NodePorts;
import io.kube4j.scheduler.framework.plugins.noderesources.BalancedAllocation;
import io.kube4j.scheduler.framework.plugins.noderesources.Fit;
import io.kube4j.scheduler.framework.plugins.nodeunschedulable.NodeUnschedulable;
import io.kube4j.scheduler.framework.plugins.queuesort.PrioritySort;
import io.kube4j.scheduler.framework.plugins.tainttoleration.TaintToleration;
import io.kube4j.scheduler.framework.plugins.volumebinding.ClientVolumeObjects;
import io.kube4j.scheduler.framework.plugins.volumebinding.VolumeBinding;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** The in-tree plugins by name, as upstream's plugins/registry.go. A fresh mutable map per call. */
public final class Registry {
    private Registry() {
    }

    public static Map<String, Function<FrameworkHandle, Plugin>> inTree() {
        Map<String, Function<FrameworkHandle, Plugin>> r = new LinkedHashMap<>();
        r.put(PrioritySort.NAME, h -> new PrioritySort());
        r.put(NodeUnschedulable.NAME, h -> new NodeUnschedulable());
        r.put(NodeName.NAME, h -> new NodeName());
        r.put(TaintToleration.NAME, h -> new TaintToleration());
        r.put(NodeAffinity.NAME, h -> new NodeAffinity());
        r.put(NodePorts.NAME, h -> new NodePorts());
        r.put(Fit.NAME, h -> new Fit());
        r.put(BalancedAllocation.NAME, h -> new BalancedAllocation());
        r.put(DefaultPreemption.NAME, DefaultPreemption::new);
        r.put(VolumeBinding.NAME, h -> new VolumeBinding(new ClientVolumeObjects(h.client()),
                java.time.Duration.ofMinutes(10), java.time.Duration.ofMillis(200)));
        r.put(DefaultBinder.NAME, DefaultBinder::new);
        return r;
    }
}
