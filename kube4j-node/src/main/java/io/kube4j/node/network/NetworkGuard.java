package io.kube4j.node.network;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kube4j.node.host.HostCommand;

/**
 * The network-safety guard a node installs before anything else, so that traffic to the
 * cluster's private ranges never leaves the machine (the shared uplink flags it):
 * <ol>
 *   <li>{@code unreachable} routes for the service CIDR and the cluster pod CIDR. A local sender
 *       gets "No route to host" at once. The node's own pod /24, which the CNI bridge plugin puts on
 *       {@code kube4j0} as a connected route, is more specific and so still reaches the pods.</li>
 *   <li>an nftables table ({@code inet kube4j-guard}) with filter chains on the {@code output} and
 *       {@code forward} hooks at priority 0, after the NAT {@code output} hook (-100) where
 *       kube-proxy's DNAT happens, so they see the final destination and interface. They refuse
 *       (TCP reset, else ICMP admin-prohibited, so senders fail at once; nothing goes out) packets
 *       to the pod or service CIDR leaving by any interface but the bridge, {@code lo} or a pod's
 *       {@code veth*}; and, unless egress is on, forwarded packets from pods to anywhere else.</li>
 * </ol>
 * The routes are marked {@code proto 180} so {@link #remove()} deletes only what it added.
 *
 * <p>The route lookup for a locally opened connection happens before the NAT output hook, so with
 * the unreachable route the host itself can't reach ClusterIPs even where kube-proxy DNATs them.
 * Once the node's bridge exists, {@link #routeServicesToBridge()} sends the service CIDR to the
 * bridge instead (kube-proxy DNATs what it serves; the rest stays on the bridge), and keeps the
 * unreachable route behind it at metric {@value #FALLBACK_METRIC}, so when the bridge goes the
 * CIDR is unreachable again rather than sent along the default route.
 *
 * <p>Called by the node at start-up ({@link #install()}) and by {@link NodeCleanup}
 * ({@link #remove()}); both are idempotent. Not thread-safe; one node owns one guard.
 */
public final class NetworkGuard {

    private static final Logger LOG = LoggerFactory.getLogger(NetworkGuard.class);

    public static final String DEFAULT_TABLE = "kube4j-guard";
    public static final String DEFAULT_POD_CIDR = "10.42.0.0/16";
    public static final String DEFAULT_SERVICE_CIDR = "10.43.0.0/16";
    /** The routing protocol number that marks the guard's routes (free in /etc/iproute2/rt_protos). */
    public static final int ROUTE_PROTO = 180;
    /** The metric of the unreachable service route kept behind the bridge route. */
    public static final int FALLBACK_METRIC = 4096;

    /**
     * What to guard.
     *
     * @param table the nftables table name (family inet)
     * @param clusterPodCidr all pods of the cluster, e.g. 10.42.0.0/16
     * @param serviceCidr the ClusterIP range, e.g. 10.43.0.0/16
     * @param bridge the node's pod bridge
     * @param egress whether pods may reach beyond the node
     * @param netns a network namespace (name under /run/netns) to install into, or null for the
     *     host's; for several nodes on one machine, and for tests
     */
    public record Options(String table, Cidr clusterPodCidr, Cidr serviceCidr, String bridge, boolean egress,
                          String netns) {
        public Options {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(clusterPodCidr, "clusterPodCidr");
            Objects.requireNonNull(serviceCidr, "serviceCidr");
            Objects.requireNonNull(bridge, "bridge");
            if (!table.matches("[A-Za-z][A-Za-z0-9_-]{0,63}")) {
                throw new IllegalArgumentException("bad nftables table name " + table);
            }
            if (!bridge.matches("[A-Za-z0-9_.-]{1,15}")) {
                throw new IllegalArgumentException("bad bridge name " + bridge);
            }
        }

        /** kube4j's defaults: table kube4j-guard, pods 10.42.0.0/16, services 10.43.0.0/16, bridge kube4j0, no egress. */
        public static Options defaults() {
            return new Options(DEFAULT_TABLE, Cidr.parse(DEFAULT_POD_CIDR), Cidr.parse(DEFAULT_SERVICE_CIDR),
                    CniConfig.BRIDGE, false, null);
        }

        public Options withCidrs(String clusterPods, String services) {
            return new Options(table, Cidr.parse(clusterPods), Cidr.parse(services), bridge, egress, netns);
        }

        public Options withTable(String name) {
            return new Options(name, clusterPodCidr, serviceCidr, bridge, egress, netns);
        }

        public Options withBridge(String name) {
            return new Options(table, clusterPodCidr, serviceCidr, name, egress, netns);
        }

        public Options withEgress(boolean on) {
            return new Options(table, clusterPodCidr, serviceCidr, bridge, on, netns);
        }

        public Options inNetns(String name) {
            return new Options(table, clusterPodCidr, serviceCidr, bridge, egress, name);
        }
    }

    private final Options options;

    public NetworkGuard(Options options) {
        this.options = Objects.requireNonNull(options);
    }

    public Options options() {
        return options;
    }

