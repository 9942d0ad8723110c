package io.kube4j.scheduler.framework.plugins.tainttoleration;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.kube4j.scheduler.framework.CycleState;
import io.kube4j.scheduler.framework.FilterPlugin;
import io.kube4j.scheduler.framework.NodeInfo;
import io.kube4j.scheduler.framework.PodInfo;
import io.kube4j.scheduler.framework.ScorePlugin;
import io.kube4j.scheduler.framework.Status;

import java.util.List;

/**
 * Filter: the pod must tolerate every NoSchedule and NoExecute taint of the node. Score: fewer untolerated
 * PreferNoSchedule taints score higher. Stateless, thread-safe.
 */
public final class TaintToleration implements FilterPlugin, ScorePlugin {
    public static final String NAME = "TaintToleration";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
        List<Taint> taints = node.noScheduleTaints();
        if (taints.isEmpty()) {
            return Status.SUCCESS;
        }
        List<Toleration> tolerations = tolerations(pod);
        for (Taint t : taints) {
            if (!tolerated(t, tolerations)) {
                return Status.unresolvable("node(s) had untolerated taint {" + t.getKey() + ": "
                        + (t.getValue() == null ? "" : t.getValue()) + "}");
            }
        }
        return Status.SUCCESS;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        List<Taint> taints = node.preferNoScheduleTaints();
        if (taints.isEmpty()) {
            return 0;
        }
        // only tolerations with no effect or PreferNoSchedule count here, which tolerates() already requires of a
        // PreferNoSchedule taint
        List<Toleration> tolerations = tolerations(pod);
        long count = 0;
        for (Taint t : taints) {
            if (!tolerated(t, tolerations)) {
                count++;
            }
        }
        return count;
    }

    @Override
    public void normalize(CycleState state, PodInfo pod, long[] scores) {
        ScorePlugin.defaultNormalize(scores, true);
    }

    static List<Toleration> tolerations(PodInfo pod) {
        List<Toleration> t = pod.pod().getSpec().getTolerations();
        return t == null ? List.of() : t;
    }

    public static boolean tolerated(Taint taint, List<Toleration> tolerations) {
        for (Toleration t : tolerations) {
            if (tolerates(t, taint)) {
                return true;
            }
        }
        return false;
    }

    /** Upstream's ToleratesTaint: effect empty or equal; empty key with Exists matches every key. */
    public static boolean tolerates(Toleration t, Taint taint) {
        if (t.getEffect() != null && !t.getEffect().isEmpty() && !t.getEffect().equals(taint.getEffect())) {
            return false;
        }
        String key = t.getKey() == null ? "" : t.getKey();
        if (!key.isEmpty() && !key.equals(taint.getKey())) {
            return false;
        }
        String op = t.getOperator() == null || t.getOperator().isEmpty() ? "Equal" : t.getOperator();
        return switch (op) {
            case "Exists" -> true;
            case "Equal" -> !key.isEmpty() && nullToEmpty(t.getValue()).equals(nullToEmpty(taint.getValue()));
            default -> false;
        };
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
