package io.kube4j.cli;

import io.kube4j.apiserver.pki.ClusterPki;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code kube4j kubeconfig}: prints the admin kubeconfig of a data directory. */
@Command(name = "kubeconfig", mixinStandardHelpOptions = true, description = "Print the admin kubeconfig of a data directory.")
final class KubeconfigCommand implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = "${env:KUBE4J_DATA_DIR:-/var/lib/kube4j}")
    Path dataDir;

    @Option(names = "--server", defaultValue = "https://127.0.0.1:6443")
    String server;

    @Override
    public Integer call() {
        if (!Files.exists(dataDir.resolve("tls/ca.crt"))) {
            System.err.println("no cluster in " + dataDir + ": run kube4j server first");
            return 1;
        }
        System.out.print(io.kube4j.apiserver.pki.AdminKubeconfig.render(server, ClusterPki.loadOrCreate(dataDir.resolve("tls"), List.of("localhost"))));
        return 0;
    }
}
