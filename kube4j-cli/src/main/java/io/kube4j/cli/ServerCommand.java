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
import java.util.ArrayList;
import java.util.List;
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

    @Option(names = "--advertise-address", description = "The IP address on which to advertise the apiserver to "
            + "members of the cluster (the kubernetes service's endpoints). If blank, the --bind-address will be used; "
            + "if that is 0.0.0.0, the host's first non-loopback address.")
    String advertiseAddress;

    @Option(names = "--write-kubeconfig", description = "Also write the admin kubeconfig to this file.")
    Path writeKubeconfig;

    @CommandLine.Mixin
    StorageFlags storage = new StorageFlags();

    @Option(names = "--token-auth-file", description = "Static bearer tokens: lines of token,user,uid,\"group1,group2\".")
    Path tokenAuthFile;

    @Option(names = "--service-cidr", description = "Service IP range (default: ${DEFAULT-VALUE}).",
            defaultValue = ApiServerOptions.DEFAULT_SERVICE_CIDR)
    String serviceCidr;

    // admission (issue 6): upstream's kube-apiserver flags
    @Option(names = "--enable-admission-plugins", split = ",", paramLabel = "strings",
            description = "Admission plugins to enable in addition to the default ones (NamespaceLifecycle, "
                    + "ServiceAccount, DefaultIngressClass, DefaultStorageClass). Comma-delimited list.")
    List<String> enableAdmissionPlugins = new ArrayList<>();

    @Option(names = "--disable-admission-plugins", split = ",", paramLabel = "strings",
            description = "Admission plugins to disable although they are in the default list. Comma-delimited list"
                    + " of: NamespaceLifecycle, ServiceAccount, DefaultIngressClass, DefaultStorageClass.")
    List<String> disableAdmissionPlugins = new ArrayList<>();

    @Option(names = "--disable-node", description = "Run no node in this process.")
    boolean disableNode;

    @Option(names = "--disable-controllers", description = "Run no controller manager in this process.")
    boolean disableControllers;

    @Option(names = "--disable-scheduler", description = "Run no scheduler in this process.")
    boolean disableScheduler;

    @CommandLine.Mixin
    LeaderElectionFlags election = new LeaderElectionFlags();

    @Option(names = "--terminated-pod-gc-threshold", defaultValue = "12500",
            description = "Terminated pods kept before the pod garbage collector deletes the oldest; 0 keeps all "
                    + "(default: ${DEFAULT-VALUE}).")
    int terminatedPodGcThreshold;

    @CommandLine.Mixin
    NodeFlags node = new NodeFlags();

    @Option(names = "--simulated-node-heartbeat", defaultValue = "10s", converter = GoDurationConverter.class,
            description = "How often simulated nodes renew their Lease (default: ${DEFAULT-VALUE}).")
    java.time.Duration simulatedNodeHeartbeat;

    @Option(names = "--simulated-nodes", defaultValue = "0",
            description = "Also run this many simulated nodes (sim-0, sim-1, ...): no containers, pods report Running.")
    int simulatedNodes;

    @Option(names = "--node-monitor-grace-period", defaultValue = "40s", converter = GoDurationConverter.class,
            description = "How long a node may go without heartbeats before it is marked Unknown (default: ${DEFAULT-VALUE}).")
    java.time.Duration nodeMonitorGracePeriod;

    @Option(names = "--node-startup-grace-period", defaultValue = "1m", converter = GoDurationConverter.class,
            description = "The same for a node that never posted its status (default: ${DEFAULT-VALUE}).")
    java.time.Duration nodeStartupGracePeriod;

    @Option(names = "--node-monitor-period", defaultValue = "5s", converter = GoDurationConverter.class,
            description = "How often the node lifecycle controller looks at every node (default: ${DEFAULT-VALUE}).")
    java.time.Duration nodeMonitorPeriod;

    @Option(names = "--service-lb-pool", description = "Addresses ServiceLB gives LoadBalancer services: a CIDR or "
            + "first-last range (default: the nodes' InternalIPs).")
    String serviceLbPool;

    @Option(names = "--local-path-dir", description = "Directory on every node under which the local-path "
            + "provisioner puts volumes (default: <data-dir>/agent/storage).")
    String localPathDir;

    // --- ingress controller (issue 5) ---
    @Option(names = "--disable-ingress", description = "Run no ingress controller with this process's node.")
    boolean disableIngress;

    @Option(names = "--ingress-http-port", defaultValue = "80",
            description = "HTTP port of the built-in ingress controller (default: ${DEFAULT-VALUE}).")
    int ingressHttpPort;

    @Option(names = "--ingress-https-port", defaultValue = "443",
            description = "HTTPS port of the built-in ingress controller (default: ${DEFAULT-VALUE}).")
    int ingressHttpsPort;

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
        java.util.Set<String> admissionPlugins;
        try {
            admissionPlugins = io.kube4j.apiserver.resources.admission.AdmissionPlugins.resolve(
                    enableAdmissionPlugins, disableAdmissionPlugins);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        ApiServerOptions options;
        try {
            options = new ApiServerOptions(dataDir, bindAddress, port, storage.storage, tokenAuthFile, serviceCidr,
                    null, admissionPlugins, advertiseAddress);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        java.util.function.Supplier<io.kube4j.storage.Storage> etcd;
        try {
            etcd = storage.etcd();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        ApiServer server;
        try {
            server = new ApiServer(options, etcd).start();
        } catch (io.kube4j.storage.StorageException e) {
            // e.g. no etcd member answers: one line, no stack trace
            System.err.println("kube4j: " + e.getMessage());
            return 1;
        }
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
        // every component started, closed in reverse order on SIGTERM or when a later one fails to start
        java.util.Deque<AutoCloseable> running = new java.util.ArrayDeque<>();
        running.push(server);
        try {
            startComponents(server, url, running);
        } catch (Exception e) {
            closeAll(running);
            System.err.println("kube4j: " + e.getMessage());
            return 1;
        }
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            closeAll(running);
            stopped.countDown();
        }, "kube4j-shutdown"));
        stopped.await();
        return 0;
    }

    /** Starts the controllers, simulated nodes, scheduler and node, as the flags ask, pushing each on {@code running}. */
    private void startComponents(ApiServer server, String url, java.util.Deque<AutoCloseable> running)
            throws Exception {
        KubernetesClient controllerClient = new KubernetesClientBuilder().withConfig(adminConfig(url, server)).build();
        running.push(controllerClient);
        // one informer per type for the controllers and the scheduler: each pod and node is decoded and held once
        var informers = new io.kube4j.client.informers.SharedInformerPool(controllerClient);
        running.push(informers);
        if (!disableControllers) {
            running.push(Controllers.manager(controllerClient, informers, node.clusterCidr,
                    election.config(NodeFlags.hostName()),
                    new io.kube4j.controllers.nodelifecycle.NodeLifecycleOptions(nodeMonitorGracePeriod,
                            nodeStartupGracePeriod, nodeMonitorPeriod), terminatedPodGcThreshold, serviceLbPool,
                    localPathDir != null ? localPathDir
                            : dataDir.resolve("agent").resolve("storage").toAbsolutePath().toString()).start());
        }
        if (simulatedNodes > 0) {
            var sims = new io.kube4j.node.simulated.SimulatedNodes(controllerClient,
                    io.kube4j.node.simulated.SimulatedNodeOptions.defaults("sim-", simulatedNodes)
                            .withHeartbeat(simulatedNodeHeartbeat, java.time.Duration.ofMinutes(1))
                            .withKubeletVersion(ApiServer.GIT_VERSION), java.time.Clock.systemUTC()).start();
            running.push(sims);
            if (!sims.awaitRegistered(java.time.Duration.ofSeconds(60))) {
                System.err.println("kube4j: simulated nodes did not all register within 60s");
            }
            System.out.println("simulated nodes sim-0..sim-" + (simulatedNodes - 1) + " running");
        }
        if (!disableScheduler) {
            running.push(SchedulerComponent.start(adminConfig(url, server), election.config(NodeFlags.hostName()),
                    informers));
        }
        if (!disableNode) {
            // the server's own node is a control-plane node, as k3s labels its servers
            NodeOptions nodeOptions = node.options(dataDir.resolve("agent"), serviceCidr, ApiServer.GIT_VERSION,
                    java.util.Map.of("node-role.kubernetes.io/control-plane", "true"));
            var pki = server.pki();
            var client = pki.issueClient(pki.dir(), "node-client-" + nodeOptions.nodeName(),
                    "system:node:" + nodeOptions.nodeName(), java.util.List.of("system:nodes"));
            var serving = pki.issueKubeletServing(nodeOptions.nodeName(),
                    java.util.List.of(nodeOptions.nodeIp(), "127.0.0.1"));
            NodeAgent agent;
            try {
                agent = NodeAgent.start(nodeOptions, new NodeCredentials(url, pki.caPem(), client.certPem(),
                        client.keyPem(), serving.certPem(), serving.keyPem()));
            } catch (Exception e) {
                throw new Exception("the node did not start: " + e.getMessage(), e);
            }
            running.push(agent);
            System.out.println("node " + nodeOptions.nodeName() + " running (" + agent.runtimeEndpoint() + ")");
            // --- ingress controller (issue 5): on the server's node, serving IngressClass kube4j ---
            // a taken port costs the ingress, not the cluster
            if (!disableIngress) {
                try {
                    var ingress = io.kube4j.ingress.Kube4jIngress.start(controllerClient,
                            io.kube4j.ingress.IngressOptions.defaults(nodeOptions.nodeIp())
                                    .withPorts(ingressHttpPort, ingressHttpsPort));
                    running.push(ingress);
                    System.out.println("ingress controller listening on http " + ingress.httpPort() + ", https "
                            + ingress.httpsPort());
                } catch (Exception e) {
                    System.err.println("kube4j: the ingress controller did not start: " + e.getMessage());
                }
            }
        }
    }

    private static void closeAll(java.util.Deque<AutoCloseable> running) {
        while (!running.isEmpty()) {
            try {
                running.pop().close();
            } catch (Exception e) {
                System.err.println("kube4j: stopping: " + e);
            }
        }
    }
}
