package io.kube4j.scheduler.framework.plugins.volumebinding;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kube4j.scheduler.framework.plugins.nodeaffinity.NodeSelectorTerms;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which free volume a WaitForFirstConsumer claim takes on a node (upstream's FindMatchingVolume with a node): the
 * smallest unclaimed volume of the claim's class whose capacity, access modes and volumeMode fit, whose labels
 * match the claim's selector and whose nodeAffinity admits the node. Pure; thread-safe.
 */
public final class StaticVolumes {
    private StaticVolumes() {
    }

    public static Optional<PersistentVolume> match(PersistentVolumeClaim claim, Collection<PersistentVolume> volumes,
                                                   Node node, Set<String> taken) {
        BigDecimal requested = bytes(claim.getSpec().getResources() == null ? null
                : claim.getSpec().getResources().getRequests());
        String cls = claim.getSpec().getStorageClassName() == null ? "" : claim.getSpec().getStorageClassName();
        String mode = orDefault(claim.getSpec().getVolumeMode());
        List<String> modes = claim.getSpec().getAccessModes() == null ? List.of() : claim.getSpec().getAccessModes();
        PersistentVolume best = null;
        BigDecimal bestSize = null;
        for (PersistentVolume v : volumes) {
            BigDecimal size = bytes(v.getSpec().getCapacity());
            if (taken.contains(v.getMetadata().getName()) || v.getSpec().getClaimRef() != null
                    || v.getMetadata().getDeletionTimestamp() != null || size.compareTo(requested) < 0
                    || !cls.equals(v.getSpec().getStorageClassName() == null ? "" : v.getSpec().getStorageClassName())
                    || !mode.equals(orDefault(v.getSpec().getVolumeMode()))
                    || v.getSpec().getAccessModes() == null || !v.getSpec().getAccessModes().containsAll(modes)
                    || (v.getStatus() != null && v.getStatus().getPhase() != null
                    && !"Available".equals(v.getStatus().getPhase()))) {
                continue;
            }
            if (claim.getSpec().getSelector() != null && !selects(claim, v)) {
                continue;
            }
            var affinity = v.getSpec().getNodeAffinity();
            if (affinity != null && affinity.getRequired() != null
                    && !NodeSelectorTerms.anyMatches(affinity.getRequired().getNodeSelectorTerms(), node)) {
                continue;
            }
            if (best == null || bestSize.compareTo(size) > 0) {
                best = v;
                bestSize = size;
            }
        }
        return Optional.ofNullable(best);
    }

    private static boolean selects(PersistentVolumeClaim claim, PersistentVolume v) {
        var sel = claim.getSpec().getSelector();
        Map<String, String> labels = v.getMetadata().getLabels() == null ? Map.of() : v.getMetadata().getLabels();
        if (sel.getMatchLabels() != null) {
            for (var e : sel.getMatchLabels().entrySet()) {
                if (!e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
        }
        if (sel.getMatchExpressions() != null) {
            for (var r : sel.getMatchExpressions()) {
                String have = labels.get(r.getKey());
                List<String> values = r.getValues() == null ? List.of() : r.getValues();
                boolean ok = switch (r.getOperator()) {
                    case "In" -> have != null && values.contains(have);
                    case "NotIn" -> have == null || !values.contains(have);
                    case "Exists" -> have != null;
                    case "DoesNotExist" -> have == null;
                    default -> false;
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    private static BigDecimal bytes(Map<String, Quantity> q) {
        Quantity s = q == null ? null : q.get("storage");
        return s == null ? BigDecimal.ZERO : s.getNumericalAmount();
    }

    private static String orDefault(String mode) {
        return mode == null || mode.isEmpty() ? "Filesystem" : mode;
    }
}
