package io.kube4j.node.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kube4j.node.containerd.Containerd;
import io.kube4j.node.host.HostCommand;

/**
 * Leaves a host as it was before a kube4j node ran on it (what k3s-killall does for k3s), for
 * {@code kube4j} to call after the kubelet has stopped the pods and containerd has stopped.
 * {@link #run()} takes these steps, each also callable alone, each idempotent:
 * <ol>
 *   <li>{@link #removePortmapRules()}: iptables (nft backend) nat rules the CNI plugins added for
 *       this network and did not remove (a node that crashed never ran CNI DEL): portmap's
 *       per-sandbox {@code CNI-DN-*} chains and the jumps to them in {@code CNI-HOSTPORT-DNAT}
 *       (comment {@code dnat name: "NET" id: "..."}), and the bridge plugin's ipMasq
 *       {@code CNI-<hash>} chains and their POSTROUTING jumps (comment {@code name: "NET" ...}).
 *       portmap's shared chains ({@code CNI-HOSTPORT-DNAT}, {@code -MASQ}, {@code -SETMARK}) and
 *       the jumps to them from PREROUTING, OUTPUT and POSTROUTING go too, but only when no
 *       network has a host port left in {@code CNI-HOSTPORT-DNAT}; portmap creates them again
 *       when needed. Each change is one {@code iptables-restore --noflush} transaction.</li>
 *   <li>{@link #removeBridge()}: the bridge ({@code kube4j0}); its address and connected route go
 *       with it. The bridge plugin keeps it after the last CNI DEL.</li>
 *   <li>{@link #removeIpamLeases()}: host-local's leases, {@code DATA/cni/networks/NET}.</li>
 *   <li>{@link #removeProxyRules()}: kube-proxy's nftables table ({@code ip kube4j-proxy}); its
 *       service route and the bridge's {@code route_localnet} went with the bridge.</li>
 *   <li>{@link #removeGuard()}: the network guard's table and routes ({@link NetworkGuard#remove()}).</li>
 *   <li>{@link #removeContainerdState()}: containerd's state dir ({@code /run/kube4j/containerd}:
 *       sockets, shim bundles, runc state). Refused while anything is mounted below it (a
 *       container still runs) or something answers on its socket.</li>
 * </ol>
 * Not touched: {@code net.ipv4.ip_forward} (the bridge plugin turns it on; its earlier value is
 * unknown), containers (the kubelet's job), the data dir's images and containerd root, network
 * namespaces (containerd removes its {@code cni-*} ones with the sandboxes).
 *
 * <p>Not thread-safe; run once at node shutdown or by {@code kube4j cleanup}.
 */
public final class NodeCleanup {

    private static final Logger LOG = LoggerFactory.getLogger(NodeCleanup.class);

    /** kube-proxy's table (io.kube4j.node.proxy.ProxyOptions#DEFAULT_TABLE). */
    public static final String PROXY_TABLE = "kube4j-proxy";

    private static final List<String> PORTMAP_CHAINS = List.of("CNI-HOSTPORT-DNAT", "CNI-HOSTPORT-MASQ", "CNI-HOSTPORT-SETMARK");

    /**
     * What to clean.
     *
     * @param dataDir the node's data dir
     * @param stateDir containerd's state dir
     * @param networkName the CNI network name
     * @param bridge the CNI bridge
     * @param guard the network guard to remove
     * @param proxyTable kube-proxy's nftables table (family ip)
     */
    public record Options(Path dataDir, Path stateDir, String networkName, String bridge, NetworkGuard.Options guard,
                          String proxyTable) {
        public Options {
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(stateDir, "stateDir");
            Objects.requireNonNull(networkName, "networkName");
            Objects.requireNonNull(bridge, "bridge");
            Objects.requireNonNull(guard, "guard");
            Objects.requireNonNull(proxyTable, "proxyTable");
            if (!proxyTable.matches("[A-Za-z][A-Za-z0-9_-]{0,63}")) {
                throw new IllegalArgumentException("bad nftables table name " + proxyTable);
            }
            if (networkName.contains("\"") || networkName.contains("\\")) {
                throw new IllegalArgumentException("bad network name " + networkName);
            }
        }

        /** With kube-proxy's default table. */
        public Options(Path dataDir, Path stateDir, String networkName, String bridge, NetworkGuard.Options guard) {
            this(dataDir, stateDir, networkName, bridge, guard, PROXY_TABLE);
        }

        /** The node defaults: network kube4j, bridge kube4j0, state /run/kube4j/containerd, the default guard. */
        public static Options defaults(Path dataDir) {
            return new Options(dataDir, Containerd.DEFAULT_STATE_DIR, CniConfig.NETWORK_NAME, CniConfig.BRIDGE,
                    NetworkGuard.Options.defaults());
        }
    }

