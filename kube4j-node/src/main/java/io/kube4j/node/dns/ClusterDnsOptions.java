package io.kube4j.node.dns;

import java.nio.file.Path;
import java.util.List;

/**
 * Cluster DNS settings of one node, shared by the DNS server and the kubelet (upstream's kubelet flags
 * {@code --cluster-dns}, {@code --cluster-domain}, {@code --resolv-conf}).
 *
 * @param clusterDns    the DNS service's address(es) pods are told to use (10.43.0.10: 10th address of the service range)
 * @param clusterDomain the cluster's DNS zone
 * @param resolvConf    the node's resolv.conf (dnsPolicy Default, host search domains, upstreams); null for none
 * @param upstreams     where names outside the zone go, {@code host[:port]}; empty = the resolv.conf nameservers
 * @param port          the DNS server's port on the pod bridge gateway (53)
 */
public record ClusterDnsOptions(List<String> clusterDns, String clusterDomain, Path resolvConf, List<String> upstreams,
                                int port) {
    public static final String DEFAULT_CLUSTER_DNS = "10.43.0.10";
    public static final String DEFAULT_CLUSTER_DOMAIN = "cluster.local";

    public ClusterDnsOptions {
        clusterDns = clusterDns == null ? List.of(DEFAULT_CLUSTER_DNS) : List.copyOf(clusterDns);
        if (clusterDomain == null || clusterDomain.isEmpty()) {
            clusterDomain = DEFAULT_CLUSTER_DOMAIN;
        }
        while (clusterDomain.endsWith(".")) {
            clusterDomain = clusterDomain.substring(0, clusterDomain.length() - 1);
        }
        upstreams = upstreams == null ? List.of() : List.copyOf(upstreams);
        upstreams.forEach(UpstreamForwarder::parseUpstream);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("DNS port out of range: " + port);
        }
    }

    public static ClusterDnsOptions defaults() {
        return new ClusterDnsOptions(null, null, ResolvConf.DEFAULT_PATH, null, 53);
    }
}
