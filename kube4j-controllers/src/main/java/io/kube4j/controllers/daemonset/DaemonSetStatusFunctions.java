package io.kube4j.controllers.daemonset;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A DaemonSet's status as a plain function of its nodes, its pods per node, the current revision hash and the time
 * (upstream's updateDaemonSetStatus), plus the revision hash itself. Stateless and thread-safe.
 */
public final class DaemonSetStatusFunctions {
    public static final String REVISION_HASH = "controller-revision-hash";
    public static final String TEMPLATE_GENERATION = "pod-template-generation";
    private static final String SAFE = "bcdfghjklmnpqrstvwxz2456789";

    private DaemonSetStatusFunctions() {
    }

    /**
     * A short hash of the pod template (and the collision count), in upstream's alphabet without vowels:
     * FNV-32a of the template's JSON, its decimal digits mapped to safe characters.
     */
    public static String hash(String templateJson, Integer collisionCount) {
        int h = 0x811c9dc5;
        byte[] bytes = (templateJson + (collisionCount == null ? "" : "#" + collisionCount))
                .getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            h ^= (b & 0xff);
            h *= 0x01000193;
        }
        String digits = Long.toString(Integer.toUnsignedLong(h));
        StringBuilder out = new StringBuilder();
        for (char c : digits.toCharArray()) {
            out.append(SAFE.charAt(c % SAFE.length()));
        }
        return out.toString();
    }

    public static boolean isReady(Pod p) {
        return readySince(p) != null;
    }

    /** When the pod became ready, or null when it is not ready. */
    static Instant readySince(Pod p) {
        if (p.getStatus() == null || p.getStatus().getConditions() == null) {
            return null;
        }
        for (PodCondition c : p.getStatus().getConditions()) {
            if ("Ready".equals(c.getType()) && "True".equals(c.getStatus())) {
                return c.getLastTransitionTime() == null ? Instant.EPOCH : Instant.parse(c.getLastTransitionTime());
            }
        }
        return null;
    }

    /** Ready for at least minReadySeconds. */
    public static boolean isAvailable(Pod p, int minReadySeconds, Instant now) {
        Instant since = readySince(p);
        return since != null && (minReadySeconds == 0 || !since.plusSeconds(minReadySeconds).isAfter(now));
    }

    /** Whether a pod runs the current template: its revision hash label matches. */
    public static boolean isUpdated(Pod p, String hash) {
        Map<String, String> labels = p.getMetadata().getLabels();
        return labels != null && hash.equals(labels.get(REVISION_HASH));
    }

    /** Oldest first; on a tie a running pod before one that is not. */
    public static final Comparator<Pod> OLDEST_FIRST = Comparator
            .comparing((Pod p) -> String.valueOf(p.getMetadata().getCreationTimestamp()))
            .thenComparing(p -> !"Running".equals(p.getStatus() == null ? null : p.getStatus().getPhase()));

    /** The status for these nodes and the pods on each (keyed by node name). */
    public static DaemonSetStatus status(DaemonSet ds, List<Node> nodes, Map<String, List<Pod>> podsByNode,
                                         String hash, Instant now) {
        int desired = 0;
        int current = 0;
        int ready = 0;
        int available = 0;
        int updated = 0;
        int misscheduled = 0;
        int minReady = ds.getSpec().getMinReadySeconds() == null ? 0 : ds.getSpec().getMinReadySeconds();
        for (Node node : nodes) {
            boolean shouldRun = DaemonPlacement.decide(ds.getSpec().getTemplate().getSpec(), node).shouldRun();
            List<Pod> pods = podsByNode.getOrDefault(node.getMetadata().getName(), List.of());
            if (shouldRun) {
                desired++;
                if (pods.isEmpty()) {
                    continue;
                }
                current++;
                Pod pod = pods.stream().min(OLDEST_FIRST).orElseThrow();
                if (isReady(pod)) {
                    ready++;
                    if (isAvailable(pod, minReady, now)) {
                        available++;
                    }
                }
                if (isUpdated(pod, hash)) {
                    updated++;
                }
            } else if (!pods.isEmpty()) {
                misscheduled++;
            }
        }
        DaemonSetStatus s = new DaemonSetStatus();
        s.setDesiredNumberScheduled(desired);
        s.setCurrentNumberScheduled(current);
        s.setNumberReady(ready);
        // omitted when zero, as upstream's omitempty
        s.setNumberAvailable(available == 0 ? null : available);
        s.setNumberUnavailable(desired - available == 0 ? null : desired - available);
        s.setUpdatedNumberScheduled(updated == 0 ? null : updated);
        s.setNumberMisscheduled(misscheduled);
        s.setObservedGeneration(ds.getMetadata().getGeneration());
        s.setCollisionCount(ds.getStatus() == null ? null : ds.getStatus().getCollisionCount());
        s.setConditions(ds.getStatus() == null ? null : ds.getStatus().getConditions());
        return s;
    }
}
