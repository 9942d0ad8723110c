package io.kube4j.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;

import java.util.ArrayList;
import java.util.List;

/** Reading and changing node conditions: plain functions of the node. Stateless. */
final class NodeConditions {
    /** The conditions the kubelet owns, which the controller turns Unknown when the kubelet goes silent. */
    static final List<String> KUBELET_OWNED = List.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure");

    private NodeConditions() {
    }

    static NodeCondition find(Node node, String type) {
        if (node.getStatus() == null || node.getStatus().getConditions() == null) {
            return null;
        }
        for (NodeCondition c : node.getStatus().getConditions()) {
            if (type.equals(c.getType())) {
                return c;
            }
        }
        return null;
    }

    /** The Ready status ({@code True}, {@code False}, {@code Unknown}), or null when there is none. */
    static String readyStatus(Node node) {
        NodeCondition c = find(node, "Ready");
        return c == null ? null : c.getStatus();
    }

    /**
     * A copy of the node whose kubelet-owned conditions say Unknown ("Kubelet stopped posting node status.", or
     * "Kubelet never posted node status." for one that is missing), transitioned at {@code now}; null when they all
     * say Unknown already.
     */
    static Node markUnknown(Node node, String now) {
        Node copy = new NodeBuilder(node).build();
        if (copy.getStatus() == null) {
            copy.setStatus(new io.fabric8.kubernetes.api.model.NodeStatus());
        }
        List<NodeCondition> conditions = copy.getStatus().getConditions() == null ? new ArrayList<>()
                : new ArrayList<>(copy.getStatus().getConditions());
        boolean changed = false;
        for (String type : KUBELET_OWNED) {
            NodeCondition c = conditions.stream().filter(x -> type.equals(x.getType())).findFirst().orElse(null);
            if (c == null) {
                conditions.add(new NodeCondition(node.getMetadata().getCreationTimestamp(), now,
                        "Kubelet never posted node status.", "NodeStatusNeverUpdated", "Unknown", type));
                changed = true;
            } else if (!"Unknown".equals(c.getStatus())) {
                c.setStatus("Unknown");
                c.setReason("NodeStatusUnknown");
                c.setMessage("Kubelet stopped posting node status.");
                c.setLastTransitionTime(now);
                changed = true;
            }
        }
        copy.getStatus().setConditions(conditions);
        return changed ? copy : null;
    }
}
