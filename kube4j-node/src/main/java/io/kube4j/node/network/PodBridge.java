package io.kube4j.node.network;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kube4j.node.host.HostCommand;

/**
 * Creates the node's pod bridge before the first pod, with the gateway address the CNI bridge plugin would give it
 * (the first host of the node's pod CIDR), so the service CIDR can be routed to it from the start. The bridge plugin
 * finds the bridge and its gateway address and reuses both. It also sets {@code route_localnet=1} on this bridge only
 * (never globally): localhost NodePorts are DNATed to pods with a 127.0.0.1 source that must be routable through it
 * until masqueraded. The setting goes with the bridge ({@link NodeCleanup#removeBridge()}).
 *
 * <p>Called by the node agent once it knows its pod CIDR. Idempotent; not thread-safe.
 */
public final class PodBridge {

    private static final Logger LOG = LoggerFactory.getLogger(PodBridge.class);

    private PodBridge() {
    }

    /** The gateway address with prefix, e.g. {@code 10.42.0.1/24} for {@code 10.42.0.0/24}. */
    public static String gateway(Cidr podCidr) {
        return podCidr.host(1) + "/" + podCidr.prefix();
    }

    /**
     * Makes sure {@code bridge} exists, is up, has {@code gatewayCidr} and route_localnet on.
     *
     * @param netns a network namespace to work in, or null for the host's
     */
    public static void ensure(String bridge, String gatewayCidr, String netns) {
        if (!bridge.matches("[A-Za-z0-9_.-]{1,15}")) {
            throw new IllegalArgumentException("bad bridge name " + bridge);
        }
        Cidr.parse(gatewayCidr);
        HostCommand.Result show = run(netns, "ip", "-d", "link", "show", "dev", bridge);
        if (!show.ok()) {
            run(netns, "ip", "link", "add", bridge, "type", "bridge").orThrow();
        } else if (!show.stdout().contains("bridge ")) {
            throw new IllegalStateException(bridge + " exists and is not a bridge");
        }
        run(netns, "ip", "addr", "replace", gatewayCidr, "dev", bridge).orThrow();
        run(netns, "ip", "link", "set", bridge, "up").orThrow();
        run(netns, "sysctl", "-qw", "net.ipv4.conf." + bridge + ".route_localnet=1").orThrow();
        LOG.info("pod bridge {} up gateway={} route_localnet=1", bridge, gatewayCidr);
    }

    private static HostCommand.Result run(String netns, String... cmd) {
        List<String> full = new ArrayList<>();
        if (netns != null) {
            full.addAll(List.of("ip", "netns", "exec", netns));
        }
        full.addAll(List.of(cmd));
        return HostCommand.run(full, null, Map.of(), Duration.ofSeconds(10));
    }
}
