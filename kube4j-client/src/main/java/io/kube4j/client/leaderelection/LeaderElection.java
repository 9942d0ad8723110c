package io.kube4j.client.leaderelection;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs a component only while this process holds the Lease {@code kube-system/<name>} (kube-controller-manager,
 * kube-scheduler), or at once when election is disabled. {@code onStartedLeading} and {@code onStoppedLeading} run
 * one at a time, in the order the elector decided them, on a thread of their own: a component that takes longer
 * to start than the lease lasts does not hold up the renewals (upstream starts it on a goroutine of its own too).
 * A process that loses the Lease stops the component and campaigns again, as a restarted upstream
 * kube-controller-manager would, so it can take over when the new leader dies. {@link #close} cancels the
 * campaign, releases the Lease and stops the component. Thread-safe.
 */
public final class LeaderElection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);
    public static final String NAMESPACE = "kube-system";

    private final KubernetesClient client;
    private final String leaseName;
    private final LeaderElectionConfig config;
    private final Runnable onStartedLeading;
    private final Runnable onStoppedLeading;
    private final ExecutorService callbacks;
    private final ExecutorService electorThreads = Executors.newVirtualThreadPerTaskExecutor();
    private CompletableFuture<?> elector;
    private boolean stopped;

    private LeaderElection(KubernetesClient client, String leaseName, LeaderElectionConfig config,
                           Runnable onStartedLeading, Runnable onStoppedLeading) {
        this.client = client;
        this.leaseName = leaseName;
        this.config = config;
        this.onStartedLeading = onStartedLeading;
        this.onStoppedLeading = onStoppedLeading;
        this.callbacks = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("leader-" + leaseName).factory());
    }

    public static LeaderElection start(KubernetesClient client, String leaseName, LeaderElectionConfig config,
                                       Runnable onStartedLeading, Runnable onStoppedLeading) {
        LeaderElection election = new LeaderElection(client, leaseName, config, onStartedLeading, onStoppedLeading);
        if (!config.enabled()) {
            onStartedLeading.run(); // nothing to renew: callers see the component running on return
            return election;
        }
        election.campaign();
        return election;
    }

    /** One campaign: acquire, lead while renewals succeed; when it ends without {@link #close}, another. */
    private synchronized void campaign() {
        if (stopped) {
            return;
        }
        LeaderElector le = new LeaderElector(client, new LeaderElectionConfigBuilder()
                .withName(leaseName)
                .withLock(new LeaseLock(NAMESPACE, leaseName, config.identity()))
                .withLeaseDuration(config.leaseDuration())
                .withRenewDeadline(config.renewDeadline())
                .withRetryPeriod(config.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(() -> callback(() -> {
                            LOG.info("{} started leading as {}", leaseName, config.identity());
                            onStartedLeading.run();
                        }), () -> callback(() -> {
                            LOG.info("{} stopped leading as {}", leaseName, config.identity());
                            onStoppedLeading.run();
                        }),
                        leader -> LOG.info("{} leader is {}", leaseName, leader)))
                .build(), electorThreads);
        CompletableFuture<?> running = le.start();
        elector = running;
        running.whenComplete((v, t) -> {
            synchronized (this) {
                if (stopped || elector != running) {
                    return;
                }
            }
            // the renewals failed or another process took the Lease: the component was told to stop
            LOG.info("{} lost by {}; campaigning again", leaseName, config.identity());
            campaign();
        });
    }

    private void callback(Runnable r) {
        try {
            callbacks.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed: close() stops the component itself
        }
    }

    @Override
    public void close() {
        CompletableFuture<?> running;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            running = elector;
        }
        if (running != null) {
            running.cancel(true); // releases the Lease if held (on the elector's thread)
        }
        callbacks.shutdown();
        try {
            callbacks.awaitTermination(70, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        onStoppedLeading.run();
        electorThreads.shutdown();
    }
}
