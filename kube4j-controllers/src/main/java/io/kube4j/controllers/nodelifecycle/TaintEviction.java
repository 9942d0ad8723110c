package io.kube4j.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * When the NoExecute taint manager evicts a pod from a tainted node, as a plain function of the node's taints and
 * the pod's tolerations: at once when some NoExecute taint is not tolerated; never when every one is tolerated
 * without {@code tolerationSeconds}; else {@code tolerationSeconds} after the taint was added (the earliest such
 * time over the taints). Stateless.
 */
public final class TaintEviction {
    private TaintEviction() {
    }

    /** Empty: the pod stays. Otherwise the instant it is to be deleted (at or before {@code now}: at once). */
    public static Optional<Instant> evictionTime(List<Taint> taints, List<Toleration> tolerations, Instant now) {
        Instant earliest = null;
        for (Taint t : taints) {
            if (!"NoExecute".equals(t.getEffect())) {
                continue;
            }
            Toleration match = null;
            for (Toleration tol : tolerations == null ? List.<Toleration>of() : tolerations) {
                if (tolerates(tol, t)) {
                    match = tol;
                    break;
                }
            }
            if (match == null) {
                return Optional.of(now);
            }
            if (match.getTolerationSeconds() == null) {
                continue;
            }
            Instant added = t.getTimeAdded() == null ? now : Instant.parse(t.getTimeAdded());
            Instant at = added.plusSeconds(Math.max(0, match.getTolerationSeconds()));
            if (earliest == null || at.isBefore(earliest)) {
                earliest = at;
            }
        }
        return Optional.ofNullable(earliest);
    }

    /** Upstream's ToleratesTaint: effect, key (empty key with Exists matches all) and, for Equal, the value. */
    public static boolean tolerates(Toleration tol, Taint taint) {
        String effect = Objects.requireNonNullElse(tol.getEffect(), "");
        if (!effect.isEmpty() && !effect.equals(taint.getEffect())) {
            return false;
        }
        String key = Objects.requireNonNullElse(tol.getKey(), "");
        String operator = Objects.requireNonNullElse(tol.getOperator(), "");
        if (key.isEmpty()) {
            return operator.equals("Exists");
        }
        if (!key.equals(taint.getKey())) {
            return false;
        }
        return switch (operator) {
            case "Exists" -> true;
            case "", "Equal" -> Objects.requireNonNullElse(tol.getValue(), "")
                    .equals(Objects.requireNonNullElse(taint.getValue(), ""));
            default -> false;
        };
    }
}
