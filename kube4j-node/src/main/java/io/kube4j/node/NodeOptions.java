package io.kube4j.node;

import io.kube4j.node.dns.ClusterDnsOptions;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How a node runs on this host.
 *
 * @param dataDir          the node's state: containerd's root, CNI config, images, certificates
 * @param nodeName         the Node object's name (defaults to the host name)
 * @param nodeIp           the node's InternalIP
 * @param kubeletPort      the kubelet's HTTPS port (10250)
 * @param runtimeEndpoint  an existing CRI endpoint ({@code unix:///...}), or null to run containerd as a child
 * @param clusterCidr      the cluster's pod range; each node gets a block of it
 * @param serviceCidr      the service range (guarded, see NODE-NOTES)
 * @param podEgress        let pods reach beyond the node (off by default)
 * @param podLogsDir       where container logs go
 * @param labels           extra node labels
 * @param kubeletVersion   the version the node reports
 * @param dns              cluster DNS: the server on this node and the kubelet's pod resolv.conf
 */
public record NodeOptions(Path dataDir, String nodeName, String nodeIp, int kubeletPort, String runtimeEndpoint,
                          String clusterCidr, String serviceCidr, boolean podEgress, Path podLogsDir,
                          Map<String, String> labels, String kubeletVersion, ClusterDnsOptions dns,
                          boolean disableKubeProxy) {
    public static final String DEFAULT_CLUSTER_CIDR = "10.42.0.0/16";
    public static final int DEFAULT_KUBELET_PORT = 10250;

    public NodeOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(nodeIp, "nodeIp");
        if (clusterCidr == null) {
            clusterCidr = DEFAULT_CLUSTER_CIDR;
        }
        if (serviceCidr == null) {
            serviceCidr = "10.43.0.0/16";
        }
        if (podLogsDir == null) {
            podLogsDir = dataDir.resolve("pod-logs");
        }
        if (labels == null) {
            labels = Map.of();
        }
        if (dns == null) {
            dns = ClusterDnsOptions.defaults();
        }
    }

    public NodeOptions(Path dataDir, String nodeName, String nodeIp, int kubeletPort, String runtimeEndpoint,
                       String clusterCidr, String serviceCidr, boolean podEgress, Path podLogsDir,
                       Map<String, String> labels, String kubeletVersion) {
        this(dataDir, nodeName, nodeIp, kubeletPort, runtimeEndpoint, clusterCidr, serviceCidr, podEgress, podLogsDir,
                labels, kubeletVersion, null, false);
    }
}
