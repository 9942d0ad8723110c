package io.kube4j.scheduler;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

import java.util.Map;
import java.util.UUID;

/** Nodes and pods for scheduler tests. */
public final class Fixtures {
    private Fixtures() {
    }

    public static NodeBuilder node(String name, String cpu, String memory, int pods) {
        return new NodeBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().endSpec()
                .withNewStatus().withAllocatable(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory),
                        "pods", new Quantity(Integer.toString(pods)))).endStatus();
    }

    public static Node node(String name) {
        return node(name, "4", "8Gi", 110).build();
    }

    /** A pod with one container requesting {@code cpu} and {@code memory} (null: no request). */
    public static PodBuilder pod(String name, String cpu, String memory) {
        var c = new ContainerBuilder().withName("c").withImage("img");
        var requests = new java.util.HashMap<String, Quantity>();
        if (cpu != null) {
            requests.put("cpu", new Quantity(cpu));
        }
        if (memory != null) {
            requests.put("memory", new Quantity(memory));
        }
        if (!requests.isEmpty()) {
            c.withNewResources().withRequests(requests).endResources();
        }
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("default")
                .withUid(UUID.nameUUIDFromBytes(name.getBytes()).toString()).endMetadata()
                .withNewSpec().withSchedulerName("default-scheduler").withContainers(c.build()).endSpec();
    }

    public static Pod pod(String name) {
        return pod(name, null, null).build();
    }

    /** Runs a filter plugin (after its pre-filter, when it has one) for the pod on the node. */
    public static io.kube4j.scheduler.framework.Status filter(io.kube4j.scheduler.framework.FilterPlugin p, Pod pod,
                                                            io.kube4j.scheduler.framework.NodeInfo node) {
        var s = new io.kube4j.scheduler.framework.CycleState();
        var pi = new io.kube4j.scheduler.framework.PodInfo(pod);
        if (p instanceof io.kube4j.scheduler.framework.PreFilterPlugin pre) {
            pre.preFilter(s, pi);
        }
        return p.filter(s, pi, node);
    }
}
