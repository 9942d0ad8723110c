package io.kube4j.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kube4j.client.informers.SharedInformerPool;
import io.kube4j.client.leaderelection.LeaderElectionConfig;
import io.kube4j.scheduler.SchedulerOptions;
import io.kube4j.scheduler.SchedulerServer;


/**
 * The scheduler as the server runs it: its own client (its own connections) for binding and events, under the
 * kube-scheduler Lease. Its informers come from the server's pool, shared with the controller manager; standalone
 * ({@code kube4j scheduler}) from a pool of its own.
 */
final class SchedulerComponent implements AutoCloseable {
    private final KubernetesClient client;
    private final SchedulerServer scheduler;

    private SchedulerComponent(KubernetesClient client, SchedulerServer scheduler) {
        this.client = client;
        this.scheduler = scheduler;
    }

    /** Runs the scheduler with a client of its own and the informers of {@code informers}, which its owner closes. */
    static SchedulerComponent start(Config config, LeaderElectionConfig election, SharedInformerPool informers) {
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        String host = NodeFlags.hostName();
        return new SchedulerComponent(client,
                new SchedulerServer(client, SchedulerOptions.defaults(election, host), informers).start());
    }

    /** Runs the scheduler with this client, which it closes when it stops, and a pool of informers of its own. */
    static SchedulerComponent start(KubernetesClient client, LeaderElectionConfig election) {
        String host = NodeFlags.hostName();
        return new SchedulerComponent(client, new SchedulerServer(client, SchedulerOptions.defaults(election, host)).start());
    }

    @Override
    public void close() {
        scheduler.close();
        client.close();
    }
}
