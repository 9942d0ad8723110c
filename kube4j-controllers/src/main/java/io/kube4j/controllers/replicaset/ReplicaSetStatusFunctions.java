package io.kube4j.controllers.replicaset;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A ReplicaSet's (or ReplicationController's) status from its pods, as upstream's calculateStatus: replicas,
 * fullyLabeledReplicas (pods carrying every template label), readyReplicas, availableReplicas (ready for at least
 * minReadySeconds), observedGeneration, and the ReplicaFailure condition while creating or deleting pods fails.
 * Pure functions.
 */
public final class ReplicaSetStatusFunctions {
    public static final String REPLICA_FAILURE = "ReplicaFailure";

    private ReplicaSetStatusFunctions() {
    }

    /**
     * The new status. {@code pods} are the active pods the controller owns; {@code manageError} is the message of a
     * failed create or delete in this sync, or null.
     */
    public static ReplicaSetStatus calculate(ReplicaSet rs, List<Pod> pods, String manageError, Instant now) {
        Map<String, String> templateLabels = rs.getSpec().getTemplate() == null
                || rs.getSpec().getTemplate().getMetadata() == null
                || rs.getSpec().getTemplate().getMetadata().getLabels() == null
                ? Map.of() : rs.getSpec().getTemplate().getMetadata().getLabels();
        int minReady = rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
        int fullyLabeled = 0;
        int ready = 0;
        int available = 0;
        for (Pod p : pods) {
            Map<String, String> labels = p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels();
            if (labels.entrySet().containsAll(templateLabels.entrySet())) {
                fullyLabeled++;
            }
            if (isReady(p)) {
                ready++;
                if (isAvailable(p, minReady, now)) {
                    available++;
                }
            }
        }
        ReplicaSetStatus old = rs.getStatus();
        List<ReplicaSetCondition> conditions = old == null || old.getConditions() == null
                ? new ArrayList<>() : new ArrayList<>(old.getConditions());
        boolean hasFailure = conditions.stream().anyMatch(c -> REPLICA_FAILURE.equals(c.getType()));
        if (manageError != null && !hasFailure) {
            int diff = pods.size() - replicas(rs);
            String reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "";
            conditions.add(new ReplicaSetConditionBuilder().withType(REPLICA_FAILURE).withStatus("True")
                    .withReason(reason).withMessage(manageError).withLastTransitionTime(format(now)).build());
        } else if (manageError == null && hasFailure) {
            conditions.removeIf(c -> REPLICA_FAILURE.equals(c.getType()));
        }
        return new ReplicaSetStatusBuilder()
                .withReplicas(pods.size())
                .withFullyLabeledReplicas(fullyLabeled)
                .withReadyReplicas(ready)
                .withAvailableReplicas(available)
                .withObservedGeneration(rs.getMetadata().getGeneration())
                .withConditions(conditions)
                .build();
    }

    /** True when the new status differs from the stored one in anything the controller writes. */
    public static boolean changed(ReplicaSetStatus old, ReplicaSetStatus now) {
        if (old == null) {
            return true;
        }
        return intOf(old.getReplicas()) != intOf(now.getReplicas())
                || intOf(old.getFullyLabeledReplicas()) != intOf(now.getFullyLabeledReplicas())
                || intOf(old.getReadyReplicas()) != intOf(now.getReadyReplicas())
                || intOf(old.getAvailableReplicas()) != intOf(now.getAvailableReplicas())
                || !Objects.equals(old.getObservedGeneration(), now.getObservedGeneration())
                || !Objects.equals(conditionsOrEmpty(old), conditionsOrEmpty(now));
    }

    private static List<ReplicaSetCondition> conditionsOrEmpty(ReplicaSetStatus s) {
        return s.getConditions() == null ? List.of() : s.getConditions();
    }

    private static int intOf(Integer i) {
        return i == null ? 0 : i;
    }

    /** spec.replicas, 1 when unset. */
    public static int replicas(ReplicaSet rs) {
        return rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
    }

    /** Not finished (Succeeded/Failed) and not being deleted: a pod that counts towards the replicas. */
    public static boolean isActive(Pod p) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        return !"Succeeded".equals(phase) && !"Failed".equals(phase) && p.getMetadata().getDeletionTimestamp() == null;
    }

    public static PodCondition readyCondition(Pod p) {
        if (p.getStatus() == null || p.getStatus().getConditions() == null) {
            return null;
        }
        return p.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
    }

    public static boolean isReady(Pod p) {
        PodCondition c = readyCondition(p);
        return c != null && "True".equals(c.getStatus());
    }

    /** Ready, and for longer than minReadySeconds (at once when it is 0). */
    public static boolean isAvailable(Pod p, int minReadySeconds, Instant now) {
        if (!isReady(p)) {
            return false;
        }
        if (minReadySeconds == 0) {
            return true;
        }
        Instant since = parse(readyCondition(p).getLastTransitionTime());
        return since != null && since.plusSeconds(minReadySeconds).isBefore(now);
    }

    static Instant parse(String t) {
        if (t == null || t.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(t);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String format(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }
}
