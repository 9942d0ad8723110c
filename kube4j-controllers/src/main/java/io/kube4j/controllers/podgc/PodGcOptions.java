package io.kube4j.controllers.podgc;

import java.time.Duration;

/**
 * Options of the pod garbage collector: {@code terminatedPodThreshold} is upstream's
 * {@code --terminated-pod-gc-threshold} (12500; 0 or less keeps every terminated pod), {@code period} how often it
 * looks (20 s), {@code quarantine} how long a node must stay missing before its pods go (40 s).
 */
public record PodGcOptions(int terminatedPodThreshold, Duration period, Duration quarantine) {
    public static final int DEFAULT_THRESHOLD = 12500;

    public PodGcOptions {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("pod GC period must be positive");
        }
    }

    public static PodGcOptions defaults() {
        return withThreshold(DEFAULT_THRESHOLD);
    }

    public static PodGcOptions withThreshold(int threshold) {
        return new PodGcOptions(threshold, Duration.ofSeconds(20), Duration.ofSeconds(40));
    }
}
