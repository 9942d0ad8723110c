package io.kube4j.node.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds kube-proxy's nftables table from service ports and endpoints, in the layout of upstream's nftables proxier:
 * <ul>
 *   <li>filter base chains at priority dstnat-10 (before DNAT) reject new connections to service IPs and NodePorts
 *       that have no endpoints ({@code no-endpoint-services}, {@code no-endpoint-nodeports} verdict maps: reject,
 *       or drop where a Local traffic policy finds no local endpoint); after DNAT, {@code cluster-ips-check} rejects
 *       undefined ports of ClusterIPs and drops unallocated addresses of the service CIDR;</li>
 *   <li>nat prerouting and output jump to {@code services}: a {@code service-ips} verdict map (ClusterIPs,
 *       externalIPs, load-balancer IPs) and, for every local address including 127.0.0.1, {@code service-nodeports};
 *   <li>per service port a cluster-policy chain {@code service-*}, a local-policy chain {@code local-*} and an
 *       {@code external-*} chain, which pick an endpoint chain with {@code numgen random mod N} (after the ClientIP
 *       affinity sets); per endpoint an {@code endpoint-*} chain (hairpin masquerade, affinity update, DNAT);</li>
 *   <li>nat postrouting masquerades what carries the mark, and whatever leaves the bridge from 127.0.0.0/8
 *       (localhost NodePorts and load-balancer IPs).</li>
 * </ul>
 * Pure: the same input gives the same text. Thread-safe.
 */
public final class RulesetBuilder {

    private final ProxyOptions options;
    private final String mark;

    public RulesetBuilder(ProxyOptions options) {
        this.options = options;
        this.mark = "0x" + Integer.toHexString(options.masqueradeMark());
    }

    /** The ruleset for these service ports (order matters only for readability; output is sorted by the input). */
    public NftRuleset build(List<ServicePortEndpoints> ports) {
        Table t = new Table();
        String clusterCidr = options.clusterCidr().toString();
        // base chains
        t.chain("filter-input", "type filter hook input priority -110; policy accept;")
                .add("ct state new jump nodeport-endpoints-check")
                .add("ct state new jump service-endpoints-check");
        t.chain("filter-forward", "type filter hook forward priority -110; policy accept;")
                .add("ct state new jump service-endpoints-check")
                .add("ct state new jump cluster-ips-check");
        t.chain("filter-output", "type filter hook output priority -110; policy accept;")
                .add("ct state new jump service-endpoints-check");
        t.chain("filter-output-post-dnat", "type filter hook output priority -90; policy accept;")
                .add("ct state new jump cluster-ips-check");
        t.chain("nat-prerouting", "type nat hook prerouting priority -100; policy accept;").add("jump services");
        t.chain("nat-output", "type nat hook output priority -100; policy accept;").add("jump services");
        t.chain("nat-postrouting", "type nat hook postrouting priority 100; policy accept;").add("jump masquerading");
        // fixed chains
        t.chain("service-endpoints-check", null).add("ip daddr . meta l4proto . th dport vmap @no-endpoint-services");
        t.chain("nodeport-endpoints-check", null)
                .add("fib daddr type local meta l4proto . th dport vmap @no-endpoint-nodeports");
        t.chain("cluster-ips-check", null)
                .add("ip daddr @cluster-ips goto reject-chain comment \"Reject traffic to invalid ports of ClusterIPs\"")
                .add("ip daddr " + options.serviceCidr() + " drop comment \"Drop traffic to unallocated ClusterIPs\"");
        t.chain("services", null)
                .add("ip daddr . meta l4proto . th dport vmap @service-ips")
                .add("fib daddr type local meta l4proto . th dport vmap @service-nodeports");
        t.chain("mark-for-masquerade", null).add("meta mark set meta mark | " + mark);
        t.chain("masquerading", null)
                .add("ip saddr 127.0.0.0/8 oifname \"" + options.bridge() + "\" masquerade fully-random"
                        + " comment \"localhost NodePorts and load-balancer IPs\"")
                .add("meta mark & " + mark + " == 0 return")
                .add("meta mark set meta mark ^ " + mark)
                .add("masquerade fully-random");
        // A TCP reset fails connect() at once; an ICMP error may wait for the SYN's retransmit.
        t.chain("reject-chain", null).add("meta l4proto tcp reject with tcp reset").add("reject");
        t.set("set", "cluster-ips", "type ipv4_addr; comment \"Active ClusterIPs\";", false);
        t.set("map", "service-ips", "type ipv4_addr . inet_proto . inet_service : verdict;"
                + " comment \"ClusterIP, ExternalIP and LoadBalancer IP traffic\";", false);
        t.set("map", "service-nodeports", "type inet_proto . inet_service : verdict; comment \"NodePort traffic\";", false);
        t.set("map", "no-endpoint-services", "type ipv4_addr . inet_proto . inet_service : verdict;"
                + " comment \"vmap to drop or reject packets to services with no endpoints\";", false);
        t.set("map", "no-endpoint-nodeports", "type inet_proto . inet_service : verdict;"
                + " comment \"vmap to drop or reject packets to service nodeports with no endpoints\";", false);

        java.util.Set<String> clusterIps = new java.util.TreeSet<>();
        for (ServicePortEndpoints spe : ports) {
            ServicePortInfo svc = spe.port();
            clusterIps.add(svc.clusterIp());
            servicePort(t, svc, spe.endpoints(), clusterCidr);
        }
        clusterIps.forEach(ip -> t.element("cluster-ips", ip));
        return new NftRuleset(options.table(), t.chains(), t.sets, t.elements);
    }

