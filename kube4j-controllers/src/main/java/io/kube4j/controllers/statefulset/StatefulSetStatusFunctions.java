package io.kube4j.controllers.statefulset;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.kube4j.controllers.daemonset.DaemonSetStatusFunctions;

import java.time.Instant;
import java.util.Collection;

/**
 * A StatefulSet's status as a plain function of its pods, its revisions and the time (upstream's
 * computeReplicaStatus + completeRollingUpdate). Stateless and thread-safe.
 */
public final class StatefulSetStatusFunctions {
    private StatefulSetStatusFunctions() {
    }

    public static StatefulSetStatus status(StatefulSet set, Collection<Pod> pods, String currentRevision,
                                           String updateRevision, int collisionCount, Instant now) {
        int replicas = 0;
        int ready = 0;
        int available = 0;
        int current = 0;
        int updated = 0;
        int minReady = StatefulSetPlan.minReadySeconds(set);
        for (Pod p : pods) {
            replicas++;
            if (StatefulSetPlan.isRunningAndReady(p)) {
                ready++;
                if (DaemonSetStatusFunctions.isAvailable(p, minReady, now)) {
                    available++;
                }
            }
            if (!StatefulSetPlan.isTerminating(p)) {
                String rev = StatefulPods.revision(p);
                if (currentRevision.equals(rev)) {
                    current++;
                }
                if (updateRevision.equals(rev)) {
                    updated++;
                }
            }
        }
        StatefulSetStatus s = new StatefulSetStatus();
        s.setObservedGeneration(set.getMetadata().getGeneration());
        s.setReplicas(replicas);
        s.setReadyReplicas(ready);
        s.setAvailableReplicas(available);
        s.setCurrentReplicas(current);
        s.setUpdatedReplicas(updated);
        s.setCurrentRevision(currentRevision);
        s.setUpdateRevision(updateRevision);
        s.setCollisionCount(collisionCount);
        // a finished rolling update makes the update revision current
        if (StatefulSetPlan.isRollingUpdate(set) && updated == replicas && ready == replicas) {
            s.setCurrentReplicas(updated);
            s.setCurrentRevision(updateRevision);
        }
        if (set.getStatus() != null) {
            s.setConditions(set.getStatus().getConditions());
        }
        return s;
    }
}
