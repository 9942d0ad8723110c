package io.kube4j.node.network;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kube4j.node.host.HostCommand;

/** A network namespace a test creates (IPv6 off, lo up) and deletes again, with everything in it. */
final class TestNetns implements AutoCloseable {

    private static int counter;

    final String name;

    private TestNetns(String name) {
        this.name = name;
    }

    /** A fresh namespace named {@code k4jh-PREFIX-PID-N} (unique per JVM and call). */
    static synchronized TestNetns create(String prefix) {
        String name = "k4jh" + prefix + ProcessHandle.current().pid() % 100000 + "-" + (++counter);
        HostCommand.check("ip", "netns", "add", name);
        TestNetns ns = new TestNetns(name);
        // No IPv6: router solicitations would otherwise show up in the packet counters the tests read.
        ns.check("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        ns.check("ip", "link", "set", "lo", "up");
        return ns;
    }

    HostCommand.Result run(String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(cmd));
        return HostCommand.run(full, null, Map.of(), Duration.ofSeconds(20));
    }

    HostCommand.Result check(String... cmd) {
        return run(cmd).orThrow();
    }

    /** Starts a long-running program in the namespace; the caller stops it by its PID. */
    Process start(String... cmd) throws java.io.IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(cmd));
        return new ProcessBuilder(full).redirectErrorStream(true).start();
    }

    /** Packets received on {@code dev} in this namespace. */
    long rxPackets(String dev) {
        return Long.parseLong(check("cat", "/sys/class/net/" + dev + "/statistics/rx_packets").stdout().strip());
    }

    /** Connects a veth pair: {@code here} in this namespace, {@code there} in {@code other}, both up with addresses. */
    void veth(String here, String hereCidr, TestNetns other, String there, String thereCidr) {
        check("ip", "link", "add", here, "type", "veth", "peer", "name", there, "netns", other.name);
        check("ip", "addr", "add", hereCidr, "dev", here);
        check("ip", "link", "set", here, "up");
        other.check("ip", "addr", "add", thereCidr, "dev", there);
        other.check("ip", "link", "set", there, "up");
    }

    @Override
    public void close() {
        HostCommand.run("ip", "netns", "del", name);
    }
}
