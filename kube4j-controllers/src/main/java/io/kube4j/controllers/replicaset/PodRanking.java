package io.kube4j.controllers.replicaset;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which pods a scale-down removes first, in upstream's order (ActivePodsWithRanks with logarithmic scale-down):
 * unscheduled before scheduled; Pending before Unknown before Running; not ready before ready; lower
 * {@code controller.kubernetes.io/pod-deletion-cost} first; pods doubled up on a node (more related pods there)
 * first; ready for less time first; more container restarts first; newer first. Times are compared in
 * powers-of-two buckets of their age, so pods of about the same age count as equal. Pure functions.
 */
public final class PodRanking {
    static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

    private PodRanking() {
    }

    /**
     * The {@code count} pods to delete from {@code pods}; {@code related} are the pods of this controller and its
     * siblings (same owner), whose spread over nodes ranks doubled-up pods first.
     */
    public static List<Pod> podsToDelete(List<Pod> pods, List<Pod> related, int count, Instant now) {
        if (count >= pods.size()) {
            return List.copyOf(pods);
        }
        Map<String, Integer> onNode = new HashMap<>();
        for (Pod p : related) {
            if (ReplicaSetStatusFunctions.isActive(p)) {
                onNode.merge(nodeName(p), 1, Integer::sum);
            }
        }
        List<Ranked> ranked = new ArrayList<>();
        for (Pod p : pods) {
            ranked.add(new Ranked(p, nodeName(p).isEmpty() ? 0 : onNode.getOrDefault(nodeName(p), 0)));
        }
        ranked.sort(order(now));
        return ranked.subList(0, count).stream().map(Ranked::pod).toList();
    }

    record Ranked(Pod pod, int rank) {
    }

    static Comparator<Ranked> order(Instant now) {
        return (a, b) -> compare(a, b, now);
    }

    /** Negative when {@code a} should be deleted before {@code b}. */
    static int compare(Ranked a, Ranked b, Instant now) {
        Pod p = a.pod();
        Pod q = b.pod();
        boolean pAssigned = !nodeName(p).isEmpty();
        boolean qAssigned = !nodeName(q).isEmpty();
        if (pAssigned != qAssigned) {
            return pAssigned ? 1 : -1;
        }
        int phase = Integer.compare(phaseOrder(p), phaseOrder(q));
        if (phase != 0) {
            return phase;
        }
        boolean pReady = ReplicaSetStatusFunctions.isReady(p);
        boolean qReady = ReplicaSetStatusFunctions.isReady(q);
        if (pReady != qReady) {
            return pReady ? 1 : -1;
        }
        int cost = Integer.compare(deletionCost(p), deletionCost(q));
        if (cost != 0) {
            return cost;
        }
        if (a.rank() != b.rank()) {
            return a.rank() > b.rank() ? -1 : 1;
        }
        if (pReady) {
            // ready for less time first
            int ready = compareAges(readySince(p), readySince(q), now);
            if (ready != 0) {
                return ready;
            }
        }
        int restarts = Integer.compare(maxRestarts(q), maxRestarts(p));
        if (restarts != 0) {
            return restarts;
        }
        return compareAges(created(p), created(q), now);
    }

    /** Unknown (null) times first, then the younger bucket first. */
    static int compareAges(Instant a, Instant b, Instant now) {
        if (a == null || b == null) {
            return a == null && b == null ? 0 : a == null ? -1 : 1;
        }
        if (a.equals(b)) {
            return 0;
        }
        return Integer.compare(bucket(a, now), bucket(b, now));
    }

    /** The power-of-two bucket of an age in nanoseconds; -1 for none or negative. */
    static int bucket(Instant t, Instant now) {
        long nanos = java.time.Duration.between(t, now).toNanos();
        return nanos <= 0 ? -1 : 63 - Long.numberOfLeadingZeros(nanos);
    }

    private static int phaseOrder(Pod p) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        if ("Pending".equals(phase)) {
            return 0;
        }
        if ("Running".equals(phase)) {
            return 2;
        }
        return 1;
    }

    private static int deletionCost(Pod p) {
        Map<String, String> a = p.getMetadata().getAnnotations();
        if (a == null || a.get(DELETION_COST) == null) {
            return 0;
        }
        try {
            return Integer.parseInt(a.get(DELETION_COST));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Instant readySince(Pod p) {
        PodCondition c = ReplicaSetStatusFunctions.readyCondition(p);
        return c == null ? null : ReplicaSetStatusFunctions.parse(c.getLastTransitionTime());
    }

    private static Instant created(Pod p) {
        return ReplicaSetStatusFunctions.parse(p.getMetadata().getCreationTimestamp());
    }

    private static int maxRestarts(Pod p) {
        int max = 0;
        if (p.getStatus() != null && p.getStatus().getContainerStatuses() != null) {
            for (ContainerStatus cs : p.getStatus().getContainerStatuses()) {
                max = Math.max(max, cs.getRestartCount() == null ? 0 : cs.getRestartCount());
            }
        }
        return max;
    }

    private static String nodeName(Pod p) {
        return p.getSpec() == null || p.getSpec().getNodeName() == null ? "" : p.getSpec().getNodeName();
    }
}
