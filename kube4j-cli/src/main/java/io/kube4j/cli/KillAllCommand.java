package io.kube4j.cli;

import io.kube4j.node.NodeKillAll;
import io.kube4j.node.NodeOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code kube4j killall}: stops every pod the node left running and removes the node's network setup. */
@Command(name = "killall", mixinStandardHelpOptions = true,
        description = "Stop all pods of a stopped node and remove its bridge, rules and guard.")
final class KillAllCommand implements Callable<Integer> {
    @Option(names = "--data-dir", description = "The server's or agent's data dir (default: ${DEFAULT-VALUE}).",
            defaultValue = "${env:KUBE4J_DATA_DIR:-/var/lib/kube4j}")
    Path dataDir;

    @Option(names = "--cluster-cidr", defaultValue = NodeOptions.DEFAULT_CLUSTER_CIDR,
            description = "Pod IP range of the cluster (default: ${DEFAULT-VALUE}).")
    String clusterCidr;

    @Option(names = "--service-cidr", defaultValue = "10.43.0.0/16",
            description = "Service IP range (default: ${DEFAULT-VALUE}).")
    String serviceCidr;

    @Override
    public Integer call() throws Exception {
        // a server keeps its node under DATA/agent; an agent's data dir is the node's own
        Path node = Files.isDirectory(dataDir.resolve("agent").resolve("containerd")) ? dataDir.resolve("agent") : dataDir;
        for (String step : NodeKillAll.run(node, clusterCidr, serviceCidr)) {
            System.out.println("removed " + step);
        }
        return 0;
    }
}
