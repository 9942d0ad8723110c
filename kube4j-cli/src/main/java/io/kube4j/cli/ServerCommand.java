package io.kube4j.cli;

import io.kube4j.apiserver.server.ApiServer;
import io.kube4j.apiserver.server.ApiServerOptions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kube4j.controllers.ControllerManager;
import io.kube4j.node.NodeAgent;
import io.kube4j.node.NodeCredentials;
import io.kube4j.node.NodeOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code kube4j server}: the whole cluster in one process; serves until SIGTERM. */
@Command(name = "server", mixinStandardHelpOptions = true, description = "Run a kube4j cluster in this process.")
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--data-dir", description = "Directory for state, certificates and the kubeconfig (default: ${DEFAULT-VALUE}).",
            defaultValue = "${env:KUBE4J_DATA_DIR:-/var/lib/kube4j}")
    Path dataDir;

    @Option(names = "--port", description = "HTTPS port of the API server (default: ${DEFAULT-VALUE}).", defaultValue = "6443")
    int port;

    @Option(names = "--bind-address", description = "Address to listen on (default: ${DEFAULT-VALUE}).", defaultValue = "0.0.0.0")
    String bindAddress;

    @Option(names = "--write-kubeconfig", description = "Also write the admin kubeconfig to this file.")
    Path writeKubeconfig;

    @Option(names = "--storage", description = "Storage backend: embedded (SQLite, default) or memory.", defaultValue = "embedded")
    String storage;

    @Option(names = "--token-auth-file", description = "Static bearer tokens: lines of token,user,uid,\"group1,group2\".")
    Path tokenAuthFile;

    @Option(names = "--service-cidr", description = "Service IP range (default: ${DEFAULT-VALUE}).",
            defaultValue = ApiServerOptions.DEFAULT_SERVICE_CIDR)
    String serviceCidr;

    @Option(names = "--disable-node", description = "Run no node in this process.")
    boolean disableNode;

    @Option(names = "--disable-controllers", description = "Run no controller manager in this process.")
    boolean disableControllers;

    @Option(names = "--leader-elect", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run the controllers only while this process holds the kube-system Lease (default: true).")
    boolean leaderElect;

    @Option(names = "--terminated-pod-gc-threshold", defaultValue = "12500",
            description = "Terminated pods kept before the pod garbage collector deletes the oldest; 0 keeps all "
                    + "(default: ${DEFAULT-VALUE}).")
    int terminatedPodGcThreshold;

    @CommandLine.Mixin
    NodeFlags node = new NodeFlags();

    /** A client config for the in-process controllers: the admin certificate (EC keys need the algorithm named). */
    static io.fabric8.kubernetes.client.Config adminConfig(String url, ApiServer server) {
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        var pki = server.pki();
        return new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl(url)
                .withCaCertData(b64.encodeToString(pki.caPem().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .withClientCertData(b64.encodeToString(pki.admin().certPem().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .withClientKeyData(b64.encodeToString(pki.admin().keyPem().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .withClientKeyAlgo("EC").build();
    }

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(dataDir);
        ApiServerOptions options = new ApiServerOptions(dataDir, bindAddress, port, storage, tokenAuthFile, serviceCidr, null);
        ApiServer server = new ApiServer(options).start();
        String host = bindAddress.equals("0.0.0.0") || bindAddress.equals("::") ? "127.0.0.1" : bindAddress;
        String url = "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.port();
        String kubeconfig = io.kube4j.apiserver.pki.AdminKubeconfig.render(url, server.pki());
        Path inData = dataDir.resolve("kubeconfig.yaml");
        Kubeconfig.write(inData, kubeconfig);
        System.out.println("kube4j " + ApiServer.GIT_VERSION + " serving at " + url);
        System.out.println("kubeconfig written to " + inData.toAbsolutePath());
        if (writeKubeconfig != null) {
            Kubeconfig.write(writeKubeconfig, kubeconfig);
            System.out.println("kubeconfig written to " + writeKubeconfig.toAbsolutePath());
        }
        System.out.println("node join token written to " + dataDir.resolve("node-token").toAbsolutePath());
        KubernetesClient controllerClient = new KubernetesClientBuilder().withConfig(adminConfig(url, server)).build();
        ControllerManager ipam = disableControllers ? null : Controllers.manager(controllerClient, node.clusterCidr,
                leaderElect, terminatedPodGcThreshold).start();
        NodeAgent agent = null;
        if (!disableNode) {
            // the server's own node is a control-plane node, as k3s labels its servers
            NodeOptions nodeOptions = node.options(dataDir.resolve("agent"), serviceCidr, ApiServer.GIT_VERSION,
                    java.util.Map.of("node-role.kubernetes.io/control-plane", "true"));
            var pki = server.pki();
            var client = pki.issueClient(pki.dir(), "node-client-" + nodeOptions.nodeName(),
                    "system:node:" + nodeOptions.nodeName(), java.util.List.of("system:nodes"));
            var serving = pki.issueKubeletServing(nodeOptions.nodeName(),
                    java.util.List.of(nodeOptions.nodeIp(), "127.0.0.1"));
            try {
                agent = NodeAgent.start(nodeOptions, new NodeCredentials(url, pki.caPem(), client.certPem(),
                        client.keyPem(), serving.certPem(), serving.keyPem()));
            } catch (Exception e) {
                if (ipam != null) {
                    ipam.close();
                }
                controllerClient.close();
                server.close();
                System.err.println("kube4j: the node did not start: " + e.getMessage());
                return 1;
            }
            System.out.println("node " + nodeOptions.nodeName() + " running (" + agent.runtimeEndpoint() + ")");
        }
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        NodeAgent runningAgent = agent;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (runningAgent != null) {
                runningAgent.close();
            }
            if (ipam != null) {
                ipam.close();
            }
            controllerClient.close();
            server.close();
            stopped.countDown();
        }, "kube4j-shutdown"));
        stopped.await();
        return 0;
    }
}