    private final Options options;

    public NodeCleanup(Options options) {
        this.options = Objects.requireNonNull(options);
    }

    /** Every step, in order; returns what each step removed (for logs and {@code kube4j cleanup} output). */
    public List<String> run() {
        List<String> done = new ArrayList<>();
        done.addAll(removePortmapRules());
        if (removeBridge()) {
            done.add("bridge " + options.bridge());
        }
        if (removeIpamLeases()) {
            done.add("IPAM leases " + ipamDir());
        }
        if (removeProxyRules()) {
            done.add("kube-proxy table " + options.proxyTable());
        }
        removeGuard();
        done.add("network guard " + options.guard().table());
        if (removeContainerdState()) {
            done.add("containerd state " + options.stateDir());
        }
        LOG.info("node cleaned up removed={}", done);
        return done;
    }

    /** The nat-table changes {@link #removePortmapRules()} would make, as iptables-restore input (null if none). */
    String portmapRestoreScript(String natSave) {
        List<String> rules = natSave.lines().filter(l -> l.startsWith("-A ")).toList();
        String ours = "name: \\\"" + options.networkName() + "\\\" id: ";
        Set<String> chains = new LinkedHashSet<>();
        List<String> deletes = new ArrayList<>();
        Pattern jump = Pattern.compile(" -j (CNI-[A-Za-z0-9-]+)$");
        for (String r : rules) {
            boolean portmap = r.startsWith("-A CNI-HOSTPORT-DNAT ") && r.contains("--comment \"dnat " + ours);
            boolean masq = r.startsWith("-A POSTROUTING ") && r.contains("--comment \"" + ours);
            Matcher m = jump.matcher(r);
            if ((portmap || masq) && m.find() && !PORTMAP_CHAINS.contains(m.group(1))) {
                deletes.add("-D" + r.substring(2));
                chains.add(m.group(1));
            }
        }
        if (deletes.isEmpty()) {
            return null;
        }
        StringBuilder s = new StringBuilder("*nat\n");
        deletes.forEach(d -> s.append(d).append('\n'));
        chains.forEach(c -> s.append("-F ").append(c).append('\n'));
        chains.forEach(c -> s.append("-X ").append(c).append('\n'));
        return s.append("COMMIT\n").toString();
    }

    /** The iptables-restore input removing portmap's shared chains, if no host port is left (else null). */
    static String sharedPortmapRestoreScript(String natSave) {
        List<String> rules = natSave.lines().filter(l -> l.startsWith("-A ")).toList();
        if (!natSave.contains(":CNI-HOSTPORT-DNAT ") || rules.stream().anyMatch(r -> r.startsWith("-A CNI-HOSTPORT-DNAT "))) {
            return null;
        }
        StringBuilder s = new StringBuilder("*nat\n");
        for (String r : rules) {
            for (String c : PORTMAP_CHAINS) {
                if (r.endsWith(" -j " + c) && !r.startsWith("-A CNI-HOSTPORT-")) {
                    s.append("-D").append(r.substring(2)).append('\n');
                }
            }
        }
        for (String c : PORTMAP_CHAINS) {
            if (natSave.contains(":" + c + " ")) {
                s.append("-F ").append(c).append('\n');
            }
        }
        for (String c : PORTMAP_CHAINS) {
            if (natSave.contains(":" + c + " ")) {
                s.append("-X ").append(c).append('\n');
            }
        }
        return s.append("COMMIT\n").toString();
    }

