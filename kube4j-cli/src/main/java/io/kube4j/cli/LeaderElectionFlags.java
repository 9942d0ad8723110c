package io.kube4j.cli;

import io.kube4j.client.leaderelection.LeaderElectionConfig;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.UUID;

/**
 * Upstream's leader election flags, shared by {@code kube4j server}, {@code controller-manager} and
 * {@code scheduler}: {@code --leader-elect} (on by default) and the lease timings. A picocli mixin.
 */
final class LeaderElectionFlags {
    @Option(names = "--leader-elect", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run the controllers and the scheduler only while holding their kube-system Leases "
                    + "(default: true).")
    boolean leaderElect;

    @Option(names = "--leader-elect-lease-duration", defaultValue = "15s", converter = GoDurationConverter.class,
            description = "How long a leader's Lease holds without renewal; a new leader takes over after it "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration leaseDuration;

    @Option(names = "--leader-elect-renew-deadline", defaultValue = "10s", converter = GoDurationConverter.class,
            description = "How long a leader keeps trying to renew before it stops leading (default: ${DEFAULT-VALUE}).")
    Duration renewDeadline;

    @Option(names = "--leader-elect-retry-period", defaultValue = "2s", converter = GoDurationConverter.class,
            description = "How often candidates try to acquire or renew the Lease (default: ${DEFAULT-VALUE}).")
    Duration retryPeriod;

    /** The election of a component on {@code host}, with a fresh identity per process. */
    LeaderElectionConfig config(String host) {
        if (!leaderElect) {
            return LeaderElectionConfig.disabled();
        }
        if (!(leaseDuration.compareTo(renewDeadline) > 0 && renewDeadline.compareTo(retryPeriod) > 0)) {
            // upstream's validation of the leader election configuration
            throw new IllegalArgumentException("leader election needs lease duration > renew deadline > retry period,"
                    + " got " + leaseDuration + ", " + renewDeadline + ", " + retryPeriod);
        }
        return new LeaderElectionConfig(true, host + "_" + UUID.randomUUID(), leaseDuration, renewDeadline,
                retryPeriod);
    }
}
