package io.kube4j.apiserver.validation.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;
import io.kube4j.apimachinery.validation.NameRules;
import io.kube4j.apiserver.validation.shared.NetworkAddresses;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.kube4j.apiserver.validation.shared.CommonRules.defaultText;
import static io.kube4j.apiserver.validation.shared.CommonRules.immutable;

/**
 * discovery.k8s.io/v1 EndpointSlice defaulting and validation (upstream's
 * pkg/apis/discovery/validation), with upstream's messages. Stateless and thread-safe.
 */
public final class DiscoveryValidation {
    private static final List<String> ADDRESS_TYPES = List.of("FQDN", "IPv4", "IPv6");
    private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
    private static final int MAX_ENDPOINTS = 1000;
    private static final int MAX_ADDRESSES = 100;
    private static final int MAX_PORTS = 20000;

    private DiscoveryValidation() {
    }

    /** Ports default to TCP and an empty name. */
    public static void defaults(ObjectNode obj) {
        for (JsonNode port : obj.path("ports")) {
            if (port instanceof ObjectNode p) {
                defaultText(p, "protocol", "TCP");
                if (!p.hasNonNull("name")) {
                    p.put("name", "");
                }
            }
        }
    }

    public static List<FieldError> endpointSlice(ObjectNode obj) {
        List<FieldError> errs = new ArrayList<>();
        String type = obj.path("addressType").asText("");
        FieldPath tp = FieldPath.root("addressType");
        if (type.isEmpty()) {
            errs.add(FieldError.required(tp, ""));
        } else if (!ADDRESS_TYPES.contains(type)) {
            errs.add(FieldError.notSupported(tp, type, ADDRESS_TYPES));
        }
        JsonNode endpoints = obj.path("endpoints");
        FieldPath ep = FieldPath.root("endpoints");
        if (endpoints.size() > MAX_ENDPOINTS) {
            errs.add(FieldError.tooMany(ep, endpoints.size(), MAX_ENDPOINTS));
        } else {
            int i = 0;
            for (JsonNode e : endpoints) {
                FieldPath ap = ep.index(i++).child("addresses");
                JsonNode addresses = e.path("addresses");
                if (addresses.isEmpty()) {
                    errs.add(FieldError.required(ap, "must contain at least 1 address"));
                } else if (addresses.size() > MAX_ADDRESSES) {
                    errs.add(FieldError.tooMany(ap, addresses.size(), MAX_ADDRESSES));
                }
                int j = 0;
                for (JsonNode a : addresses) {
                    address(errs, type, a.asText(), ap.index(j++));
                }
            }
        }
        JsonNode ports = obj.path("ports");
        FieldPath pp = FieldPath.root("ports");
        if (ports.size() > MAX_PORTS) {
            errs.add(FieldError.tooMany(pp, ports.size(), MAX_PORTS));
        } else {
            Set<String> names = new HashSet<>();
            int i = 0;
            for (JsonNode port : ports) {
                FieldPath p = pp.index(i++);
                String name = port.path("name").asText("");
                if (!name.isEmpty()) {
                    for (String m : NameRules.isDns1123Label(name)) {
                        errs.add(FieldError.invalid(p.child("name"), name, m));
                    }
                }
                if (!names.add(name)) {
                    errs.add(FieldError.duplicate(p.child("name"), name));
                }
                String protocol = port.path("protocol").asText("");
                if (!PROTOCOLS.contains(protocol)) {
                    errs.add(FieldError.notSupported(p.child("protocol"), protocol, PROTOCOLS));
                }
                JsonNode number = port.get("port");
                if (number != null && !number.isNull() && (number.asLong() < 1 || number.asLong() > 65535)) {
                    errs.add(FieldError.invalid(p.child("port"), number.asLong(), "must be between 1 and 65535, inclusive"));
                }
            }
        }
        return errs;
    }

    private static void address(List<FieldError> errs, String type, String a, FieldPath path) {
        switch (type) {
            case "IPv4" -> {
                if (!NetworkAddresses.isIpv4(a)) {
                    errs.add(FieldError.invalid(path, a, "must be a valid IPv4 address"));
                } else {
                    nonSpecial(errs, a, path);
                }
            }
            case "IPv6" -> {
                if (!NetworkAddresses.isIpv6(a)) {
                    errs.add(FieldError.invalid(path, a, "must be a valid IPv6 address"));
                } else {
                    nonSpecial(errs, a, path);
                }
            }
            case "FQDN" -> {
                for (String m : NameRules.isDns1123Subdomain(a.toLowerCase())) {
                    errs.add(FieldError.invalid(path, a, m));
                }
                if (!a.contains(".")) {
                    errs.add(FieldError.invalid(path, a, "should be a domain with at least two segments separated by dots"));
                }
            }
            default -> {
                // unknown types are reported on addressType
            }
        }
    }

    /** Upstream's ValidateNonSpecialIP. */
    private static void nonSpecial(List<FieldError> errs, String a, FieldPath path) {
        byte[] b = NetworkAddresses.parseIp(a);
        boolean v4 = b.length == 4;
        boolean unspecified = true;
        for (byte x : b) {
            unspecified &= x == 0;
        }
        if (unspecified) {
            errs.add(FieldError.invalid(path, a, "may not be unspecified (0.0.0.0, ::)"));
        }
        boolean loopback = v4 ? (b[0] & 0xff) == 127 : isV6Loopback(b);
        if (loopback) {
            errs.add(FieldError.invalid(path, a, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
        }
        boolean linkLocal = v4 ? (b[0] & 0xff) == 169 && (b[1] & 0xff) == 254
                : (b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80;
        if (linkLocal) {
            errs.add(FieldError.invalid(path, a, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
        }
        boolean linkLocalMulticast = v4 ? (b[0] & 0xff) == 224 && b[1] == 0 && b[2] == 0
                : (b[0] & 0xff) == 0xff && (b[1] & 0x0f) == 0x02;
        if (linkLocalMulticast) {
            errs.add(FieldError.invalid(path, a, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
        }
    }

    private static boolean isV6Loopback(byte[] b) {
        for (int i = 0; i < 15; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[15] == 1;
    }

    public static List<FieldError> endpointSliceUpdate(ObjectNode obj, ObjectNode old) {
        List<FieldError> errs = endpointSlice(obj);
        JsonNode t = obj.get("addressType");
        immutable(errs, t, old.get("addressType"), FieldPath.root("addressType"), t == null ? "" : t.asText());
        return errs;
    }
}
