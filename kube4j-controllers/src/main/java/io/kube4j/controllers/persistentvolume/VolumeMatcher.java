package io.kube4j.controllers.persistentvolume;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kube4j.controllers.Selectors;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which PersistentVolume a claim binds to, as upstream's FindMatchingVolume: a volume pre-bound to the claim
 * ({@code spec.claimRef}) wins; otherwise the smallest free volume whose capacity covers the request, whose access
 * modes include the claim's, whose class equals the claim's ({@code ""} when unset), whose volumeMode equals the
 * claim's and whose labels match the claim's selector. With delayed binding (WaitForFirstConsumer) only pre-bound
 * volumes count: the node decides. Pure functions; thread-safe.
 */
public final class VolumeMatcher {
    static final String BETA_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";

    private VolumeMatcher() {
    }

    public static Optional<PersistentVolume> findBestMatch(PersistentVolumeClaim claim,
                                                           Collection<PersistentVolume> volumes, boolean delayBinding) {
        BigDecimal requested = bytes(claim.getSpec().getResources() == null ? null
                : claim.getSpec().getResources().getRequests(), "storage");
        String claimClass = claimClass(claim);
        String claimMode = orDefault(claim.getSpec().getVolumeMode(), "Filesystem");
        List<String> wantedModes = claim.getSpec().getAccessModes() == null ? List.of()
                : claim.getSpec().getAccessModes();
        PersistentVolume smallest = null;
        BigDecimal smallestSize = null;
        for (PersistentVolume v : volumes) {
            BigDecimal size = bytes(v.getSpec().getCapacity(), "storage");
            if (size.compareTo(requested) < 0) {
                continue;
            }
            if (!claimMode.equals(orDefault(v.getSpec().getVolumeMode(), "Filesystem"))) {
                continue;
            }
            if (v.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            if (isBoundTo(v, claim)) {
                return Optional.of(v);
            }
            if (delayBinding) {
                continue;
            }
            if (v.getSpec().getClaimRef() != null) {
                continue;
            }
            if (claim.getSpec().getSelector() != null
                    && !Selectors.matches(claim.getSpec().getSelector(), v.getMetadata().getLabels())) {
                continue;
            }
            if (!claimClass.equals(volumeClass(v))) {
                continue;
            }
            List<String> have = v.getSpec().getAccessModes() == null ? List.of() : v.getSpec().getAccessModes();
            if (!have.containsAll(wantedModes)) {
                continue;
            }
            if (smallest == null || smallestSize.compareTo(size) > 0) {
                smallest = v;
                smallestSize = size;
            }
        }
        return Optional.ofNullable(smallest);
    }

    /** True when the volume's claimRef names this claim (and its uid, when the ref carries one). */
    public static boolean isBoundTo(PersistentVolume v, PersistentVolumeClaim claim) {
        ObjectReference ref = v.getSpec().getClaimRef();
        if (ref == null || !claim.getMetadata().getName().equals(ref.getName())
                || !claim.getMetadata().getNamespace().equals(ref.getNamespace())) {
            return false;
        }
        return ref.getUid() == null || ref.getUid().isEmpty() || ref.getUid().equals(claim.getMetadata().getUid());
    }

    /** The claim's class: {@code spec.storageClassName}, else the beta annotation, else {@code ""}. */
    public static String claimClass(PersistentVolumeClaim claim) {
        Map<String, String> a = claim.getMetadata().getAnnotations();
        if (a != null && a.containsKey(BETA_CLASS_ANNOTATION)) {
            return a.get(BETA_CLASS_ANNOTATION);
        }
        return orDefault(claim.getSpec().getStorageClassName(), "");
    }

    public static String volumeClass(PersistentVolume v) {
        Map<String, String> a = v.getMetadata().getAnnotations();
        if (a != null && a.containsKey(BETA_CLASS_ANNOTATION)) {
            return a.get(BETA_CLASS_ANNOTATION);
        }
        return orDefault(v.getSpec().getStorageClassName(), "");
    }

    static BigDecimal bytes(Map<String, Quantity> quantities, String name) {
        Quantity q = quantities == null ? null : quantities.get(name);
        return q == null ? BigDecimal.ZERO : q.getNumericalAmount();
    }

    private static String orDefault(String s, String d) {
        return s == null || s.isEmpty() ? d : s;
    }
}
