package io.kube4j.controllers.statefulset;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.kube4j.controllers.daemonset.DaemonSetStatusFunctions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What a StatefulSet controller does next, as a plain function of the set, its pods by ordinal, its current and
 * update revisions and the time (upstream's updateStatefulSet, one pass): missing pods are created, failed ones
 * deleted so they come back under the same name, pods beyond the replica count deleted from the highest ordinal,
 * then outdated pods deleted from the highest ordinal down to the partition. OrderedReady does one step at a time and
 * only while every lower pod is running and ready (available, with minReadySeconds); Parallel creates and deletes
 * everything at once. A rolling update replaces one pod at a time in both. With {@code spec.ordinals.start} the
 * ordinals run from that start; pods outside the range are condemned, and the rolling update walks the range by
 * index down to the partition, as upstream does. Stateless and thread-safe.
 */
public final class StatefulSetPlan {
    /** Create the pod of {@code ordinal} from revision {@code revision}. */
    public record Create(int ordinal, String revision) {
    }

    /** Pods to create and pods to delete now. */
    public record Steps(List<Create> create, List<Pod> delete) {
        public boolean isEmpty() {
            return create.isEmpty() && delete.isEmpty();
        }
    }

    private StatefulSetPlan() {
    }

    public static Steps next(StatefulSet set, Map<Integer, Pod> byOrdinal, String currentRevision,
                             String updateRevision, Instant now) {
        int replicas = replicas(set);
        int start = startOrdinal(set);
        boolean monotonic = !"Parallel".equals(set.getSpec().getPodManagementPolicy());
        int minReady = minReadySeconds(set);
        List<Create> create = new ArrayList<>();
        List<Pod> delete = new ArrayList<>();
        Steps steps = new Steps(create, delete);
        for (int i = start; i < start + replicas; i++) {
            Pod p = byOrdinal.get(i);
            if (p == null) {
                create.add(new Create(i, revisionForNewPod(set, i, currentRevision, updateRevision)));
                if (monotonic) {
                    return steps;
                }
                continue;
            }
            if (isTerminating(p)) {
                // the old pod must be gone before its identity comes back
                if (monotonic) {
                    return steps;
                }
                continue;
            }
            if (isFailed(p)) {
                delete.add(p);
                if (monotonic) {
                    return steps;
                }
                continue;
            }
            if (!isHealthy(p, minReady, now) && monotonic) {
                return steps;
            }
        }
        List<Pod> condemned = byOrdinal.entrySet().stream().filter(e -> !inRange(set, e.getKey()))
                .sorted(Map.Entry.<Integer, Pod>comparingByKey(Comparator.reverseOrder()))
                .map(Map.Entry::getValue).toList();
        for (Pod p : condemned) {
            if (isTerminating(p)) {
                if (monotonic) {
                    return steps;
                }
                continue;
            }
            delete.add(p);
            if (monotonic) {
                return steps;
            }
        }
        if (!steps.isEmpty() || !isRollingUpdate(set)) {
            return steps;
        }
        for (int i = replicas - 1; i >= partition(set); i--) {
            Pod p = byOrdinal.get(start + i);
            if (p == null) {
                return steps;
            }
            if (!updateRevision.equals(StatefulPods.revision(p)) && !isTerminating(p)) {
                delete.add(p);
                return steps;
            }
            if (!isHealthy(p, minReady, now)) {
                return steps;
            }
        }
        return steps;
    }

    /** Below the partition a new pod keeps the current revision; every other one gets the update revision. */
    static String revisionForNewPod(StatefulSet set, int ordinal, String currentRevision, String updateRevision) {
        return isRollingUpdate(set) && ordinal < partition(set) ? currentRevision : updateRevision;
    }

    public static int replicas(StatefulSet set) {
        return set.getSpec().getReplicas() == null ? 1 : set.getSpec().getReplicas();
    }

    /** {@code spec.ordinals.start}: the first ordinal (0 without it). */
    public static int startOrdinal(StatefulSet set) {
        return set.getSpec().getOrdinals() == null || set.getSpec().getOrdinals().getStart() == null ? 0
                : set.getSpec().getOrdinals().getStart();
    }

    /** Whether a pod of {@code ordinal} belongs to the set's current range (else it is condemned). */
    public static boolean inRange(StatefulSet set, int ordinal) {
        int start = startOrdinal(set);
        return ordinal >= start && ordinal < start + replicas(set);
    }

    public static int minReadySeconds(StatefulSet set) {
        return set.getSpec().getMinReadySeconds() == null ? 0 : set.getSpec().getMinReadySeconds();
    }

    public static boolean isRollingUpdate(StatefulSet set) {
        return set.getSpec().getUpdateStrategy() == null || set.getSpec().getUpdateStrategy().getType() == null
                || "RollingUpdate".equals(set.getSpec().getUpdateStrategy().getType());
    }

    public static int partition(StatefulSet set) {
        var s = set.getSpec().getUpdateStrategy();
        return s == null || s.getRollingUpdate() == null || s.getRollingUpdate().getPartition() == null ? 0
                : s.getRollingUpdate().getPartition();
    }

    static boolean isTerminating(Pod p) {
        return p.getMetadata().getDeletionTimestamp() != null;
    }

    static boolean isFailed(Pod p) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        return "Failed".equals(phase) || "Succeeded".equals(phase);
    }

    static boolean isRunningAndReady(Pod p) {
        return p.getStatus() != null && "Running".equals(p.getStatus().getPhase())
                && DaemonSetStatusFunctions.isReady(p);
    }

    /** Running, ready and (with minReadySeconds) ready for long enough, and not terminating. */
    static boolean isHealthy(Pod p, int minReadySeconds, Instant now) {
        return !isTerminating(p) && isRunningAndReady(p)
                && DaemonSetStatusFunctions.isAvailable(p, minReadySeconds, now);
    }
}