    /** Step 1; returns what went (chain names), empty if nothing did. */
    public List<String> removePortmapRules() {
        List<String> removed = new ArrayList<>();
        String ours = portmapRestoreScript(natSave());
        if (ours != null) {
            restore(ours);
            ours.lines().filter(l -> l.startsWith("-X ")).forEach(l -> removed.add("nat chain " + l.substring(3)));
        }
        String shared = sharedPortmapRestoreScript(natSave());
        if (shared != null) {
            HostCommand.Result r = restoreResult(shared);
            if (r.ok()) {
                removed.add("portmap's shared nat chains");
            } else {
                // Another network added a host port meanwhile: its chains stay.
                LOG.info("portmap's shared chains stay error={}", r.stderr().strip());
            }
        }
        return removed;
    }

    /** Step 2; true if a bridge was deleted. */
    public boolean removeBridge() {
        HostCommand.Result show = HostCommand.run("ip", "-d", "link", "show", "dev", options.bridge());
        if (!show.ok()) {
            return false;
        }
        if (!show.stdout().contains("bridge ")) {
            throw new IllegalStateException(options.bridge() + " is not a bridge; not deleting it");
        }
        HostCommand.check("ip", "link", "del", "dev", options.bridge());
        return true;
    }

    /** {@code DATA/cni/networks/NET}. */
    public Path ipamDir() {
        return options.dataDir().resolve("cni").resolve("networks").resolve(options.networkName());
    }

    /** Step 3; true if leases were there. */
    public boolean removeIpamLeases() {
        return deleteTree(ipamDir());
    }

    /** Step 4; true if the table was there. */
    public boolean removeProxyRules() {
        if (!HostCommand.run("nft", "list", "table", "ip", options.proxyTable()).ok()) {
            return false;
        }
        // add + delete in one transaction: no error if the table went meanwhile
        HostCommand.run(List.of("nft", "-f", "-"), "add table ip " + options.proxyTable() + "\ndelete table ip "
                + options.proxyTable() + "\n", Map.of(), Duration.ofSeconds(10)).orThrow();
        return true;
    }

    /** Step 5. */
    public void removeGuard() {
        new NetworkGuard(options.guard()).remove();
    }

    /**
     * Step 6; true if the state dir was there.
     *
     * @throws IllegalStateException if containers still have mounts below it or containerd answers
     */
    public boolean removeContainerdState() {
        Path state = options.stateDir().toAbsolutePath();
        if (!Files.exists(state, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        List<String> mounts = mountsBelow(state);
        if (!mounts.isEmpty()) {
            throw new IllegalStateException("containers still have mounts below " + state + " (" + mounts.size()
                    + ", e.g. " + mounts.getFirst() + "); stop the pods first");
        }
        try (var files = Files.list(state)) {
            for (Path sock : files.filter(p -> p.getFileName().toString().endsWith(".sock")).toList()) {
                if (answers(sock)) {
                    throw new IllegalStateException("containerd still answers on " + sock + "; stop it first");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return deleteTree(state);
    }

    static List<String> mountsBelow(Path dir) {
        try {
            String prefix = dir.toString() + "/";
            List<String> found = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String mountPoint = line.split(" ")[4].replace("\\040", " ");
                if (mountPoint.equals(dir.toString()) || mountPoint.startsWith(prefix)) {
                    found.add(mountPoint);
                }
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean answers(Path socket) {
        try (var ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            return ch.connect(java.net.UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return false;
        }
    }

    private static String natSave() {
        return HostCommand.check("iptables-save", "-t", "nat").stdout();
    }

    private static void restore(String script) {
        restoreResult(script).orThrow();
    }

    private static HostCommand.Result restoreResult(String script) {
        return HostCommand.run(List.of("iptables-restore", "--noflush", "--wait"), script, Map.of(), Duration.ofSeconds(30));
    }

    /** Deletes a tree without following symlinks; true if it existed. */
    static boolean deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    if (exc != null) {
                        throw exc;
                    }
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + dir + ": " + e.getMessage(), e);
        }
        return true;
    }
}
