package io.kube4j.node.network;

/**
 * An IPv4 CIDR such as {@code 10.43.0.0/16}, normalized to its network address.
 *
 * <p>A value; thread-safe.
 */
public record Cidr(int address, int prefix) {

    public Cidr {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix length " + prefix + " out of range");
        }
        address &= mask(prefix);
    }

    /** Parses {@code a.b.c.d/n}; throws IllegalArgumentException naming the bad text. */
    public static Cidr parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("missing CIDR");
        }
        int slash = text.indexOf('/');
        try {
            if (slash < 0) {
                throw new IllegalArgumentException();
            }
            String[] octets = text.substring(0, slash).split("\\.", -1);
            if (octets.length != 4) {
                throw new IllegalArgumentException();
            }
            int a = 0;
            for (String o : octets) {
                int v = Integer.parseInt(o);
                if (v < 0 || v > 255 || o.isEmpty() || o.length() > 3) {
                    throw new IllegalArgumentException();
                }
                a = (a << 8) | v;
            }
            return new Cidr(a, Integer.parseInt(text.substring(slash + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid IPv4 CIDR: " + text);
        }
    }

    private static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    /** Whether {@code other} lies entirely inside this CIDR. */
    public boolean contains(Cidr other) {
        return other.prefix >= prefix && (other.address & mask(prefix)) == address;
    }

    /** The n-th address in this CIDR (0 is the network address), dotted. */
    public String host(int n) {
        return dotted(address + n);
    }

    static String dotted(int a) {
        return ((a >>> 24) & 255) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255);
    }

    @Override
    public String toString() {
        return dotted(address) + "/" + prefix;
    }
}
