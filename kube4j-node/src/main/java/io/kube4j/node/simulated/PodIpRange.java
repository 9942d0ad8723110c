package io.kube4j.node.simulated;

import java.util.BitSet;

/**
 * The pod addresses of one simulated node: a block of IPv4 addresses (the node's podCIDR), handed out lowest first
 * from {@code .2} (as the bridge plugin leaves {@code .1} to the gateway) and given back when a pod goes. Not
 * thread-safe: the caller holds the node's lock.
 */
final class PodIpRange {
    private final long base;
    private final int size;
    private final String cidr;
    private final BitSet used = new BitSet();

    PodIpRange(String cidr) {
        String[] parts = cidr.split("/");
        int prefix = Integer.parseInt(parts[1]);
        if (prefix < 8 || prefix > 30) {
            throw new IllegalArgumentException("pod CIDR " + cidr + " is not between /8 and /30");
        }
        this.base = ipv4(parts[0]) & (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
        this.size = 1 << (32 - prefix);
        this.cidr = cidr;
    }

    /** The synthetic block of node {@code index} when the control plane gave it none: /24s inside 100.64.0.0/10. */
    static String synthetic(int index) {
        return format(ipv4("100.64.0.0") + ((long) (index % 16384) << 8)) + "/24";
    }

    String cidr() {
        return cidr;
    }

    /** The next free address, or null when the block is full. */
    String allocate() {
        int i = used.nextClearBit(2);
        if (i >= size - 1) {
            return null;
        }
        used.set(i);
        return format(base + i);
    }

    /** Marks an address as taken (a pod that already had it); false when it is not in this block. */
    boolean occupy(String ip) {
        long off = ipv4(ip) - base;
        if (off < 0 || off >= size) {
            return false;
        }
        used.set((int) off);
        return true;
    }

    void release(String ip) {
        long off = ipv4(ip) - base;
        if (off >= 0 && off < size) {
            used.clear((int) off);
        }
    }

    static long ipv4(String ip) {
        String[] o = ip.split("\\.");
        if (o.length != 4) {
            return -1;
        }
        return (Long.parseLong(o[0]) << 24) | (Long.parseLong(o[1]) << 16) | (Long.parseLong(o[2]) << 8)
                | Long.parseLong(o[3]);
    }

    static String format(long ip) {
        return ((ip >> 24) & 255) + "." + ((ip >> 16) & 255) + "." + ((ip >> 8) & 255) + "." + (ip & 255);
    }
}
