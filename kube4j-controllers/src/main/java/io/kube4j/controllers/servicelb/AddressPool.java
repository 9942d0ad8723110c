package io.kube4j.controllers.servicelb;

import java.util.ArrayList;
import java.util.List;

/**
 * The IPv4 addresses ServiceLB hands out, in order: from a CIDR ({@code 127.0.0.96/28}: every address of the block)
 * or a range ({@code 127.0.0.100-127.0.0.120}, both ends included), or an explicit list. Immutable, thread-safe.
 */
public record AddressPool(List<String> addresses) {
    /** Pools larger than this are refused: every address is kept in memory. */
    static final int MAX = 1 << 16;

    public AddressPool {
        addresses = List.copyOf(addresses);
    }

    /** Parses {@code a.b.c.d/n} or {@code first-last}; throws IllegalArgumentException with the reason. */
    public static AddressPool parse(String spec) {
        String s = spec.trim();
        long first;
        long last;
        if (s.contains("/")) {
            String[] parts = s.split("/", 2);
            int prefix = Integer.parseInt(parts[1]);
            if (prefix < 0 || prefix > 32) {
                throw new IllegalArgumentException("invalid CIDR " + spec);
            }
            long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
            first = ipv4(parts[0]) & mask;
            last = first | (~mask & 0xFFFFFFFFL);
        } else if (s.contains("-")) {
            String[] parts = s.split("-", 2);
            first = ipv4(parts[0].trim());
            last = ipv4(parts[1].trim());
        } else {
            first = ipv4(s);
            last = first;
        }
        if (last < first) {
            throw new IllegalArgumentException("empty address range " + spec);
        }
        if (last - first + 1 > MAX) {
            throw new IllegalArgumentException("address pool " + spec + " is larger than " + MAX + " addresses");
        }
        List<String> all = new ArrayList<>();
        for (long ip = first; ip <= last; ip++) {
            all.add(format(ip));
        }
        return new AddressPool(all);
    }

    public boolean contains(String ip) {
        return addresses.contains(ip);
    }

    static long ipv4(String ip) {
        String[] o = ip.split("\\.");
        if (o.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + ip);
        }
        long v = 0;
        for (String part : o) {
            int b;
            try {
                b = Integer.parseInt(part);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address: " + ip);
            }
            if (b < 0 || b > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + ip);
            }
            v = (v << 8) | b;
        }
        return v;
    }

    static String format(long ip) {
        return ((ip >> 24) & 255) + "." + ((ip >> 16) & 255) + "." + ((ip >> 8) & 255) + "." + (ip & 255);
    }
}
