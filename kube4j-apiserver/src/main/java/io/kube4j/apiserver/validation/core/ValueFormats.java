package io.kube4j.apiserver.validation.core;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Upstream's value format checks that core/v1 validation needs beyond object names: environment
 * variable names, ConfigMap and Secret keys, IP addresses and numeric ranges, with upstream's
 * messages word for word. Stateless and thread-safe.
 */
public final class ValueFormats {
    private static final String ENV_VAR_FMT = "[-._a-zA-Z][-._a-zA-Z0-9]*";
    private static final Pattern ENV_VAR = Pattern.compile("^" + ENV_VAR_FMT + "$");
    private static final String CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+";
    private static final Pattern CONFIG_KEY = Pattern.compile("^" + CONFIG_KEY_FMT + "$");
    private static final Pattern IPV4 = Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})$");
    private static final Pattern IPV6_CHARS = Pattern.compile("^[0-9a-fA-F:.]+$");

    public static final String INVALID_IP = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
    public static final String NON_NEGATIVE = "must be greater than or equal to 0";
    public static final String IMMUTABLE = "field is immutable";

    private ValueFormats() {
    }

    /** Upstream's RegexError: the message, the examples and the regex. */
    public static String regexError(String msg, String fmt, String... examples) {
        StringBuilder s = new StringBuilder(msg);
        if (examples.length == 0) {
            return s.append(" (regex used for validation is '").append(fmt).append("')").toString();
        }
        s.append(" (e.g. ");
        for (int i = 0; i < examples.length; i++) {
            if (i > 0) {
                s.append(" or ");
            }
            s.append('\'').append(examples[i]).append("', ");
        }
        return s.append("regex used for validation is '").append(fmt).append("')").toString();
    }

    public static String inclusiveRange(long lo, long hi) {
        return "must be between " + lo + " and " + hi + ", inclusive";
    }

    /** Port numbers 1-65535. */
    public static List<String> isValidPortNum(long port) {
        return port >= 1 && port <= 65535 ? List.of() : List.of(inclusiveRange(1, 65535));
    }

    public static List<String> isEnvVarName(String value) {
        List<String> errs = new ArrayList<>();
        if (!ENV_VAR.matcher(value).matches()) {
            errs.add(regexError("a valid environment variable name must consist of alphabetic characters, digits, '_', "
                    + "'-', or '.', and must not start with a digit", ENV_VAR_FMT, "my.env-name", "MY_ENV.NAME", "MyEnvName1"));
        }
        errs.addAll(chDirPrefix(value));
        return errs;
    }

    /** Keys of ConfigMap and Secret data. */
    public static List<String> isConfigMapKey(String value) {
        List<String> errs = new ArrayList<>();
        if (value.length() > 253) {
            errs.add("must be no more than 253 characters");
        }
        if (!CONFIG_KEY.matcher(value).matches()) {
            errs.add(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                    CONFIG_KEY_FMT, "key.name", "KEY_NAME", "key-name"));
        }
        errs.addAll(chDirPrefix(value));
        return errs;
    }

    private static List<String> chDirPrefix(String value) {
        if (value.equals(".")) {
            return List.of("must not be '.'");
        }
        if (value.equals("..")) {
            return List.of("must not be '..'");
        }
        if (value.startsWith("..")) {
            return List.of("must not start with '..'");
        }
        return List.of();
    }

    /** Whether {@code value} is an IPv4 or IPv6 literal (never resolves names). */
    public static boolean isIp(String value) {
        return isIpv4(value) || isIpv6(value);
    }

    public static boolean isIpv4(String value) {
        var m = IPV4.matcher(value == null ? "" : value);
        if (!m.matches()) {
            return false;
        }
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) {
                return false;
            }
        }
        return true;
    }

    public static boolean isIpv6(String value) {
        if (value == null || !value.contains(":") || !IPV6_CHARS.matcher(value).matches()) {
            return false;
        }
        try {
            return InetAddress.getByName(value).getAddress().length == 16;
        } catch (Exception e) {
            return false;
        }
    }

    /** The 32-bit value of an IPv4 literal. */
    public static long ipv4ToLong(String ip) {
        String[] o = ip.split("\\.");
        return (Long.parseLong(o[0]) << 24) | (Long.parseLong(o[1]) << 16) | (Long.parseLong(o[2]) << 8) | Long.parseLong(o[3]);
    }

    public static String longToIpv4(long v) {
        return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
    }

    /** Upstream's ValidateNonSpecialIP messages for an address that parses. */
    public static List<String> nonSpecialIp(String ip) {
        List<String> errs = new ArrayList<>();
        if (!isIp(ip)) {
            return List.of("must be a valid IP address");
        }
        if (isIpv4(ip)) {
            long v = ipv4ToLong(ip);
            if (v == 0) {
                errs.add("may not be unspecified (" + ip + ")");
            }
            if ((v >> 24) == 127) {
                errs.add("may not be in the loopback range (127.0.0.0/8, ::1/128)");
            }
            if ((v >> 16) == ((169L << 8) | 254)) {
                errs.add("may not be in the link-local range (169.254.0.0/16, fe80::/10)");
            }
            if ((v >> 8) == ((224L << 16))) {
                errs.add("may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)");
            }
        } else {
            try {
                InetAddress a = InetAddress.getByName(ip);
                if (a.isAnyLocalAddress()) {
                    errs.add("may not be unspecified (" + ip + ")");
                }
                if (a.isLoopbackAddress()) {
                    errs.add("may not be in the loopback range (127.0.0.0/8, ::1/128)");
                }
                if (a.isLinkLocalAddress()) {
                    errs.add("may not be in the link-local range (169.254.0.0/16, fe80::/10)");
                }
                if (a.isMCLinkLocal()) {
                    errs.add("may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)");
                }
            } catch (Exception e) {
                errs.add("must be a valid IP address");
            }
        }
        return errs;
    }

    /** Whether {@code cidr} is a valid IPv4 or IPv6 CIDR. */
    public static boolean isCidr(String cidr) {
        int slash = cidr == null ? -1 : cidr.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String ip = cidr.substring(0, slash);
        try {
            int bits = Integer.parseInt(cidr.substring(slash + 1));
            return isIpv4(ip) ? bits >= 0 && bits <= 32 : isIpv6(ip) && bits >= 0 && bits <= 128;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
