package io.kube4j.node;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kube4j.cri.grpc.RemoteRuntime;
import io.kube4j.node.containerd.Containerd;
import io.kube4j.node.dns.ClusterDns;
import io.kube4j.node.dns.ResolvConf;
import io.kube4j.node.host.HostPackages;
import io.kube4j.node.images.ImageImporter;
import io.kube4j.node.images.TestImages;
import io.kube4j.node.kubelet.Kubelet;
import io.kube4j.node.kubelet.KubeletConfig;
import io.kube4j.node.kubelet.dns.PodDnsConfigurer;
import io.kube4j.node.kubelet.node.NodeInfoProbe;
import io.kube4j.node.kubelet.runtime.CriPodRuntime;
import io.kube4j.node.kubelet.server.KubeletServer;
import io.kube4j.node.kubelet.server.KubeletServerOptions;
import io.kube4j.node.network.Cidr;
import io.kube4j.node.network.CniConfig;
import io.kube4j.node.network.NetworkGuard;
import io.kube4j.node.network.Cidr;
import io.kube4j.node.network.PodBridge;
import io.kube4j.node.proxy.KubeProxy;
import io.kube4j.node.proxy.ProxyOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * A whole node in this process: host checks, the network-safety guard, containerd (a child process, or an existing
 * endpoint), the built-in test images, kube-proxy, the kubelet and its HTTPS server. {@link #start} brings them up in that order
 * (the guard before anything can send a packet); {@link #close} stops the kubelet and containerd but leaves running
 * containers alone, so a restarted node adopts them. Not thread-safe: one owner starts and stops it.
 */
public final class NodeAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);

    private final NodeOptions options;
    private final NodeCredentials credentials;
    private Containerd containerd;
    private RemoteRuntime runtime;
    private KubernetesClient client;
    private Kubelet kubelet;
    private KubeletServer server;
    private Thread networkSetup;
    private ClusterDns clusterDns;
    private NetworkGuard guard;
    private KubeProxy proxy;

    private NodeAgent(NodeOptions options, NodeCredentials credentials) {
        this.options = options;
        this.credentials = credentials;
    }

    /** Starts the node; returns once the Node object is registered and the kubelet serves. */
    public static NodeAgent start(NodeOptions options, NodeCredentials credentials) throws Exception {
        NodeAgent agent = new NodeAgent(options, credentials);
        try {
            agent.startAll();
        } catch (Exception | Error e) {
            agent.close();
            throw e;
        }
        return agent;
    }

    private void startAll() throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(options.dataDir());
        boolean managed = options.runtimeEndpoint() == null;
        if (!isRoot()) {
            throw new IllegalStateException("the node needs root (it runs containerd and sets up the pod network): "
                    + "run kube4j as root, or pass --disable-node");
        }
        if (managed) {
            HostPackages.forThisHost().ensureInstalled();
        }
        guard = new NetworkGuard(NetworkGuard.Options.defaults().withCidrs(options.clusterCidr(), options.serviceCidr())
                .withEgress(options.podEgress()));
        guard.install();
        Containerd.Config cfg = Containerd.Config.defaults(options.dataDir());
        if (managed) {
            TestImages.ensureBuilt(options.dataDir());
            containerd = Containerd.managed(cfg);
            containerd.start();
        } else {
            containerd = Containerd.existing(options.runtimeEndpoint());
        }
        runtime = RemoteRuntime.connect(containerd.endpoint());
        runtime.waitUntilReady(Duration.ofSeconds(30));
        if (managed) {
            new ImageImporter(containerd.socket()).importDirectory(options.dataDir().resolve("images"));
        }
        client = new KubernetesClientBuilder().withConfig(clientConfig()).build();
        // --- kube-proxy (issue 5): after the guard, before any pod runs ---
        if (!options.disableKubeProxy()) {
            proxy = new KubeProxy(ProxyOptions.defaults(options.nodeName(), options.clusterCidr(), options.serviceCidr(),
                    CniConfig.BRIDGE), client, KubeProxy.RulesetApplier.nft(), Clock.systemUTC());
            proxy.start();
        }
        // --- end kube-proxy ---
        CriPodRuntime podRuntime = new CriPodRuntime(runtime, runtime, options.podLogsDir(),
                NodeInfoProbe.memoryBytes(), podDns());
        kubelet = new Kubelet(new KubeletConfig(options.nodeName(), options.nodeIp(), options.kubeletPort(),
                options.dataDir(), options.podLogsDir(), options.kubeletVersion(), options.labels(),
                options.dns().clusterDns(), options.dns().clusterDomain()), client, podRuntime, Clock.systemUTC());
        podRuntime.onDnsWarning((pod, w) -> kubelet.events().warning(pod, "", w.reason(), w.message()));
        server = new KubeletServer(new KubeletServerOptions("0.0.0.0", options.kubeletPort(),
                credentials.servingCertPem(), credentials.servingKeyPem(), credentials.caPem()),
                kubelet.locator(), kubelet.streaming());
        server.start();
        kubelet.start();
        // --- cluster DNS (issue 5): informers + kube-dns Service now, the server once the pod CIDR is known
        if (managed) {
            clusterDns = ClusterDns.start(client, options.nodeName(), options.dns(),
                    List.of(Cidr.parse(options.clusterCidr()), Cidr.parse(options.serviceCidr())));
        }
        // --- end cluster DNS
        if (managed) {
            // Pods wait for the network until the control plane gives this node its pod CIDR.
            Path confDir = cfg.cniConfDir();
            networkSetup = Thread.ofVirtual().name("pod-network").start(() -> writeCni(confDir));
        }
        LOG.info("node {} ready in {} ms (runtime {})", options.nodeName(), (System.nanoTime() - t0) / 1_000_000,
                containerd.endpoint());
    }

    private void writeCni(Path confDir) {
        try {
            String cidr = kubelet.nodeStatus().awaitPodCidr(Duration.ofDays(365));
            if (cidr != null) {
                // kube-proxy: the bridge exists before the first pod, so the host reaches ClusterIPs through it
                PodBridge.ensure(CniConfig.BRIDGE, PodBridge.gateway(Cidr.parse(cidr)), null);
                guard.routeServicesToBridge();
                CniConfig.write(confDir, CniConfig.Options.of(options.dataDir(), cidr).withEgress(options.podEgress()));
                LOG.info("pod network {} on bridge {}", cidr, CniConfig.BRIDGE);
                if (clusterDns != null) {
                    clusterDns.servePodNetwork(cidr);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.error("pod network not configured", e);
        }
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (Exception e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private Config clientConfig() {
        return new ConfigBuilder().withMasterUrl(credentials.serverUrl())
                .withCaCertData(b64(credentials.caPem()))
                .withClientCertData(b64(credentials.clientCertPem()))
                .withClientKeyData(b64(credentials.clientKeyPem()))
                .withClientKeyAlgo("EC")
                .withRequestTimeout(60_000)
                .build();
    }

    private static String b64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
    }

    public Kubelet kubelet() {
        return kubelet;
    }

    public String runtimeEndpoint() {
        return containerd == null ? null : containerd.endpoint();
    }

    /** The pods' resolv.conf from the node's DNS options (upstream's --cluster-dns/--cluster-domain/--resolv-conf). */
    private PodDnsConfigurer podDns() throws java.io.IOException {
        var d = options.dns();
        return new PodDnsConfigurer(d.clusterDns(), d.clusterDomain(), ResolvConf.read(d.resolvConf()),
                d.resolvConf() != null && !d.resolvConf().toString().isEmpty());
    }

    @Override
    public void close() {
        if (networkSetup != null) {
            networkSetup.interrupt();
        }
        if (clusterDns != null) {
            clusterDns.close();
        }
        if (proxy != null) {
            proxy.close(); // its rules stay: a restarted node replaces them, kube4j killall removes them
        }
        if (kubelet != null) {
            kubelet.close();
        }
        if (server != null) {
            server.close();
        }
        if (client != null) {
            client.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        if (containerd != null) {
            containerd.close();
        }
    }
}
