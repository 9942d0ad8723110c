package io.kube4j.scheduler;

import io.kube4j.client.leaderelection.LeaderElectionConfig;

import java.time.Clock;
import java.util.Objects;

/**
 * Options of the scheduler component, built once from the command line.
 *
 * @param election            Lease {@code kube-system/kube-scheduler} campaign, or disabled
 * @param host                the host name events report
 * @param clock               time of the queue's back-off and of conditions
 * @param seed                seed of the tie-breaking random choice between equal nodes
 * @param maxInFlightBindings bindings sent and not yet answered, at most
 */
public record SchedulerOptions(LeaderElectionConfig election, String host, Clock clock, long seed,
                               int maxInFlightBindings) {
    public static final String LEASE_NAME = "kube-scheduler";

    public SchedulerOptions {
        Objects.requireNonNull(election, "election");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(clock, "clock");
        if (maxInFlightBindings < 1) {
            throw new IllegalArgumentException("maxInFlightBindings must be at least 1, not " + maxInFlightBindings);
        }
    }

    public static SchedulerOptions defaults(LeaderElectionConfig election, String host) {
        return new SchedulerOptions(election, host, Clock.systemUTC(), System.nanoTime(), 256);
    }
}