    private void servicePort(Table t, ServicePortInfo svc, List<EndpointInfo> all, String clusterCidr) {
        String proto = svc.protocol();
        String base = hash(svc.namespace() + "/" + svc.name() + ":" + svc.portName() + "/" + proto) + "-"
                + svc.namespace() + "/" + svc.name() + "/" + proto + "/" + svc.portName();
        String clusterChain = "service-" + base;
        String localChain = "local-" + base;
        String externalChain = "external-" + base;

        // upstream's CategorizeEndpoints: ready endpoints, else serving-and-terminating ones
        List<EndpointInfo> cluster = usable(all, null);
        List<EndpointInfo> local = usable(all, options.nodeName());
        boolean hasEndpoints = !cluster.isEmpty();
        if (!svc.usesClusterEndpoints()) {
            cluster = List.of();
        }
        if (!svc.usesLocalEndpoints()) {
            local = List.of();
        }
        Map<String, EndpointInfo> reachable = new LinkedHashMap<>();
        cluster.forEach(e -> reachable.put(e.address(), e));
        local.forEach(e -> reachable.putIfAbsent(e.address(), e));

        String internalChain = svc.internalLocal() ? localChain : clusterChain;
        boolean hasInternal = hasEndpoints && (!svc.internalLocal() || !local.isEmpty());
        String externalPolicyChain = svc.externalLocal() ? localChain : clusterChain;
        boolean hasExternal = hasEndpoints && (!svc.externalLocal() || !local.isEmpty());
        boolean usesExternalChain = hasEndpoints && svc.externallyAccessible();
        String internalVerdict = hasEndpoints ? "drop" : "goto reject-chain";
        String externalVerdict = internalVerdict;

        String key = svc.clusterIp() + " . " + proto + " . " + svc.port();
        if (hasInternal) {
            t.element("service-ips", key + " : goto " + internalChain);
        } else {
            t.element("no-endpoint-services", key + " : " + internalVerdict);
        }
        for (String ip : concat(svc.externalIps(), svc.loadBalancerIps())) {
            String k = ip + " . " + proto + " . " + svc.port();
            if (hasEndpoints) {
                t.element("service-ips", k + " : goto " + externalChain);
            }
            if (!hasExternal) {
                t.element("no-endpoint-services", k + " : " + externalVerdict);
            }
        }
        if (svc.nodePort() != 0) {
            String k = proto + " . " + svc.nodePort();
            if (hasEndpoints) {
                t.element("service-nodeports", k + " : goto " + externalChain);
            }
            if (!hasExternal) {
                t.element("no-endpoint-nodeports", k + " : " + externalVerdict);
            }
        }

        if (hasInternal) {
            // traffic from outside the pod network may bounce elsewhere: masquerade it
            t.chain(internalChain, null).add("ip daddr " + svc.clusterIp() + " " + proto + " dport " + svc.port()
                    + " ip saddr != " + clusterCidr + " jump mark-for-masquerade");
        }
        if (usesExternalChain) {
            Chain ext = t.chain(externalChain, null);
            if (!svc.externalLocal()) {
                ext.add("jump mark-for-masquerade");
            } else {
                // pods and the host itself are not external clients: they use every endpoint, like a ClusterIP
                ext.add("ip saddr " + clusterCidr + " goto " + clusterChain + " comment \"short-circuit pod traffic\"");
                ext.add("fib saddr type local jump mark-for-masquerade comment \"masquerade local traffic\"");
                ext.add("fib saddr type local goto " + clusterChain + " comment \"short-circuit local traffic\"");
            }
            if (hasExternal) {
                ext.add("goto " + externalPolicyChain);
            }
        }

        Map<String, String> endpointChains = new LinkedHashMap<>();
        Map<String, String> affinitySets = new LinkedHashMap<>();
        for (EndpointInfo e : reachable.values()) {
            String epBase = hash(svc.namespace() + "/" + svc.name() + ":" + svc.portName() + "/" + proto + "/"
                    + e.address()) + "-" + svc.namespace() + "/" + svc.name() + "/" + proto + "/" + svc.portName()
                    + "__" + e.ip() + "/" + e.port();
            endpointChains.put(e.address(), "endpoint-" + epBase);
            if (svc.affinitySeconds() > 0) {
                // the timeout is part of the name: a set's timeout can't change in place
                String setName = "affinity-" + hash(epBase + "/" + svc.affinitySeconds()) + "-" + epBase.substring(9);
                affinitySets.put(e.address(), setName);
                t.set("set", setName, "type ipv4_addr; flags dynamic,timeout; timeout " + svc.affinitySeconds() + "s;",
                        true);
            }
        }
        if (!cluster.isEmpty() && svc.usesClusterEndpoints()) {
            dispatch(t.chain(clusterChain, null), cluster, endpointChains, affinitySets);
        }
        if (!local.isEmpty() && svc.usesLocalEndpoints()) {
            dispatch(t.chain(localChain, null), local, endpointChains, affinitySets);
        }
        for (EndpointInfo e : reachable.values()) {
            Chain c = t.chain(endpointChains.get(e.address()), null);
            c.add("ip saddr " + e.ip() + " jump mark-for-masquerade");
            String set = affinitySets.get(e.address());
            if (set != null) {
                c.add("update @" + set + " { ip saddr }");
            }
            c.add("meta l4proto " + proto + " dnat to " + e.address());
        }
    }

