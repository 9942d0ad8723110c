package io.kube4j.node.proxy;

import java.util.List;
import java.util.Objects;

/**
 * One port of one Service as the proxy serves it (upstream's ServicePort).
 *
 * @param namespace the Service's namespace
 * @param name the Service's name
 * @param portName the port's name ("" when the Service has one unnamed port)
 * @param protocol {@code tcp}, {@code udp} or {@code sctp} (lower case, as nft spells it)
 * @param clusterIp the IPv4 ClusterIP
 * @param port the service port
 * @param nodePort the NodePort, or 0
 * @param externalIps {@code spec.externalIPs} (IPv4 only)
 * @param loadBalancerIps {@code status.loadBalancer.ingress[].ip} (IPv4 only)
 * @param affinitySeconds the ClientIP affinity timeout in seconds, or 0 without session affinity
 * @param internalLocal {@code internalTrafficPolicy: Local}
 * @param externalLocal {@code externalTrafficPolicy: Local} (only for externally reachable services)
 */
public record ServicePortInfo(String namespace, String name, String portName, String protocol, String clusterIp,
                              int port, int nodePort, List<String> externalIps, List<String> loadBalancerIps,
                              int affinitySeconds, boolean internalLocal, boolean externalLocal) {
    public ServicePortInfo {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        portName = portName == null ? "" : portName;
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(clusterIp, "clusterIp");
        externalIps = List.copyOf(externalIps);
        loadBalancerIps = List.copyOf(loadBalancerIps);
    }

    /** {@code namespace/name:portName}, upstream's ServicePortName, for logs. */
    public String key() {
        return namespace + "/" + name + ":" + portName;
    }

    /** Reachable through a NodePort, an externalIP or a load-balancer IP. */
    public boolean externallyAccessible() {
        return nodePort != 0 || !externalIps.isEmpty() || !loadBalancerIps.isEmpty();
    }

    /** Needs the cluster-wide endpoints (also for eTP Local: pods and the host short-circuit to them). */
    public boolean usesClusterEndpoints() {
        return !internalLocal || externallyAccessible();
    }

    /** Needs this node's endpoints. */
    public boolean usesLocalEndpoints() {
        return internalLocal || (externalLocal && externallyAccessible());
    }
}
