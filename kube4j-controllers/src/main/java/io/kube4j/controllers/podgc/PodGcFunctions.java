package io.kube4j.controllers.podgc;

import io.fabric8.kubernetes.api.model.Pod;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** What the pod garbage collector deletes, decided from listed pods and nodes. Pure functions. */
public final class PodGcFunctions {
    private PodGcFunctions() {
    }

    public static boolean isTerminated(Pod p) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /** The oldest terminated pods beyond {@code threshold}; none when the threshold is 0 or less. */
    public static List<Pod> terminatedOverThreshold(List<Pod> pods, int threshold) {
        if (threshold <= 0) {
            return List.of();
        }
        List<Pod> terminated = new ArrayList<>(pods.stream()
                .filter(p -> isTerminated(p) && p.getMetadata().getDeletionTimestamp() == null).toList());
        int excess = terminated.size() - threshold;
        if (excess <= 0) {
            return List.of();
        }
        terminated.sort(Comparator.comparing((Pod p) -> created(p)).thenComparing(p -> p.getMetadata().getName()));
        return terminated.subList(0, excess);
    }

    /** Pods bound to a node that is not in {@code nodes}. */
    public static List<Pod> onMissingNodes(List<Pod> pods, Set<String> nodes) {
        return pods.stream().filter(p -> {
            String node = p.getSpec() == null ? null : p.getSpec().getNodeName();
            return node != null && !node.isEmpty() && !nodes.contains(node);
        }).toList();
    }

    /** Pods being deleted that were never scheduled: no kubelet will finish them. */
    public static List<Pod> unscheduledTerminating(List<Pod> pods) {
        return pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() != null
                && (p.getSpec() == null || p.getSpec().getNodeName() == null || p.getSpec().getNodeName().isEmpty()))
                .toList();
    }

    private static Instant created(Pod p) {
        String t = p.getMetadata().getCreationTimestamp();
        return t == null ? Instant.EPOCH : Instant.parse(t);
    }
}