    private static void dispatch(Chain chain, List<EndpointInfo> eps, Map<String, String> endpointChains,
                                 Map<String, String> affinitySets) {
        for (EndpointInfo e : eps) {
            String set = affinitySets.get(e.address());
            if (set != null) {
                chain.add("ip saddr @" + set + " goto " + endpointChains.get(e.address()));
            }
        }
        StringBuilder vmap = new StringBuilder("numgen random mod " + eps.size() + " vmap { ");
        for (int i = 0; i < eps.size(); i++) {
            vmap.append(i == 0 ? "" : ", ").append(i).append(" : goto ").append(endpointChains.get(eps.get(i).address()));
        }
        chain.add(vmap.append(" }").toString());
    }

    /** Ready endpoints (on {@code node} if given), else the serving-and-terminating ones, as upstream falls back. */
    private static List<EndpointInfo> usable(List<EndpointInfo> all, String node) {
        List<EndpointInfo> ready = new ArrayList<>();
        List<EndpointInfo> terminating = new ArrayList<>();
        for (EndpointInfo e : all) {
            if (node != null && !e.isLocal(node)) {
                continue;
            }
            if (e.ready()) {
                ready.add(e);
            } else if (e.serving() && e.terminating()) {
                terminating.add(e);
            }
        }
        return ready.isEmpty() ? terminating : ready;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        b.stream().filter(x -> !out.contains(x)).forEach(out::add);
        return out;
    }

    /** Eight base32 characters of SHA-256: short, stable, and unique enough for chain names. */
    static String hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
            long bits = 0;
            for (int i = 0; i < 5; i++) {
                bits = (bits << 8) | (d[i] & 0xff);
            }
            StringBuilder s = new StringBuilder();
            for (int i = 7; i >= 0; i--) {
                s.append(alphabet.charAt((int) ((bits >>> (i * 5)) & 31)));
            }
            return s.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A chain being filled. */
    private static final class Chain {
        final String name;
        final String base;
        final List<String> rules = new ArrayList<>();

        Chain(String name, String base) {
            this.name = name;
            this.base = base;
        }

        Chain add(String rule) {
            rules.add(rule);
            return this;
        }
    }

    /** The table being filled: chains in first-use order, sets, elements. */
    private static final class Table {
        final Map<String, Chain> chains = new LinkedHashMap<>();
        final List<NftRuleset.NftSet> sets = new ArrayList<>();
        final List<NftRuleset.Element> elements = new ArrayList<>();

        Chain chain(String name, String base) {
            return chains.computeIfAbsent(name, n -> new Chain(n, base));
        }

        void set(String kind, String name, String spec, boolean keep) {
            if (sets.stream().noneMatch(s -> s.name().equals(name))) {
                sets.add(new NftRuleset.NftSet(kind, name, spec, keep));
            }
        }

        final java.util.Set<String> keys = new java.util.HashSet<>();

        /** Adds an element; a key already in the set or map (two services claiming one IP and port) keeps its first value. */
        void element(String set, String value) {
            int colon = value.indexOf(" : ");
            if (keys.add(set + " " + (colon < 0 ? value : value.substring(0, colon)))) {
                elements.add(new NftRuleset.Element(set, value));
            }
        }

        List<NftRuleset.Chain> chains() {
            return chains.values().stream().map(c -> new NftRuleset.Chain(c.name, c.base, c.rules)).toList();
        }
    }
}
