package io.kube4j.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Taint;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The taints the node lifecycle controller owns, as a plain function of the node: NoExecute
 * {@code node.kubernetes.io/not-ready} (Ready False) or {@code node.kubernetes.io/unreachable} (Ready Unknown), with
 * the time they were added; and, as upstream's TaintNodesByCondition, the NoSchedule taints for Ready False/Unknown,
 * memory, disk and PID pressure, an unavailable network and {@code spec.unschedulable}. Taints it does not own are
 * kept as they are. Stateless.
 */
public final class NodeTaints {
    public static final String NOT_READY = "node.kubernetes.io/not-ready";
    public static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    public static final String UNSCHEDULABLE = "node.kubernetes.io/unschedulable";
    public static final String MEMORY_PRESSURE = "node.kubernetes.io/memory-pressure";
    public static final String DISK_PRESSURE = "node.kubernetes.io/disk-pressure";
    public static final String PID_PRESSURE = "node.kubernetes.io/pid-pressure";
    public static final String NETWORK_UNAVAILABLE = "node.kubernetes.io/network-unavailable";

    /** Condition type and status → the NoSchedule taint key it calls for. */
    private static final Map<String, String> NO_SCHEDULE = Map.of(
            "Ready/False", NOT_READY,
            "Ready/Unknown", UNREACHABLE,
            "MemoryPressure/True", MEMORY_PRESSURE,
            "DiskPressure/True", DISK_PRESSURE,
            "PIDPressure/True", PID_PRESSURE,
            "NetworkUnavailable/True", NETWORK_UNAVAILABLE);
    private static final Set<String> OWNED_NO_SCHEDULE = Set.of(NOT_READY, UNREACHABLE, MEMORY_PRESSURE, DISK_PRESSURE,
            PID_PRESSURE, NETWORK_UNAVAILABLE, UNSCHEDULABLE);

    private NodeTaints() {
    }

    /** The node's taints as they should be; {@code now} stamps a NoExecute taint that is added. */
    public static List<Taint> desired(Node node, String now) {
        List<Taint> existing = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of()
                : node.getSpec().getTaints();
        Set<String> noSchedule = new LinkedHashSet<>();
        if (node.getStatus() != null && node.getStatus().getConditions() != null) {
            for (NodeCondition c : node.getStatus().getConditions()) {
                String key = NO_SCHEDULE.get(c.getType() + "/" + c.getStatus());
                if (key != null) {
                    noSchedule.add(key);
                }
            }
        }
        if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
            noSchedule.add(UNSCHEDULABLE);
        }
        String ready = NodeConditions.readyStatus(node);
        String noExecute = "False".equals(ready) ? NOT_READY : "Unknown".equals(ready) ? UNREACHABLE : null;

        List<Taint> out = new ArrayList<>();
        for (Taint t : existing) {
            boolean ownedNoSchedule = "NoSchedule".equals(t.getEffect()) && OWNED_NO_SCHEDULE.contains(t.getKey());
            boolean ownedNoExecute = "NoExecute".equals(t.getEffect())
                    && (NOT_READY.equals(t.getKey()) || UNREACHABLE.equals(t.getKey()));
            if ((ownedNoSchedule && !noSchedule.contains(t.getKey()))
                    || (ownedNoExecute && !t.getKey().equals(noExecute))) {
                continue;
            }
            out.add(t);
        }
        for (String key : noSchedule) {
            if (out.stream().noneMatch(t -> key.equals(t.getKey()) && "NoSchedule".equals(t.getEffect()))) {
                out.add(new Taint("NoSchedule", key, null, null));
            }
        }
        if (noExecute != null && out.stream().noneMatch(t -> noExecute.equals(t.getKey())
                && "NoExecute".equals(t.getEffect()))) {
            out.add(new Taint("NoExecute", noExecute, now, null));
        }
        return out;
    }
}
