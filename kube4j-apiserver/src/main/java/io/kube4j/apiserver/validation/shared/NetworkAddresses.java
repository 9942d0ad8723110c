package io.kube4j.apiserver.validation.shared;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * IP address and CIDR parsing as upstream's lenient ("sloppy") parsers accept them, without any
 * name lookups. Stateless and thread-safe.
 */
public final class NetworkAddresses {
    private static final Pattern IPV4 = Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})$");
    private static final Pattern IPV6_CHARS = Pattern.compile("^[0-9A-Fa-f:.]+$");

    private NetworkAddresses() {
    }

    /** The address bytes (4 or 16), or null when {@code s} is not an IP literal. */
    public static byte[] parseIp(String s) {
        var m = IPV4.matcher(s);
        if (m.matches()) {
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(m.group(i + 1));
                if (v > 255) {
                    return null;
                }
                b[i] = (byte) v;
            }
            return b;
        }
        if (s.contains(":") && IPV6_CHARS.matcher(s).matches()) {
            try {
                // a literal with ':' is parsed, never resolved
                byte[] b = InetAddress.getByName(s).getAddress();
                return b.length == 16 || b.length == 4 ? b : null;
            } catch (UnknownHostException | IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    public static boolean isIp(String s) {
        return parseIp(s) != null;
    }

    public static boolean isIpv4(String s) {
        return IPV4.matcher(s).matches() && parseIp(s) != null;
    }

    public static boolean isIpv6(String s) {
        byte[] b = s.contains(":") ? parseIp(s) : null;
        return b != null;
    }

    /** A parsed CIDR: the masked network address and the prefix length. */
    public record Cidr(BigInteger network, int prefix, int bits) {
        public boolean contains(BigInteger address) {
            return address.shiftRight(bits - prefix).equals(network.shiftRight(bits - prefix));
        }
    }

    /** Parses {@code a.b.c.d/n} or {@code v6/n}; null when invalid. */
    public static Cidr parseCidr(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            return null;
        }
        byte[] ip = parseIp(s.substring(0, slash));
        if (ip == null) {
            return null;
        }
        int bits = ip.length * 8;
        int prefix;
        try {
            prefix = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        if (prefix < 0 || prefix > bits) {
            return null;
        }
        BigInteger addr = new BigInteger(1, ip);
        BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                .shiftRight(prefix).not().and(BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE));
        return new Cidr(addr.and(mask), prefix, bits);
    }
}
