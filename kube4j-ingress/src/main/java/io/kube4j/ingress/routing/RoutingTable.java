package io.kube4j.ingress.routing;

import io.kube4j.ingress.tls.TlsCertificate;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ingress data plane's whole configuration at one moment: host rules, paths, backends with their endpoints, and
 * the certificates by host. Immutable (a change builds a new table, swapped in atomically, so a request in flight
 * keeps the table it started with); thread-safe. Built by {@link RoutingTableBuilder}.
 *
 * <p>Host precedence: an exact host, then a wildcard host ({@code *.foo.com} matches exactly one more label), then
 * rules without a host. Within the chosen host, the longest matching path wins, Exact before Prefix at equal
 * length. When no path matches, the request goes to the oldest Ingress's {@code defaultBackend}, or is not found.
 *
 * @param exactHosts    lower-case host to its paths, longest first
 * @param wildcardHosts the suffix after {@code *} (e.g. {@code .foo.com}) to its paths
 * @param anyHost       paths of rules without a host
 * @param defaultBackend the default backend, or null
 * @param certificates  lower-case host (or {@code *.foo.com}) to its certificate
 */
public record RoutingTable(Map<String, List<PathRule>> exactHosts, Map<String, List<PathRule>> wildcardHosts,
                           List<PathRule> anyHost, Backend defaultBackend,
                           Map<String, TlsCertificate> certificates) {
    public static final RoutingTable EMPTY = new RoutingTable(Map.of(), Map.of(), List.of(), null, Map.of());

    public RoutingTable {
        exactHosts = Map.copyOf(exactHosts);
        wildcardHosts = Map.copyOf(wildcardHosts);
        anyHost = List.copyOf(anyHost);
        certificates = Map.copyOf(certificates);
    }

    /** Routes a request by its host (port allowed, any case) and path (query allowed). */
    public Route route(String host, String path) {
        String h = normalizeHost(host);
        String p = path == null || path.isEmpty() ? "/" : path;
        int q = p.indexOf('?');
        if (q >= 0) {
            p = p.substring(0, q);
        }
        List<PathRule> rules = exactHosts.get(h);
        if (rules == null) {
            int dot = h.indexOf('.');
            rules = dot > 0 ? wildcardHosts.get(h.substring(dot)) : null;
        }
        if (rules == null) {
            rules = anyHost;
        }
        for (PathRule r : rules) {
            if (r.matches(p)) {
                return new Route(r.backend());
            }
        }
        return defaultBackend == null ? Route.NOT_FOUND : new Route(defaultBackend);
    }

    /** The certificate for an SNI server name, or null (then the default certificate is presented). */
    public TlsCertificate certificate(String serverName) {
        if (serverName == null) {
            return null;
        }
        String h = normalizeHost(serverName);
        TlsCertificate c = certificates.get(h);
        int dot = h.indexOf('.');
        if (c == null && dot > 0) {
            c = certificates.get("*" + h.substring(dot));
        }
        return c;
    }

    static String normalizeHost(String host) {
        if (host == null) {
            return "";
        }
        String h = host;
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            h = end > 0 ? h.substring(0, end + 1) : h;
        } else {
            int colon = h.indexOf(':');
            if (colon >= 0 && h.indexOf(':', colon + 1) < 0) {
                h = h.substring(0, colon);
            }
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.toLowerCase(Locale.ROOT);
    }
}
