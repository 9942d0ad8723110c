package io.kube4j.node.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.kube4j.node.host.HostCommand;
import io.kube4j.node.host.RootHost;

/**
 * The guard's rules as text, then for real: on the host with CIDRs only these tests use
 * (pods 10.242.0.0/16, services 10.243.0.0/16) and a table of their own; and in network
 * namespaces with a fake uplink, to show that the nftables layer alone keeps packets in.
 */
class NetworkGuardTest {

    private static final String PODS = "10.242.0.0/16";
    private static final String SERVICES = "10.243.0.0/16";

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) {
            c.close();
        }
    }

    private static NetworkGuard.Options testOptions() {
        return NetworkGuard.Options.defaults().withCidrs(PODS, SERVICES)
                .withTable("k4jh-guard-" + ProcessHandle.current().pid()).withBridge("k4jh0");
    }

    @Test
    void rendersAnAtomicReplaceOfTheTable() {
        String rules = new NetworkGuard(NetworkGuard.Options.defaults()).ruleset();
        assertThat(rules).startsWith("add table inet kube4j-guard\ndelete table inet kube4j-guard\ntable inet kube4j-guard {\n");
        assertThat(rules).contains(
                "  chain output {\n    type filter hook output priority 0; policy accept;\n"
                        + "    ip daddr { 10.42.0.0/16, 10.43.0.0/16 } oifname != \"kube4j0\" oifname != \"lo\" oifname != \"veth*\" "
                        + "jump refuse\n  }\n",
                "  chain forward {\n    type filter hook forward priority 0; policy accept;\n"
                        + "    ip daddr { 10.42.0.0/16, 10.43.0.0/16 } oifname != \"kube4j0\" oifname != \"lo\" oifname != \"veth*\" "
                        + "jump refuse\n"
                        + "    ip saddr 10.42.0.0/16 oifname != \"kube4j0\" oifname != \"lo\" oifname != \"veth*\" "
                        + "jump refuse comment \"pod egress is off\"\n  }\n",
                "  chain refuse {\n    counter\n    meta l4proto tcp reject with tcp reset\n"
                        + "    reject with icmpx type admin-prohibited\n  }\n");
        assertThat(new NetworkGuard(NetworkGuard.Options.defaults().withEgress(true)).ruleset())
                .contains("ip daddr { 10.42.0.0/16, 10.43.0.0/16 }")
                .doesNotContain("ip saddr", "pod egress is off");
        assertThat(new NetworkGuard(NetworkGuard.Options.defaults()).routeCommands()).containsExactly(
                List.of("ip", "route", "replace", "unreachable", "10.43.0.0/16", "metric", "4096", "proto", "180"),
                List.of("ip", "route", "replace", "unreachable", "10.42.0.0/16", "proto", "180"));
    }

    @Test
    void rejectsNamesThatWouldBreakTheScript() {
        assertThatThrownBy(() -> NetworkGuard.Options.defaults().withTable("x; flush ruleset"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NetworkGuard.Options.defaults().withBridge("a\"b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NetworkGuard.Options.defaults().withCidrs("10.42.0.0/16", "10.43.0.0"))
                .hasMessage("invalid IPv4 CIDR: 10.43.0.0");
    }

    @Test
    void onTheHostServiceAndPodAddressesFailAtOnceAndRemoveLeavesNothing() throws Exception {
        RootHost.requireRoot();
        NetworkGuard guard = new NetworkGuard(testOptions());
        String table = guard.options().table();
        assertThat(HostCommand.check("ip", "route", "show", "match", "10.243.0.10").stdout())
                .as("no route of these tests' CIDRs left from an earlier run").doesNotContain("10.243.", "10.242.");
        cleanup.add(guard::remove);

        guard.install();
        guard.install(); // idempotent: replaces, never duplicates

        assertThat(guard.isInstalled()).isTrue();
        String listed = HostCommand.check("nft", "list", "table", "inet", table).stdout();
        assertThat(listed).contains("chain output", "chain forward", "hook output priority filter",
                "oifname != \"k4jh0\" oifname != \"lo\" oifname != \"veth*\"", "pod egress is off");
        assertThat(HostCommand.check("nft", "list", "tables").stdout().lines().filter(l -> l.equals("table inet " + table)))
                .hasSize(1);
        // only this test's CIDRs: a node running on the machine has its own guard routes
        List<String> routes = HostCommand.check("ip", "route", "show", "proto", "180").stdout().lines().map(String::strip)
                .filter(r -> r.contains(" 10.242.") || r.contains(" 10.243.")).toList();
        assertThat(routes).containsExactlyInAnyOrder("unreachable 10.243.0.0/16 metric 4096", "unreachable 10.242.0.0/16");

        // Only now that the guard is verified: connecting to a service and a pod address fails at once.
        for (String ip : List.of("10.243.0.10", "10.242.3.4")) {
            long t0 = System.nanoTime();
            try (Socket s = new Socket()) {
                assertThatThrownBy(() -> s.connect(new InetSocketAddress(ip, 80), 3000))
                        .isInstanceOf(IOException.class).hasMessageContaining("No route to host");
            }
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("refused at once").isLessThan(500);
        }

        guard.remove();
        guard.remove(); // idempotent
        assertThat(guard.isInstalled()).isFalse();
        assertThat(HostCommand.run("nft", "list", "table", "inet", table).ok()).isFalse();
        assertThat(HostCommand.check("ip", "route", "show", "proto", "180").stdout()).doesNotContain("10.243.", "10.242.");
    }

    /**
     * Node N with a fake uplink to M and a pod P behind it; routes removed so only nftables guards.
     * Nothing may arrive in M until egress is turned on.
     */
    @Test
    void withoutItsRoutesTheNftablesLayerAloneKeepsClusterAndPodTrafficOnTheNode() throws Exception {
        RootHost.requireRoot();
        TestNetns node = TestNetns.create("n");
        cleanup.add(node);
        TestNetns uplink = TestNetns.create("u");
        cleanup.add(uplink);
        TestNetns pod = TestNetns.create("p");
        cleanup.add(pod);
        node.veth("up0", "192.168.250.1/30", uplink, "up1", "192.168.250.2/30");
        node.veth("k4jh0", "10.242.9.1/24", pod, "eth0", "10.242.9.2/24");
        node.check("sysctl", "-qw", "net.ipv4.ip_forward=1");
        node.check("ip", "route", "add", "default", "via", "192.168.250.2");
        pod.check("ip", "route", "add", "default", "via", "10.242.9.1");
        uplink.check("ip", "route", "add", "10.242.0.0/16", "via", "192.168.250.1");
        Process listener = uplink.start("busybox", "nc", "-ll", "-p", "18080", "-e", "/bin/echo", "hello");
        cleanup.add(() -> {
            listener.destroyForcibly();
            listener.waitFor();
        });

        NetworkGuard guard = new NetworkGuard(testOptions().inNetns(node.name));
        guard.install();
        assertThat(guard.isInstalled()).isTrue();
        for (String cidr : List.of(SERVICES, PODS)) {
            node.check("ip", "route", "del", "unreachable", cidr, "proto", "180");
        }
        assertThat(guard.isInstalled()).isFalse();
        long before = uplink.rxPackets("up1");

        // From the node to a service and to a pod address outside its bridge; from the pod to a
        // service address through the node and to the world (egress off). All refused at once.
        List<HostCommand.Result> attempts = List.of(
                node.run("busybox", "timeout", "3", "busybox", "nc", "10.243.0.10", "80"),
                node.run("busybox", "timeout", "3", "busybox", "nc", "10.242.200.7", "80"),
                pod.run("busybox", "timeout", "3", "busybox", "nc", "10.243.0.10", "18080"),
                pod.run("busybox", "timeout", "3", "busybox", "nc", "192.168.250.2", "18080"));
        for (HostCommand.Result r : attempts) {
            assertThat(r.ok()).as("%s", r.command()).isFalse();
            assertThat(r.stderr()).as("%s", r.command()).contains("Connection refused");
            assertThat(r.stdout()).doesNotContain("hello");
        }
        assertThat(uplink.rxPackets("up1")).as("packets that reached the uplink").isEqualTo(before);
        String refuse = node.check("nft", "list", "chain", "inet", guard.options().table(), "refuse").stdout();
        assertThat(refuse).contains("counter packets 4 ");

        // Egress on: the same pod connection now goes out, so it was the guard that held it.
        new NetworkGuard(guard.options().withEgress(true)).install();
        HostCommand.Result out = pod.run("busybox", "timeout", "3", "busybox", "nc", "192.168.250.2", "18080");
        assertThat(out.stdout()).contains("hello");
        assertThat(uplink.rxPackets("up1")).isGreaterThan(before);
    }

    /** In a namespace: the service CIDR goes to the pre-created bridge, falls back to unreachable without it. */
    @Test
    void servicesRouteToTheBridgeWithTheUnreachableRouteBehindIt() {
        RootHost.requireRoot();
        TestNetns node = TestNetns.create("r");
        cleanup.add(node);
        NetworkGuard guard = new NetworkGuard(testOptions().inNetns(node.name));
        guard.install();
        PodBridge.ensure("k4jh0", PodBridge.gateway(Cidr.parse("10.242.0.0/24")), node.name);
        PodBridge.ensure("k4jh0", "10.242.0.1/24", node.name); // idempotent
        guard.routeServicesToBridge();
        guard.routeServicesToBridge();
        guard.install(); // a second install (a restarted node, another agent) keeps the route to the bridge
        assertThat(node.check("sysctl", "-n", "net.ipv4.conf.k4jh0.route_localnet").stdout().strip()).isEqualTo("1");
        assertThat(node.check("sysctl", "-n", "net.ipv4.conf.all.route_localnet").stdout().strip()).isEqualTo("0");
        assertThat(node.check("ip", "-4", "addr", "show", "dev", "k4jh0").stdout()).contains("inet 10.242.0.1/24");
        List<String> routes = node.check("ip", "route", "show", "proto", "180").stdout().lines().map(String::strip).toList();
        assertThat(routes).containsExactlyInAnyOrder("10.243.0.0/16 dev k4jh0 scope link",
                "unreachable 10.243.0.0/16 metric 4096", "unreachable 10.242.0.0/16");
        assertThat(guard.isInstalled()).isTrue();
        assertThat(node.check("ip", "route", "get", "10.243.0.5").stdout()).contains("dev k4jh0 src 10.242.0.1");

        node.check("ip", "link", "del", "k4jh0");
        assertThat(node.run("ip", "route", "get", "10.243.0.5").stderr()).contains("No route to host");

        guard.remove();
        assertThat(node.check("ip", "route", "show", "proto", "180").stdout()).isBlank();
        assertThat(guard.isInstalled()).isFalse();
    }
}
