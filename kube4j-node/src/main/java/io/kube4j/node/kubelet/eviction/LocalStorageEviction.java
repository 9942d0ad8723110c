package io.kube4j.node.kubelet.eviction;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Upstream's local storage capacity isolation, as a pure decision: whether a pod that uses this much local ephemeral
 * storage must be evicted, and the message that says why. Checked in upstream's order: an on-disk emptyDir over its
 * {@code sizeLimit}, then the pod's total over the sum of its containers' {@code ephemeral-storage} limits, then a
 * container over its own limit. Stateless and thread-safe; called by {@link EvictionManager} on each pass.
 */
public final class LocalStorageEviction {
    /** The pod status reason and event reason of every kubelet eviction. */
    public static final String REASON = "Evicted";
    private static final String EPHEMERAL_STORAGE = "ephemeral-storage";

    private LocalStorageEviction() {
    }

    /** True when the pod sets any local storage limit, so measuring it can lead to an eviction. */
    public static boolean hasLimits(Pod pod) {
        boolean sized = list(pod.getSpec().getVolumes()).stream().anyMatch(v -> v.getEmptyDir() != null
                && v.getEmptyDir().getSizeLimit() != null && !"Memory".equals(v.getEmptyDir().getMedium()));
        return sized || podLimit(pod) != null;
    }

    /** The eviction message when the pod exceeds one of its local storage limits, else empty. */
    public static Optional<String> decide(Pod pod, PodStorageUsage usage) {
        Optional<String> emptyDir = emptyDirOverLimit(pod, usage);
        if (emptyDir.isPresent()) {
            return emptyDir;
        }
        Optional<String> podTotal = podOverLimit(pod, usage);
        if (podTotal.isPresent()) {
            return podTotal;
        }
        return containerOverLimit(pod, usage);
    }

    private static Optional<String> emptyDirOverLimit(Pod pod, PodStorageUsage usage) {
        for (Volume v : list(pod.getSpec().getVolumes())) {
            if (v.getEmptyDir() == null || v.getEmptyDir().getSizeLimit() == null) {
                continue;
            }
            Long used = usage.emptyDirs().get(v.getName());
            BigDecimal limit = bytes(v.getEmptyDir().getSizeLimit());
            if (used != null && limit.signum() > 0 && BigDecimal.valueOf(used).compareTo(limit) > 0) {
                return Optional.of("Usage of EmptyDir volume \"" + v.getName() + "\" exceeds the limit \""
                        + canonical(v.getEmptyDir().getSizeLimit(), limit) + "\". ");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> podOverLimit(Pod pod, PodStorageUsage usage) {
        PodLimit limit = podLimit(pod);
        if (limit == null || BigDecimal.valueOf(usage.total()).compareTo(limit.bytes()) <= 0) {
            return Optional.empty();
        }
        return Optional.of("Pod ephemeral local storage usage exceeds the total limit of containers "
                + canonical(limit.format(), limit.bytes()) + ". ");
    }

    private static Optional<String> containerOverLimit(Pod pod, PodStorageUsage usage) {
        for (Container c : list(pod.getSpec().getContainers())) {
            Quantity q = limitOf(c);
            if (q == null) {
                continue;
            }
            BigDecimal limit = bytes(q);
            Long used = usage.containers().get(c.getName());
            if (limit.signum() != 0 && used != null && limit.compareTo(BigDecimal.valueOf(used)) < 0) {
                return Optional.of("Container " + c.getName() + " exceeded its local ephemeral storage limit \""
                        + canonical(q, limit) + "\". ");
            }
        }
        return Optional.empty();
    }

    record PodLimit(BigDecimal bytes, Quantity format) {
    }

    /**
     * The pod's ephemeral-storage limit as upstream's PodLimits computes it: the app containers' and sidecars' limits
     * added up, or the largest regular init container's (with the sidecars started before it) when that is more,
     * plus the pod overhead; null when no container sets one.
     */
    static PodLimit podLimit(Pod pod) {
        Quantity format = null;
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal sidecars = BigDecimal.ZERO;
        BigDecimal initMax = BigDecimal.ZERO;
        for (Container c : list(pod.getSpec().getContainers())) {
            Quantity q = limitOf(c);
            if (q != null) {
                format = format == null ? q : format;
                sum = sum.add(bytes(q));
            }
        }
        for (Container c : list(pod.getSpec().getInitContainers())) {
            Quantity q = limitOf(c);
            BigDecimal value = q == null ? BigDecimal.ZERO : bytes(q);
            if (q != null) {
                format = format == null ? q : format;
            }
            if ("Always".equals(c.getRestartPolicy())) {
                sidecars = sidecars.add(value);
                initMax = initMax.max(sidecars);
            } else if (q != null) {
                initMax = initMax.max(sidecars.add(value));
            }
        }
        BigDecimal total = sum.add(sidecars).max(initMax);
        Map<String, Quantity> overhead = pod.getSpec().getOverhead();
        if (overhead != null && overhead.get(EPHEMERAL_STORAGE) != null && format != null) {
            total = total.add(bytes(overhead.get(EPHEMERAL_STORAGE)));
        }
        return format == null ? null : new PodLimit(total, format);
    }

    private static Quantity limitOf(Container c) {
        if (c.getResources() == null || c.getResources().getLimits() == null) {
            return null;
        }
        return c.getResources().getLimits().get(EPHEMERAL_STORAGE);
    }

    static BigDecimal bytes(Quantity q) {
        return Quantity.getAmountInBytes(q);
    }

    /**
     * A byte count as upstream prints a quantity: in the suffix family of the quantity it came from (binary for
     * {@code Ki}/{@code Mi}/..., decimal otherwise), with the largest suffix that divides it exactly.
     */
    static String canonical(Quantity like, BigDecimal bytes) {
        String format = like.getFormat() == null ? "" : like.getFormat();
        BigDecimal whole = bytes.stripTrailingZeros();
        if (whole.scale() > 0) {
            return whole.toPlainString();
        }
        boolean binary = format.endsWith("i");
        String[] suffixes = binary ? new String[]{"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"}
                : new String[]{"", "k", "M", "G", "T", "P", "E"};
        BigDecimal step = BigDecimal.valueOf(binary ? 1024 : 1000);
        BigDecimal value = whole.setScale(0);
        int i = 0;
        while (i < suffixes.length - 1 && value.signum() != 0 && value.remainder(step).signum() == 0) {
            value = value.divide(step);
            i++;
        }
        return value.toPlainString() + suffixes[i];
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }
}
