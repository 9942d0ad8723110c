package io.kube4j.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.ControllerContext;
import io.kube4j.client.informers.SharedInformerPool;
import io.kube4j.client.leaderelection.LeaderElectionConfig;
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
import io.kube4j.controllers.localpath.LocalPathProvisioner;
import io.kube4j.controllers.nodeipam.NodeIpamController;
import io.kube4j.controllers.nodelifecycle.NodeLifecycleController;
import io.kube4j.controllers.nodelifecycle.NodeLifecycleOptions;
import io.kube4j.controllers.persistentvolume.PersistentVolumeController;
import io.kube4j.controllers.pvcprotection.PvcProtectionController;
import io.kube4j.controllers.pvprotection.PvProtectionController;
import io.kube4j.controllers.podgc.PodGcController;
import io.kube4j.controllers.podgc.PodGcOptions;
import io.kube4j.controllers.replicaset.ReplicaSetController;
import io.kube4j.controllers.serviceaccount.ServiceAccountsController;
import io.kube4j.controllers.servicelb.AddressPool;
import io.kube4j.controllers.servicelb.ServiceLbController;
import io.kube4j.controllers.rootcacertpublisher.RootCaCertPublisher;

import java.time.Clock;
import java.util.List;
import java.util.function.Function;

/** The controllers kube4j runs, in one list for the server and for {@code kube4j controller-manager}. */
final class Controllers {
    private Controllers() {
    }

    /**
     * The controller manager; each term's controllers take their informers from {@code informers}, a pool on
     * {@code client} that the caller owns (and in {@code kube4j server} shares with the scheduler).
     */
    static ControllerManager manager(KubernetesClient client, SharedInformerPool informers, String clusterCidr,
                                     LeaderElectionConfig election,
                                     NodeLifecycleOptions nodeLifecycle, int terminatedPodGcThreshold,
                                     String serviceLbPool, String localPathDir) {
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
                // storage (issue 6): PV binder, local-path provisioner, pvc/pv protection
                PersistentVolumeController::new,
                ctx -> new LocalPathProvisioner(ctx, localPathDir),
                PvcProtectionController::new,
                PvProtectionController::new,
                // StatefulSets (issue 6)
                StatefulSetController::new);
        // identity (issue 6): kube-root-ca.crt in every namespace, from the CA the client trusts
        String caPem = clusterCaPem(client);
        if (caPem != null) {
            all = new java.util.ArrayList<>(all);
            all.add(ctx -> new RootCaCertPublisher(ctx, caPem));
        } else {
            org.slf4j.LoggerFactory.getLogger(Controllers.class).warn(
                    "the kubeconfig names no certificate authority: kube-root-ca.crt is not published");
        }
        return new ControllerManager(() -> new ControllerContext(client, Clock.systemUTC(), host, informers), all,
                election);
    }

    /**
     * The cluster CA in PEM, as the client trusts it: the kubeconfig's {@code certificate-authority-data} (or the
     * file {@code certificate-authority} names). Both {@code kube4j server} and {@code kube4j controller-manager
     * --kubeconfig} build their client that way. Null when it names none.
     */
    static String clusterCaPem(KubernetesClient client) {
        var config = client.getConfiguration();
        try {
            if (config.getCaCertData() != null && !config.getCaCertData().isBlank()) {
                return new String(java.util.Base64.getDecoder().decode(config.getCaCertData().strip()),
                        java.nio.charset.StandardCharsets.UTF_8);
            }
            if (config.getCaCertFile() != null && !config.getCaCertFile().isBlank()) {
                return java.nio.file.Files.readString(java.nio.file.Path.of(config.getCaCertFile()));
            }
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read the cluster CA from the kubeconfig", e);
        }
        return null;
    }
}
