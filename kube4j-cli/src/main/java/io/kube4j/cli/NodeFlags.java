package io.kube4j.cli;

import io.kube4j.node.NodeOptions;
import io.kube4j.node.dns.ClusterDnsOptions;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The node's options, shared by {@code kube4j server} and {@code kube4j agent}. */
final class NodeFlags {
    @Option(names = "--node-name", description = "Name of this node (default: the host name).")
    String nodeName;

    @Option(names = "--node-ip", description = "The node's InternalIP (default: the address of the default route's "
            + "interface, else 127.0.0.1).")
    String nodeIp;

    @Option(names = "--kubelet-port", description = "The kubelet's HTTPS port (default: ${DEFAULT-VALUE}).",
            defaultValue = "10250")
    int kubeletPort;

    @Option(names = "--container-runtime-endpoint", description = "Use this CRI endpoint (unix:///path) instead of "
            + "starting containerd.")
    String runtimeEndpoint;

    @Option(names = "--cluster-cidr", description = "Pod IP range of the cluster (default: ${DEFAULT-VALUE}).",
            defaultValue = NodeOptions.DEFAULT_CLUSTER_CIDR)
    String clusterCidr;

    @Option(names = "--pod-egress", description = "Let pods reach addresses beyond this node (off by default).")
    boolean podEgress;

    @Option(names = "--disable-kube-proxy", description = "Run no kube-proxy on this node (another one programs its "
            + "service rules, or none is wanted).")
    boolean disableKubeProxy;

    // --- cluster DNS (issue 5)
    @Option(names = "--cluster-dns", split = ",", description = "DNS server(s) for pods with dnsPolicy ClusterFirst "
            + "(default: " + ClusterDnsOptions.DEFAULT_CLUSTER_DNS + ").")
    List<String> clusterDns;

    @Option(names = "--cluster-domain", description = "The cluster's DNS domain (default: ${DEFAULT-VALUE}).",
            defaultValue = ClusterDnsOptions.DEFAULT_CLUSTER_DOMAIN)
    String clusterDomain;

    @Option(names = "--resolv-conf", description = "The node's resolver configuration, for dnsPolicy Default and "
            + "names outside the cluster; \"\" for none (default: ${DEFAULT-VALUE}).", defaultValue = "/etc/resolv.conf")
    String resolvConf;

    @Option(names = "--cluster-dns-upstream", split = ",", description = "Forward names outside the cluster domain to "
            + "these host[:port] servers (default: the nameservers of --resolv-conf).")
    List<String> clusterDnsUpstream;

    ClusterDnsOptions dns() {
        return new ClusterDnsOptions(clusterDns, clusterDomain, resolvConf == null || resolvConf.isEmpty() ? null
                : Path.of(resolvConf), clusterDnsUpstream, 53);
    }
    // --- end cluster DNS

    NodeOptions options(Path dataDir, String serviceCidr, String version) {
        return options(dataDir, serviceCidr, version, Map.of());
    }

    NodeOptions options(Path dataDir, String serviceCidr, String version, Map<String, String> labels) {
        String name = nodeName != null ? nodeName : hostName();
        String ip = nodeIp != null ? nodeIp : defaultIp();
        return new NodeOptions(dataDir, name, ip, kubeletPort, runtimeEndpoint, clusterCidr, serviceCidr, podEgress,
                null, labels, version, dns(), disableKubeProxy);
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** The source address the kernel would use for the default route; no packet is sent (UDP connect). */
    static String defaultIp() {
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 9));
            InetAddress a = s.getLocalAddress();
            if (a != null && !a.isAnyLocalAddress() && a.getAddress().length == 4) {
                return a.getHostAddress();
            }
        } catch (IOException ignored) {
            // no default route: loopback
        }
        return "127.0.0.1";
    }
}
