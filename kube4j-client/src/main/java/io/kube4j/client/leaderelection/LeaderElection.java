package io.kube4j.client.leaderelection;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/**
 * Runs a component only while this process holds the Lease {@code kube-system/<name>} (kube-controller-manager,
 * kube-scheduler), or at once when election is disabled. {@code onStartedLeading} and {@code onStoppedLeading} are
 * called from the elector's thread, one at a time; {@link #close} cancels the campaign, releases the Lease and stops
 * the component. Thread-safe.
 */
public final class LeaderElection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);
    public static final String NAMESPACE = "kube-system";

    private final Runnable onStoppedLeading;
    private final CompletableFuture<?> elector;
    private boolean stopped;

    private LeaderElection(Runnable onStoppedLeading, CompletableFuture<?> elector) {
        this.onStoppedLeading = onStoppedLeading;
        this.elector = elector;
    }

    public static LeaderElection start(KubernetesClient client, String leaseName, LeaderElectionConfig config,
                                       Runnable onStartedLeading, Runnable onStoppedLeading) {
        if (!config.enabled()) {
            onStartedLeading.run();
            return new LeaderElection(onStoppedLeading, null);
        }
        LeaderElector le = new LeaderElector(client, new LeaderElectionConfigBuilder()
                .withName(leaseName)
                .withLock(new LeaseLock(NAMESPACE, leaseName, config.identity()))
                .withLeaseDuration(config.leaseDuration())
                .withRenewDeadline(config.renewDeadline())
                .withRetryPeriod(config.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(onStartedLeading, onStoppedLeading,
                        leader -> LOG.info("{} leader is {}", leaseName, leader)))
                .build(), Executors.newVirtualThreadPerTaskExecutor());
        return new LeaderElection(onStoppedLeading, le.start());
    }

    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (elector != null) {
            elector.cancel(true);
        }
        onStoppedLeading.run();
    }
}
