package io.kube4j.client.leaderelection;

import java.time.Duration;

/**
 * How a component campaigns for its Lease in {@code kube-system}: upstream's defaults are a 15 s lease, a 10 s
 * renew deadline and a 2 s retry period. Disabled means the component runs at once, without a Lease. Immutable.
 */
public record LeaderElectionConfig(boolean enabled, String identity, Duration leaseDuration, Duration renewDeadline,
                                   Duration retryPeriod) {
    public static LeaderElectionConfig defaults(String identity) {
        return new LeaderElectionConfig(true, identity, Duration.ofSeconds(15), Duration.ofSeconds(10),
                Duration.ofSeconds(2));
    }

    public static LeaderElectionConfig disabled() {
        return new LeaderElectionConfig(false, "", Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }
}
