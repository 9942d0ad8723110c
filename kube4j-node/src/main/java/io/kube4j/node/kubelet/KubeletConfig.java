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
 * @param evictionMonitoringPeriod how often the eviction manager measures pods' local storage (upstream: 10 s)
 */
public record KubeletConfig(String nodeName, String nodeIp, int kubeletPort, Path dataDir, Path podLogsDir,
                            String kubeletVersion, Map<String, String> nodeLabels, List<String> clusterDns,
                            String clusterDomain, java.time.Duration evictionMonitoringPeriod) {
    /** Upstream's eviction monitoring period. */
    public static final java.time.Duration DEFAULT_EVICTION_MONITORING_PERIOD = java.time.Duration.ofSeconds(10);

    public KubeletConfig {
        if (evictionMonitoringPeriod == null || evictionMonitoringPeriod.isZero() || evictionMonitoringPeriod.isNegative()) {
            evictionMonitoringPeriod = DEFAULT_EVICTION_MONITORING_PERIOD;
        }
        clusterDns = clusterDns == null ? List.of(ClusterDnsOptions.DEFAULT_CLUSTER_DNS) : List.copyOf(clusterDns);
        if (clusterDomain == null || clusterDomain.isEmpty()) {
            clusterDomain = ClusterDnsOptions.DEFAULT_CLUSTER_DOMAIN;
        }
    }

    public KubeletConfig(String nodeName, String nodeIp, int kubeletPort, Path dataDir, Path podLogsDir,
                         String kubeletVersion, Map<String, String> nodeLabels, List<String> clusterDns,
                         String clusterDomain) {
        this(nodeName, nodeIp, kubeletPort, dataDir, podLogsDir, kubeletVersion, nodeLabels, clusterDns,
                clusterDomain, null);
    }

    public KubeletConfig(String nodeName, String nodeIp, int kubeletPort, Path dataDir, Path podLogsDir,
                         String kubeletVersion, Map<String, String> nodeLabels) {
        this(nodeName, nodeIp, kubeletPort, dataDir, podLogsDir, kubeletVersion, nodeLabels, null, null, null);
    }

    /** This configuration with another eviction monitoring period (tests use a short one). */
    public KubeletConfig withEvictionMonitoringPeriod(java.time.Duration period) {
        return new KubeletConfig(nodeName, nodeIp, kubeletPort, dataDir, podLogsDir, kubeletVersion, nodeLabels,
                clusterDns, clusterDomain, period);
    }
}
