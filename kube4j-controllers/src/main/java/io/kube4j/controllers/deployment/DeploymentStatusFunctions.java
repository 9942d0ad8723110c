package io.kube4j.controllers.deployment;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A Deployment's status as a plain function of it and its ReplicaSets: replica counts summed over them, and the
 * Available and Progressing conditions with upstream's reasons and messages (Progressing turns False with
 * ProgressDeadlineExceeded when nothing moved for progressDeadlineSeconds). No state; thread-safe.
 */
public final class DeploymentStatusFunctions {
    private DeploymentStatusFunctions() {
    }

    public static DeploymentStatus compute(Deployment d, ReplicaSet newRs, List<ReplicaSet> all, boolean paused,
                                           String progressReason, String progressMessage, boolean complete,
                                           Instant now) {
        DeploymentStatus old = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
        DeploymentStatus s = new DeploymentStatus();
        int replicas = 0, ready = 0, available = 0;
        for (ReplicaSet rs : all) {
            if (rs.getStatus() == null) {
                continue;
            }
            replicas += nz(rs.getStatus().getReplicas());
            ready += nz(rs.getStatus().getReadyReplicas());
            available += nz(rs.getStatus().getAvailableReplicas());
        }
        int updated = newRs == null || newRs.getStatus() == null ? 0 : nz(newRs.getStatus().getReplicas());
        int want = DeploymentPlan.replicas(d);
        s.setObservedGeneration(d.getMetadata().getGeneration());
        s.setReplicas(replicas);
        s.setUpdatedReplicas(updated);
        s.setReadyReplicas(ready);
        s.setAvailableReplicas(available);
        s.setUnavailableReplicas(Math.max(0, want - available));
        s.setCollisionCount(old.getCollisionCount());
        boolean moved = old.getReplicas() == null || nz(old.getReplicas()) != replicas
                || nz(old.getUpdatedReplicas()) != updated || nz(old.getAvailableReplicas()) != available
                || nz(old.getReadyReplicas()) != ready || progressReason != null;

        List<DeploymentCondition> conditions = new ArrayList<>();
        boolean minAvailable = available >= want - DeploymentPlan.maxUnavailable(d);
        conditions.add(DeploymentController.condition(old, "Available", minAvailable ? "True" : "False",
                minAvailable ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                minAvailable ? "Deployment has minimum availability." : "Deployment does not have minimum availability.",
                now, false));

        String rsName = newRs == null ? "" : newRs.getMetadata().getName();
        DeploymentCondition prev = old.getConditions() == null ? null : old.getConditions().stream()
                .filter(c -> "Progressing".equals(c.getType())).findFirst().orElse(null);
        String status;
        String reason;
        String message;
        if (paused) {
            status = "Unknown";
            reason = "DeploymentPaused";
            message = "Deployment is paused";
        } else if (prev != null && "DeploymentPaused".equals(prev.getReason())) {
            status = "Unknown";
            reason = "DeploymentResumed";
            message = "Deployment is resumed";
        } else if (progressReason != null) {
            status = "True";
            reason = progressReason;
            message = progressMessage;
        } else if (complete) {
            status = "True";
            reason = "NewReplicaSetAvailable";
            message = "ReplicaSet \"" + rsName + "\" has successfully progressed.";
        } else if (moved) {
            status = "True";
            reason = "ReplicaSetUpdated";
            message = "ReplicaSet \"" + rsName + "\" is progressing.";
        } else if (prev != null && timedOut(d, prev, now)) {
            status = "False";
            reason = "ProgressDeadlineExceeded";
            message = "ReplicaSet \"" + rsName + "\" has timed out progressing.";
        } else if (prev != null) {
            status = prev.getStatus();
            reason = prev.getReason();
            message = prev.getMessage();
        } else {
            status = "True";
            reason = "FoundNewReplicaSet";
            message = "Found new replica set \"" + rsName + "\"";
        }
        conditions.add(DeploymentController.condition(old, "Progressing", status, reason, message, now,
                moved && !paused));
        s.setConditions(conditions);
        return s;
    }

    static boolean timedOut(Deployment d, DeploymentCondition progressing, Instant now) {
        Integer deadline = d.getSpec().getProgressDeadlineSeconds();
        if (deadline == null || "NewReplicaSetAvailable".equals(progressing.getReason())
                || progressing.getLastUpdateTime() == null) {
            return false;
        }
        return now.isAfter(Instant.parse(progressing.getLastUpdateTime()).plusSeconds(deadline));
    }

    private static int nz(Integer i) {
        return i == null ? 0 : i;
    }
}
