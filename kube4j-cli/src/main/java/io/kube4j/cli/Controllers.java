package io.kube4j.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.ControllerContext;
import io.kube4j.controllers.ControllerManager;
import io.kube4j.controllers.cronjob.CronJobController;
import io.kube4j.controllers.daemonset.DaemonSetController;
import io.kube4j.controllers.job.JobController;
import io.kube4j.controllers.nodeipam.NodeIpamController;

import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** The controllers kube4j runs, in one list for the server and for {@code kube4j controller-manager}. */
final class Controllers {
    private Controllers() {
    }

    static ControllerManager manager(KubernetesClient client, String clusterCidr, boolean leaderElect) {
        String host = NodeFlags.hostName();
        List<Function<ControllerContext, Controller>> all = List.of(
                ctx -> new NodeIpamController(ctx, clusterCidr, 24),
                JobController::new,
                CronJobController::new,
                DaemonSetController::new);
        ControllerManager.Election election = leaderElect
                ? ControllerManager.Election.defaults(host + "_" + UUID.randomUUID())
                : ControllerManager.Election.disabled();
        return new ControllerManager(() -> new ControllerContext(client, Clock.systemUTC(), host), all, election);
    }
}
