package io.kube4j.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.ControllerContext;
import io.kube4j.controllers.ControllerManager;
import io.kube4j.controllers.cronjob.CronJobController;
import io.kube4j.controllers.daemonset.DaemonSetController;
import io.kube4j.controllers.statefulset.StatefulSetController;
import io.kube4j.controllers.deployment.DeploymentController;
import io.kube4j.controllers.endpoint.EndpointController;
import io.kube4j.controllers.endpointslice.EndpointSliceController;
import io.kube4j.controllers.endpointslicemirroring.EndpointSliceMirroringController;
import io.kube4j.controllers.garbagecollector.GarbageCollector;
import io.kube4j.controllers.job.JobController;
import io.kube4j.controllers.nodeipam.NodeIpamController;
import io.kube4j.controllers.nodelifecycle.NodeLifecycleController;
import io.kube4j.controllers.nodelifecycle.NodeLifecycleOptions;
import io.kube4j.controllers.podgc.PodGcController;
import io.kube4j.controllers.podgc.PodGcOptions;
import io.kube4j.controllers.replicaset.ReplicaSetController;
import io.kube4j.controllers.serviceaccount.ServiceAccountsController;
import io.kube4j.controllers.servicelb.AddressPool;
import io.kube4j.controllers.servicelb.ServiceLbController;

import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** The controllers kube4j runs, in one list for the server and for {@code kube4j controller-manager}. */
final class Controllers {
    private Controllers() {
    }

    static ControllerManager manager(KubernetesClient client, String clusterCidr, boolean leaderElect,
                                     NodeLifecycleOptions nodeLifecycle, int terminatedPodGcThreshold,
                                     String serviceLbPool) {
        String host = NodeFlags.hostName();
        // null or blank: the nodes' InternalIPs, as k3s's ServiceLB publishes node addresses
        AddressPool lbPool = serviceLbPool == null || serviceLbPool.isBlank() ? null
                : AddressPool.parse(serviceLbPool);
        List<Function<ControllerContext, Controller>> all = List.of(
                ctx -> new NodeIpamController(ctx, clusterCidr, 24),
                ctx -> new NodeLifecycleController(ctx, nodeLifecycle),
                ReplicaSetController::replicaSets,
                ReplicaSetController::replicationControllers,
                DeploymentController::new,
                GarbageCollector::new,
                ServiceAccountsController::new,
                JobController::new,
                CronJobController::new,
                DaemonSetController::new,
                ctx -> new PodGcController(ctx, PodGcOptions.withThreshold(terminatedPodGcThreshold)),
                // services (issue 5): endpoints
                EndpointController::new,
                EndpointSliceController::new,
                EndpointSliceMirroringController::new,
                ctx -> new ServiceLbController(ctx, lbPool),
                // volumes, configuration and identity (issue 6): StatefulSets
                StatefulSetController::new);
        ControllerManager.Election election = leaderElect
                ? ControllerManager.Election.defaults(host + "_" + UUID.randomUUID())
                : ControllerManager.Election.disabled();
        return new ControllerManager(() -> new ControllerContext(client, Clock.systemUTC(), host), all, election);
    }
}
