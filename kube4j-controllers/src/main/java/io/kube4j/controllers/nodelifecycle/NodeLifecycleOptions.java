package io.kube4j.controllers.nodelifecycle;

import java.time.Duration;

/**
 * The node lifecycle controller's timings, with upstream's defaults ({@code --node-monitor-grace-period 40s},
 * {@code --node-startup-grace-period 1m}, {@code --node-monitor-period 5s}).
 *
 * @param gracePeriod        how long a node may go without a Lease renewal or Ready heartbeat before it is Unknown
 * @param startupGracePeriod the same for a node that never posted a Ready condition
 * @param monitorPeriod      how often every node is looked at, besides the events that wake it up
 */
public record NodeLifecycleOptions(Duration gracePeriod, Duration startupGracePeriod, Duration monitorPeriod) {
    public NodeLifecycleOptions {
        if (gracePeriod.isNegative() || gracePeriod.isZero() || startupGracePeriod.isNegative()
                || monitorPeriod.isNegative() || monitorPeriod.isZero()) {
            throw new IllegalArgumentException("node lifecycle periods must be positive");
        }
    }

    public static NodeLifecycleOptions defaults() {
        return new NodeLifecycleOptions(Duration.ofSeconds(40), Duration.ofMinutes(1), Duration.ofSeconds(5));
    }
}
