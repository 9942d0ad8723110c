package io.kube4j.node.network;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kube4j.apimachinery.json.Json;

/**
 * The node's CNI network: a {@code bridge} (with {@code host-local} IPAM over the node's pod CIDR)
 * chained with {@code portmap} for hostPorts, written as {@code CONF_DIR/10-kube4j.conflist} where
 * containerd's CRI plugin picks it up (it watches the directory).
 *
 * <p>The node writes it once its podCIDR is known, before the first sandbox is run. Stateless and
 * thread-safe; writing replaces the file atomically.
 */
public final class CniConfig {

    /** The network name; also the name plugins put in their iptables comments. */
    public static final String NETWORK_NAME = "kube4j";
    /** The node's bridge. */
    public static final String BRIDGE = "kube4j0";
    public static final String FILE_NAME = "10-kube4j.conflist";
    /**
     * The spec version written. The Debian plugins (1.1.1) support 0.1.0 to 1.0.0, and containerd
     * 1.6's libcni reads 1.0.0.
     */
    public static final String CNI_VERSION = "1.0.0";

    /**
     * What varies between nodes.
     *
     * @param networkName the CNI network name
     * @param bridge the Linux bridge the pods' veths join (at most 15 characters)
     * @param podCidr the node's pod CIDR, e.g. {@code 10.42.0.0/24}
     * @param egress whether pods may reach beyond the node (masquerade); off by default
     * @param ipamDataDir where host-local keeps its leases, e.g. {@code DATA/cni/networks}
     */
    public record Options(String networkName, String bridge, String podCidr, boolean egress, Path ipamDataDir) {
        public Options {
            Objects.requireNonNull(networkName, "networkName");
            Objects.requireNonNull(bridge, "bridge");
            Objects.requireNonNull(ipamDataDir, "ipamDataDir");
            Cidr.parse(podCidr); // validates
            if (bridge.isEmpty() || bridge.length() > 15) {
                throw new IllegalArgumentException("bridge name " + bridge + " must have 1 to 15 characters");
            }
        }

        /** The node defaults: network kube4j, bridge kube4j0, no egress, leases in DATA/cni/networks. */
        public static Options of(Path dataDir, String podCidr) {
            return new Options(NETWORK_NAME, BRIDGE, podCidr, false, dataDir.resolve("cni").resolve("networks"));
        }

        public Options withEgress(boolean on) {
            return new Options(networkName, bridge, podCidr, on, ipamDataDir);
        }

        public Options withBridge(String name) {
            return new Options(networkName, name, podCidr, egress, ipamDataDir);
        }

        public Options withNetworkName(String name) {
            return new Options(name, bridge, podCidr, egress, ipamDataDir);
        }
    }

    private CniConfig() {
    }

    /** The conflist JSON. */
    public static ObjectNode render(Options o) {
        ObjectNode list = Json.object();
        list.put("cniVersion", CNI_VERSION);
        list.put("name", o.networkName());
        ArrayNode plugins = list.putArray("plugins");
        ObjectNode bridge = plugins.addObject();
        bridge.put("type", "bridge");
        bridge.put("bridge", o.bridge());
        bridge.put("isGateway", true);
        bridge.put("ipMasq", o.egress());
        bridge.put("hairpinMode", true);
        ObjectNode ipam = bridge.putObject("ipam");
        ipam.put("type", "host-local");
        ipam.putArray("ranges").addArray().addObject().put("subnet", o.podCidr());
        ipam.putArray("routes").addObject().put("dst", "0.0.0.0/0");
        ipam.put("dataDir", o.ipamDataDir().toString());
        ObjectNode portmap = plugins.addObject();
        portmap.put("type", "portmap");
        portmap.putObject("capabilities").put("portMappings", true);
        portmap.put("snat", true);
        return list;
    }

    /** Writes {@code CONF_DIR/10-kube4j.conflist} atomically and returns its path. */
    public static Path write(Path confDir, Options o) throws IOException {
        Files.createDirectories(confDir);
        Path file = confDir.resolve(FILE_NAME);
        Path tmp = Files.createTempFile(confDir, ".kube4j-", ".tmp"); // not *.conflist: never read half-written
        try {
            Files.writeString(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(render(o)) + "\n",
                    StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }
}
