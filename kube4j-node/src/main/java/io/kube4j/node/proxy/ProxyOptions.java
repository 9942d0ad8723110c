package io.kube4j.node.proxy;

import java.time.Duration;
import java.util.Objects;

import io.kube4j.node.network.Cidr;

/**
 * How kube-proxy runs on a node.
 *
 * @param table the nftables table (family ip), {@code kube4j-proxy}
 * @param nodeName this node's name (which endpoints are local)
 * @param clusterCidr the cluster's pod range: traffic from elsewhere to a ClusterIP is masqueraded
 * @param serviceCidr the ClusterIP range: unallocated addresses in it are dropped
 * @param bridge the node's pod bridge (localhost NodePorts leave through it and are masqueraded)
 * @param masqueradeMark the packet mark bit that asks for masquerade ({@code 0x4000}, as upstream)
 * @param minSyncInterval the least time between two syncs (changes in between are coalesced)
 * @param fullSyncInterval a sync happens at least this often, changes or not
 */
public record ProxyOptions(String table, String nodeName, Cidr clusterCidr, Cidr serviceCidr, String bridge,
                           int masqueradeMark, Duration minSyncInterval, Duration fullSyncInterval) {
    public static final String DEFAULT_TABLE = io.kube4j.node.network.NodeCleanup.PROXY_TABLE;

    public ProxyOptions {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(clusterCidr, "clusterCidr");
        Objects.requireNonNull(serviceCidr, "serviceCidr");
        Objects.requireNonNull(bridge, "bridge");
        Objects.requireNonNull(minSyncInterval, "minSyncInterval");
        Objects.requireNonNull(fullSyncInterval, "fullSyncInterval");
        if (!table.matches("[A-Za-z][A-Za-z0-9_-]{0,63}")) {
            throw new IllegalArgumentException("bad nftables table name " + table);
        }
        if (!bridge.matches("[A-Za-z0-9_.-]{1,15}")) {
            throw new IllegalArgumentException("bad bridge name " + bridge);
        }
        if (Integer.bitCount(masqueradeMark) != 1) {
            throw new IllegalArgumentException("the masquerade mark must be one bit, not 0x" + Integer.toHexString(masqueradeMark));
        }
    }

    /** kube4j's defaults: table kube4j-proxy, mark 0x4000, at most one sync a second, a full sync every 30 s. */
    public static ProxyOptions defaults(String nodeName, String clusterCidr, String serviceCidr, String bridge) {
        return new ProxyOptions(DEFAULT_TABLE, nodeName, Cidr.parse(clusterCidr), Cidr.parse(serviceCidr), bridge,
                0x4000, Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    public ProxyOptions withTable(String name) {
        return new ProxyOptions(name, nodeName, clusterCidr, serviceCidr, bridge, masqueradeMark, minSyncInterval,
                fullSyncInterval);
    }

    public ProxyOptions withSyncIntervals(Duration min, Duration full) {
        return new ProxyOptions(table, nodeName, clusterCidr, serviceCidr, bridge, masqueradeMark, min, full);
    }
}
