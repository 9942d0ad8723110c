package io.kube4j.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kube4j.client.informers.SharedInformerPool;
import io.kube4j.controllers.ControllerManager;
import io.kube4j.controllers.localpath.LocalPathVolumes;
import io.kube4j.controllers.nodelifecycle.NodeLifecycleOptions;
import io.kube4j.node.NodeOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code kube4j controller-manager}: the controllers in a process of their own, for servers started with
 * {@code --disable-controllers}. With leader election (the default) several of them may run; one is active.
 */
@Command(name = "controller-manager", mixinStandardHelpOptions = true,
        description = "Run kube4j's controllers against an API server.")
final class ControllerManagerCommand implements Callable<Integer> {
    @Option(names = "--kubeconfig", required = true, description = "Kubeconfig of the API server (an admin's).")
    Path kubeconfig;

    @picocli.CommandLine.Mixin
    LeaderElectionFlags election = new LeaderElectionFlags();

    @Option(names = "--cluster-cidr", defaultValue = NodeOptions.DEFAULT_CLUSTER_CIDR,
            description = "Pod IP range the node IPAM controller hands out (default: ${DEFAULT-VALUE}).")
    String clusterCidr;

    @Option(names = "--service-lb-pool", description = "Addresses ServiceLB gives LoadBalancer services: a CIDR or "
            + "first-last range (default: the nodes' InternalIPs).")
    String serviceLbPool;

    @Option(names = "--local-path-dir", defaultValue = LocalPathVolumes.DEFAULT_DIR,
            description = "Directory on every node under which the local-path provisioner puts volumes "
                    + "(default: ${DEFAULT-VALUE}).")
    String localPathDir;

    @Override
    public Integer call() throws Exception {
        KubernetesClient client = KubeconfigClient.from(kubeconfig);
        // a pool of its own: the same code path as the server's, with the controllers as its only user
        SharedInformerPool informers = new SharedInformerPool(client);
        ControllerManager manager = Controllers.manager(client, informers, clusterCidr,
                election.config(NodeFlags.hostName()),
                NodeLifecycleOptions.defaults(), 12500, serviceLbPool, localPathDir).start();
        System.out.println("kube4j controller-manager running against " + client.getMasterUrl());
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            manager.close();
            informers.close();
            client.close();
            stopped.countDown();
        }, "kube4j-controller-manager-shutdown"));
        stopped.await();
        return 0;
    }
}
