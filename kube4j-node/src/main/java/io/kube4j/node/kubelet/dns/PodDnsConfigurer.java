package io.kube4j.node.kubelet.dns;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodDNSConfig;
import io.fabric8.kubernetes.api.model.PodDNSConfigOption;
import io.kube4j.node.dns.ResolvConf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A pod's resolv.conf (CRI {@code DNSConfig}) and host name from its spec, as upstream's kubelet forms them:
 * dnsPolicy ClusterFirst (cluster DNS, {@code <ns>.svc.<domain> svc.<domain> <domain>} + the node's search domains,
 * {@code ndots:5}), Default (the node's resolv.conf), None (only {@code spec.dnsConfig}), ClusterFirstWithHostNet;
 * host-network pods under ClusterFirst fall back to Default; {@code spec.dnsConfig} is merged in, then cut to upstream's
 * limits (3 nameservers, 32 search domains, 2048 characters) with the warnings upstream records as events. Called by
 * {@link io.kube4j.node.kubelet.runtime.CriPodRuntime} for every sandbox. Pure; thread-safe.
 */
public final class PodDnsConfigurer {
    public static final int MAX_NAMESERVERS = 3;
    public static final int MAX_SEARCHES = 32;
    public static final int MAX_SEARCH_CHARS = 2048;
    public static final String EVENT_REASON = "DNSConfigForming";

    private final List<String> clusterDns;
    private final String clusterDomain;
    private final ResolvConf host;
    private final boolean hostResolvConfSet;

    /**
     * @param host              the node's resolv.conf as read at start
     * @param hostResolvConfSet false when the kubelet runs with {@code --resolv-conf=""}: Default pods then get
     *                          127.0.0.1 and search "." (upstream's way to turn host DNS off)
     */
    public PodDnsConfigurer(List<String> clusterDns, String clusterDomain, ResolvConf host, boolean hostResolvConfSet) {
        this.clusterDns = List.copyOf(clusterDns);
        this.clusterDomain = clusterDomain;
        this.host = host;
        this.hostResolvConfSet = hostResolvConfSet;
    }

    /** A resolv.conf for a pod, and the warning events forming it produced (reason {@link #EVENT_REASON}). */
    public record PodDns(List<String> servers, List<String> searches, List<String> options, List<Warning> warnings) {
    }

    public record Warning(String reason, String message) {
    }

    public PodDns forPod(Pod pod) {
        var spec = pod.getSpec();
        boolean hostNetwork = Boolean.TRUE.equals(spec.getHostNetwork());
        String policy = spec.getDnsPolicy() == null ? "ClusterFirst" : spec.getDnsPolicy();
        List<Warning> warnings = new ArrayList<>();
        String type = switch (policy) {
            case "None" -> "None";
            case "Default" -> "Default";
            case "ClusterFirstWithHostNet" -> "ClusterFirst";
            default -> hostNetwork ? "Default" : "ClusterFirst";
        };
        if (type.equals("ClusterFirst") && clusterDns.isEmpty()) {
            warnings.add(new Warning("MissingClusterDNS", "pod: \"" + podDesc(pod) + "\". kubelet does not have "
                    + "ClusterDNS IP configured and cannot create Pod using \"" + policy + "\" policy. Falling back to "
                    + "\"Default\" policy."));
            type = "Default";
        }
        List<String> servers;
        List<String> searches;
        List<String> options;
        switch (type) {
            case "None" -> {
                servers = List.of();
                searches = List.of();
                options = List.of();
            }
            case "ClusterFirst" -> {
                servers = clusterDns;
                String ns = pod.getMetadata().getNamespace();
                List<String> s = new ArrayList<>(List.of(ns + ".svc." + clusterDomain, "svc." + clusterDomain,
                        clusterDomain));
                s.addAll(host.searches());
                searches = distinct(s);
                options = List.of("ndots:5");
            }
            default -> {
                if (hostResolvConfSet) {
                    servers = host.nameservers();
                    searches = host.searches();
                    options = host.options();
                } else {
                    servers = List.of("127.0.0.1");
                    searches = List.of(".");
                    options = List.of();
                }
            }
        }
        PodDNSConfig extra = spec.getDnsConfig();
        if (extra != null) {
            List<String> s = new ArrayList<>(servers);
            if (extra.getNameservers() != null) {
                s.addAll(extra.getNameservers());
            }
            servers = distinct(s);
            List<String> sr = new ArrayList<>(searches);
            if (extra.getSearches() != null) {
                sr.addAll(extra.getSearches());
            }
            searches = distinct(sr);
            options = mergeOptions(options, extra.getOptions());
        }
        if (servers.size() > MAX_NAMESERVERS) {
            servers = servers.subList(0, MAX_NAMESERVERS);
            warnings.add(new Warning(EVENT_REASON, "Nameserver limits were exceeded, some nameservers have been "
                    + "omitted, the applied nameserver line is: " + String.join(" ", servers)));
        }
        List<String> fitted = fitSearches(searches);
        if (fitted.size() != searches.size()) {
            warnings.add(new Warning(EVENT_REASON, "Search Line limits were exceeded, some search paths have been "
                    + "omitted, the applied search line is: " + String.join(" ", fitted)));
        }
        return new PodDns(List.copyOf(servers), List.copyOf(fitted), List.copyOf(options), List.copyOf(warnings));
    }

    private static String podDesc(Pod pod) {
        return pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace() + "("
                + pod.getMetadata().getUid() + ")";
    }

    /** At most 32 domains and 2048 characters (joined by spaces), dropping from the end. */
    static List<String> fitSearches(List<String> searches) {
        List<String> out = new ArrayList<>(searches.size() > MAX_SEARCHES ? searches.subList(0, MAX_SEARCHES)
                : searches);
        while (!out.isEmpty() && String.join(" ", out).length() > MAX_SEARCH_CHARS) {
            out.removeLast();
        }
        return out;
    }

    /** Options from the base, overridden or extended by the pod's by name; order of first appearance. */
    static List<String> mergeOptions(List<String> base, List<PodDNSConfigOption> extra) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String o : base) {
            int i = o.indexOf(':');
            m.put(i < 0 ? o : o.substring(0, i), i < 0 ? null : o.substring(i + 1));
        }
        if (extra != null) {
            for (PodDNSConfigOption o : extra) {
                m.put(o.getName(), o.getValue());
            }
        }
        List<String> out = new ArrayList<>();
        m.forEach((k, v) -> out.add(v == null ? k : k + ":" + v));
        return out;
    }

    private static List<String> distinct(List<String> in) {
        return List.copyOf(new LinkedHashSet<>(in));
    }

    /**
     * The sandbox's host name: spec.hostname or the pod name, cut to 63 characters (trailing '-' and '.' dropped);
     * with setHostnameAsFQDN and a subdomain, the full {@code <host>.<subdomain>.<ns>.svc.<domain>} (64 at most).
     */
    public String hostname(Pod pod) {
        var spec = pod.getSpec();
        String name = spec.getHostname() != null && !spec.getHostname().isEmpty() ? spec.getHostname()
                : pod.getMetadata().getName();
        if (Boolean.TRUE.equals(spec.getSetHostnameAsFQDN()) && spec.getSubdomain() != null
                && !spec.getSubdomain().isEmpty()) {
            String fqdn = name + "." + spec.getSubdomain() + "." + pod.getMetadata().getNamespace() + ".svc."
                    + clusterDomain;
            if (fqdn.length() > 64) {
                throw new IllegalArgumentException("failed to construct FQDN from pod hostname and cluster domain, "
                        + "FQDN " + fqdn + " is too long (64 characters is the max, " + fqdn.length()
                        + " characters requested)");
            }
            return fqdn;
        }
        if (name.length() > 63) {
            name = name.substring(0, 63);
            while (!name.isEmpty() && (name.endsWith("-") || name.endsWith("."))) {
                name = name.substring(0, name.length() - 1);
            }
        }
        return name;
    }
}
