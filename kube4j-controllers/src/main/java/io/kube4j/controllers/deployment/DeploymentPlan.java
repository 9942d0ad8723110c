package io.kube4j.controllers.deployment;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The replica arithmetic of a rollout, as plain functions of the Deployment and its ReplicaSets (upstream's
 * rolling.go and recreate.go): how far the new ReplicaSet may grow under maxSurge, how far the old ones may shrink
 * under maxUnavailable, unhealthy old replicas first, oldest ReplicaSets first. No state; thread-safe.
 */
public final class DeploymentPlan {
    private DeploymentPlan() {
    }

    public static int replicas(Deployment d) {
        return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    }

    static int specReplicas(ReplicaSet rs) {
        return rs.getSpec().getReplicas() == null ? 0 : rs.getSpec().getReplicas();
    }

    static int available(ReplicaSet rs) {
        return rs.getStatus() == null || rs.getStatus().getAvailableReplicas() == null ? 0
                : rs.getStatus().getAvailableReplicas();
    }

    /** maxSurge resolved against the replicas, rounding up, as upstream. */
    public static int maxSurge(Deployment d) {
        if (!isRollingUpdate(d)) {
            return 0;
        }
        var ru = d.getSpec().getStrategy().getRollingUpdate();
        int surge = resolve(ru == null ? null : ru.getMaxSurge(), replicas(d), true, 25);
        int unavailable = resolve(ru == null ? null : ru.getMaxUnavailable(), replicas(d), false, 25);
        return surge == 0 && unavailable == 0 ? 0 : surge;
    }

    /** maxUnavailable resolved against the replicas, rounding down; 1 when both it and maxSurge come to 0. */
    public static int maxUnavailable(Deployment d) {
        if (!isRollingUpdate(d)) {
            return 0;
        }
        var ru = d.getSpec().getStrategy().getRollingUpdate();
        int surge = resolve(ru == null ? null : ru.getMaxSurge(), replicas(d), true, 25);
        int unavailable = resolve(ru == null ? null : ru.getMaxUnavailable(), replicas(d), false, 25);
        if (surge == 0 && unavailable == 0) {
            unavailable = 1;
        }
        return Math.min(unavailable, replicas(d));
    }

    static int resolve(IntOrString v, int total, boolean roundUp, int defaultPercent) {
        if (v == null) {
            return roundUp ? (int) Math.ceil(total * defaultPercent / 100.0) : total * defaultPercent / 100;
        }
        if (v.getIntVal() != null) {
            return v.getIntVal();
        }
        String s = v.getStrVal();
        int pct = Integer.parseInt(s.endsWith("%") ? s.substring(0, s.length() - 1) : s);
        return roundUp ? (int) Math.ceil(total * pct / 100.0) : total * pct / 100;
    }

    public static boolean isRollingUpdate(Deployment d) {
        return d.getSpec().getStrategy() == null || d.getSpec().getStrategy().getType() == null
                || "RollingUpdate".equals(d.getSpec().getStrategy().getType());
    }

    /** The new ReplicaSet's replicas after one step of a rolling update. */
    public static int newReplicaSetReplicas(Deployment d, ReplicaSet newRs, List<ReplicaSet> all) {
        int desired = replicas(d);
        int current = specReplicas(newRs);
        if (current >= desired) {
            return desired;
        }
        int total = all.stream().mapToInt(DeploymentPlan::specReplicas).sum();
        int maxTotal = desired + maxSurge(d);
        if (total >= maxTotal) {
            return current;
        }
        return current + Math.min(maxTotal - total, desired - current);
    }

    /**
     * The old ReplicaSets' replicas after one step of a rolling update: first unhealthy replicas go, then
     * available ones while at least {@code replicas - maxUnavailable} stay available, oldest ReplicaSet first.
     */
    public static Map<String, Integer> oldReplicaSetReplicas(Deployment d, ReplicaSet newRs, List<ReplicaSet> olds) {
        Map<String, Integer> out = new LinkedHashMap<>();
        List<ReplicaSet> sorted = new ArrayList<>(olds);
        sorted.sort(Comparator.comparing((ReplicaSet r) -> String.valueOf(r.getMetadata().getCreationTimestamp()))
                .thenComparing(r -> r.getMetadata().getName()));
        sorted.forEach(r -> out.put(r.getMetadata().getName(), specReplicas(r)));
        int oldPods = out.values().stream().mapToInt(Integer::intValue).sum();
        if (oldPods == 0) {
            return out;
        }
        int allPods = oldPods + specReplicas(newRs);
        int minAvailable = replicas(d) - maxUnavailable(d);
        int newUnavailable = specReplicas(newRs) - available(newRs);
        int maxScaledDown = allPods - minAvailable - newUnavailable;
        if (maxScaledDown <= 0) {
            return out;
        }
        // unhealthy old replicas go first: they count against nothing
        int cleaned = 0;
        for (ReplicaSet r : sorted) {
            if (cleaned >= maxScaledDown) {
                break;
            }
            int replicas = out.get(r.getMetadata().getName());
            int unhealthy = Math.max(0, replicas - available(r));
            int down = Math.min(unhealthy, maxScaledDown - cleaned);
            if (down > 0) {
                out.put(r.getMetadata().getName(), replicas - down);
                cleaned += down;
            }
        }
        int availableAll = available(newRs) + sorted.stream().mapToInt(DeploymentPlan::available).sum();
        if (availableAll <= minAvailable) {
            return out;
        }
        int total = availableAll - minAvailable;
        int done = 0;
        for (ReplicaSet r : sorted) {
            if (done >= total) {
                break;
            }
            int replicas = out.get(r.getMetadata().getName());
            if (replicas == 0) {
                continue;
            }
            int down = Math.min(replicas, total - done);
            out.put(r.getMetadata().getName(), replicas - down);
            done += down;
        }
        return out;
    }
}
