package io.kube4j.node.kubelet;

import io.kube4j.node.dns.ClusterDnsOptions;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How one kubelet runs: its node's name and address, its HTTPS port, where pod logs go, and the version it reports.
 *
 * @param podLogsDir    where container logs are written, one directory per pod (upstream: /var/log/pods)
 * @param clusterDns    the DNS servers ClusterFirst pods use (upstream's --cluster-dns; default 10.43.0.10)
 * @param clusterDomain the cluster's DNS domain (upstream's --cluster-domain; default cluster.local)
 */
public record KubeletConfig(String nodeName, String nodeIp, int kubeletPort, Path dataDir, Path podLogsDir,
                            String kubeletVersion, Map<String, String> nodeLabels, List<String> clusterDns,
                            String clusterDomain) {
    public KubeletConfig {
        clusterDns = clusterDns == null ? List.of(ClusterDnsOptions.DEFAULT_CLUSTER_DNS) : List.copyOf(clusterDns);
        if (clusterDomain == null || clusterDomain.isEmpty()) {
            clusterDomain = ClusterDnsOptions.DEFAULT_CLUSTER_DOMAIN;
        }
    }

    public KubeletConfig(String nodeName, String nodeIp, int kubeletPort, Path dataDir, Path podLogsDir,
                         String kubeletVersion, Map<String, String> nodeLabels) {
        this(nodeName, nodeIp, kubeletPort, dataDir, podLogsDir, kubeletVersion, nodeLabels, null, null);
    }
}
