package io.kube4j.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kube4j.client.leaderelection.LeaderElectionConfig;
import io.kube4j.scheduler.SchedulerOptions;
import io.kube4j.scheduler.SchedulerServer;


/** The scheduler as the server runs it: its own client (its own connections), under the kube-scheduler Lease. */
final class SchedulerComponent implements AutoCloseable {
    private final KubernetesClient client;
    private final SchedulerServer scheduler;

    private SchedulerComponent(KubernetesClient client, SchedulerServer scheduler) {
        this.client = client;
        this.scheduler = scheduler;
    }

    static SchedulerComponent start(Config config, LeaderElectionConfig election) {
        return start(new KubernetesClientBuilder().withConfig(config).build(), election);
    }

    /** Runs the scheduler with this client, which it closes when it stops. */
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
