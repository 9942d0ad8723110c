package io.kube4j.scheduler.framework;

import io.fabric8.kubernetes.api.model.Quantity;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;

/**
 * An amount of node resources in the units the scheduler compares: milli-CPU, bytes of memory and ephemeral
 * storage, a pod count, and whole units of every other (scalar) resource such as {@code example.com/gpu} or
 * {@code hugepages-2Mi}. Mutable; owned by one {@link NodeInfo} or {@link PodInfo}, never shared between threads
 * while changed.
 */
public final class Resource {
    public long milliCpu;
    public long memory;
    public long ephemeralStorage;
    public long allowedPods;
    public final Map<String, Long> scalar = new HashMap<>();

    /** Adds a resource list (requests or allocatable) in place. */
    public Resource add(Map<String, Quantity> list) {
        if (list == null) {
            return this;
        }
        for (Map.Entry<String, Quantity> e : list.entrySet()) {
            String name = e.getKey();
            switch (name) {
                case "cpu" -> milliCpu += milli(e.getValue());
                case "memory" -> memory += whole(e.getValue());
                case "ephemeral-storage" -> ephemeralStorage += whole(e.getValue());
                case "pods" -> allowedPods += whole(e.getValue());
                default -> {
                    if (isScalar(name)) {
                        scalar.merge(name, whole(e.getValue()), Long::sum);
                    }
                }
            }
        }
        return this;
    }

    public void add(Resource r) {
        milliCpu += r.milliCpu;
        memory += r.memory;
        ephemeralStorage += r.ephemeralStorage;
        allowedPods += r.allowedPods;
        r.scalar.forEach((k, v) -> scalar.merge(k, v, Long::sum));
    }

    public void subtract(Resource r) {
        milliCpu -= r.milliCpu;
        memory -= r.memory;
        ephemeralStorage -= r.ephemeralStorage;
        allowedPods -= r.allowedPods;
        r.scalar.forEach((k, v) -> scalar.merge(k, -v, Long::sum));
    }

    /** Raises every amount to at least the other's (the init-container rule). */
    public void max(Resource r) {
        milliCpu = Math.max(milliCpu, r.milliCpu);
        memory = Math.max(memory, r.memory);
        ephemeralStorage = Math.max(ephemeralStorage, r.ephemeralStorage);
        allowedPods = Math.max(allowedPods, r.allowedPods);
        r.scalar.forEach((k, v) -> scalar.merge(k, v, Math::max));
    }

    public Resource copy() {
        Resource c = new Resource();
        c.add(this);
        return c;
    }

    public boolean isZero() {
        if (milliCpu != 0 || memory != 0 || ephemeralStorage != 0) {
            return false;
        }
        for (long v : scalar.values()) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }

    /** Extended resources ({@code domain/name}), hugepages and attachable volumes count as scalar resources. */
    static boolean isScalar(String name) {
        return name.contains("/") || name.startsWith("hugepages-");
    }

    /** Milli-units, rounded up as upstream's MilliValue. */
    public static long milli(Quantity q) {
        return Quantity.getAmountInBytes(q).multiply(BigDecimal.valueOf(1000)).setScale(0, RoundingMode.CEILING)
                .longValueExact();
    }

    /** Whole units, rounded up as upstream's Value. */
    public static long whole(Quantity q) {
        return Quantity.getAmountInBytes(q).setScale(0, RoundingMode.CEILING).longValueExact();
    }
}