    /**
     * The nft script {@link #install()} applies: it creates the table if missing and deletes it in
     * the same transaction before defining it again, so re-applying replaces the rules atomically.
     */
    public String ruleset() {
        String t = "inet " + options.table();
        String cluster = "{ " + options.clusterPodCidr() + ", " + options.serviceCidr() + " }";
        String ours = "oifname != \"" + options.bridge() + "\" oifname != \"lo\" oifname != \"veth*\"";
        StringBuilder s = new StringBuilder();
        s.append("add table ").append(t).append('\n');
        s.append("delete table ").append(t).append('\n');
        s.append("table ").append(t).append(" {\n");
        s.append("  chain output {\n");
        s.append("    type filter hook output priority 0; policy accept;\n");
        s.append("    ip daddr ").append(cluster).append(' ').append(ours).append(" jump refuse\n");
        s.append("  }\n");
        s.append("  chain forward {\n");
        s.append("    type filter hook forward priority 0; policy accept;\n");
        s.append("    ip daddr ").append(cluster).append(' ').append(ours).append(" jump refuse\n");
        if (!options.egress()) {
            s.append("    ip saddr ").append(options.clusterPodCidr()).append(' ').append(ours)
                    .append(" jump refuse comment \"pod egress is off\"\n");
        }
        s.append("  }\n");
        // A TCP reset fails connect() at once; an ICMP error only after the SYN's first retransmit (1 s).
        s.append("  chain refuse {\n");
        s.append("    counter\n");
        s.append("    meta l4proto tcp reject with tcp reset\n");
        s.append("    reject with icmpx type admin-prohibited\n");
        s.append("  }\n");
        s.append("}\n");
        return s.toString();
    }

    /** The {@code ip route} commands {@link #install()} runs. */
    public List<List<String>> routeCommands() {
        List<List<String>> cmds = new ArrayList<>();
        String proto = Integer.toString(ROUTE_PROTO);
        // the service route sits at the fallback metric from the start, so installing again (a restarted node, a
        // second agent on the machine) never replaces a route to the bridge that routeServicesToBridge added
        cmds.add(List.of("ip", "route", "replace", "unreachable", options.serviceCidr().toString(), "metric",
                Integer.toString(FALLBACK_METRIC), "proto", proto));
        cmds.add(List.of("ip", "route", "replace", "unreachable", options.clusterPodCidr().toString(), "proto", proto));
        return cmds;
    }

    /**
     * Installs (or re-installs) the routes and the nftables table. Idempotent.
     *
     * @throws HostCommand.HostCommandException if ip or nft fail; the node must not go on then
     */
    public void install() {
        for (List<String> cmd : routeCommands()) {
            run(cmd, null).orThrow();
        }
        run(List.of("nft", "-f", "-"), ruleset()).orThrow();
        LOG.info("network guard installed table={} pods={} services={} egress={}", options.table(),
                options.clusterPodCidr(), options.serviceCidr(), options.egress());
    }

    /**
     * Routes the service CIDR to the bridge (which must exist), keeping the unreachable route behind it as a
     * fallback; never a moment without a route. Idempotent. Called by the node once it has created its bridge.
     */
    public void routeServicesToBridge() {
        String proto = Integer.toString(ROUTE_PROTO);
        String svc = options.serviceCidr().toString();
        run(List.of("ip", "route", "replace", "unreachable", svc, "metric", Integer.toString(FALLBACK_METRIC), "proto",
                proto), null).orThrow();
        run(List.of("ip", "route", "replace", svc, "dev", options.bridge(), "proto", proto), null).orThrow();
        LOG.info("service CIDR {} routed to bridge {}", svc, options.bridge());
    }

    /** Whether the nftables table and both routes are in place. */
    public boolean isInstalled() {
        if (!run(List.of("nft", "list", "table", "inet", options.table()), null).ok()) {
            return false;
        }
        List<String> routes = run(List.of("ip", "route", "show", "proto", Integer.toString(ROUTE_PROTO)), null)
                .orThrow().stdout().lines().map(String::strip).toList();
        String svc = options.serviceCidr().toString();
        boolean services = routes.contains("unreachable " + svc)
                || routes.contains("unreachable " + svc + " metric " + FALLBACK_METRIC);
        return services && routes.contains("unreachable " + options.clusterPodCidr());
    }

    /** Deletes the table and the guard's routes (also the service route to the bridge), and nothing else. Idempotent. */
    public void remove() {
        // add + delete in one transaction: no error when the table is already gone.
        run(List.of("nft", "-f", "-"), "add table inet " + options.table() + "\ndelete table inet " + options.table() + "\n")
                .orThrow();
        for (Cidr c : List.of(options.serviceCidr(), options.clusterPodCidr())) {
            // no type given: any of ours for this prefix (unreachable, its fallback, the bridge route), one per call
            for (int i = 0; i < 8; i++) {
                HostCommand.Result r = run(List.of("ip", "route", "del", c.toString(), "proto",
                        Integer.toString(ROUTE_PROTO)), null);
                if (!r.ok()) {
                    if (!r.stderr().contains("No such process")) {
                        r.orThrow();
                    }
                    break;
                }
            }
        }
        LOG.info("network guard removed table={}", options.table());
    }

    private HostCommand.Result run(List<String> cmd, String stdin) {
        List<String> full = new ArrayList<>();
        if (options.netns() != null) {
            full.addAll(List.of("ip", "netns", "exec", options.netns()));
        }
        full.addAll(cmd);
        return HostCommand.run(full, stdin, Map.of(), Duration.ofSeconds(10));
    }
}
