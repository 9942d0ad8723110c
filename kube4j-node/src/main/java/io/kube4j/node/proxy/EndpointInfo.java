package io.kube4j.node.proxy;

import java.util.Objects;

/**
 * One endpoint address and port of a service port, with the EndpointSlice conditions (nil conditions already
 * resolved as upstream does: ready defaults to true, serving to ready, terminating to false).
 *
 * @param ip the IPv4 address
 * @param port the target port
 * @param ready {@code conditions.ready}
 * @param serving {@code conditions.serving}
 * @param terminating {@code conditions.terminating}
 * @param nodeName {@code nodeName}, or null
 */
public record EndpointInfo(String ip, int port, boolean ready, boolean serving, boolean terminating, String nodeName) {
    public EndpointInfo {
        Objects.requireNonNull(ip, "ip");
    }

    /** {@code ip:port}, the DNAT target. */
    public String address() {
        return ip + ":" + port;
    }

    /** Whether this endpoint lives on {@code node}. */
    public boolean isLocal(String node) {
        return nodeName != null && nodeName.equals(node);
    }
}
