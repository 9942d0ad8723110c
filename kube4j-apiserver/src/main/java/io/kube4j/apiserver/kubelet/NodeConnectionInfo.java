package io.kube4j.apiserver.kubelet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apiserver.registry.Registry;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds a node's kubelet from its Node object, as upstream's NodeConnectionInfoGetter: the first
 * address of the first preferred type in {@code status.addresses} (a missing Hostname address falls
 * back to the {@code kubernetes.io/hostname} label), and {@code status.daemonEndpoints.kubeletEndpoint.Port}
 * or the default port. Called by the pod log/exec/attach/port-forward locations; stateless and
 * thread-safe (it reads the node from the watch cache on each call).
 */
public final class NodeConnectionInfo {
    /** The kubelet's default port, when the node reports none. */
    public static final int DEFAULT_KUBELET_PORT = 10250;
    /**
     * The address types tried in order. Upstream's default puts Hostname first; kube4j nodes run
     * next to the API server and report an InternalIP that always works, so that one comes first
     * (as kubeadm configures it).
     */
    public static final List<String> DEFAULT_PREFERRED_ADDRESS_TYPES =
            List.of("InternalIP", "Hostname", "InternalDNS", "ExternalIP", "ExternalDNS");

    /** A kubelet's address and port. */
    public record Endpoint(String host, int port) {
    }

    private final Registry registry;
    private final List<String> preferredTypes;
    private final int defaultPort;

    public NodeConnectionInfo(Registry registry) {
        this(registry, DEFAULT_PREFERRED_ADDRESS_TYPES, DEFAULT_KUBELET_PORT);
    }

    public NodeConnectionInfo(Registry registry, List<String> preferredTypes, int defaultPort) {
        this.registry = registry;
        this.preferredTypes = List.copyOf(preferredTypes);
        this.defaultPort = defaultPort;
    }

    /** The kubelet of {@code nodeName}; 404 when the node does not exist, 500 when it has no usable address. */
    public Endpoint endpoint(String nodeName) {
        ObjectNode node = registry.store("", "nodes").get(null, nodeName);
        return endpoint(node, preferredTypes, defaultPort);
    }

    /** The kubelet endpoint a node object describes. */
    public static Endpoint endpoint(JsonNode node, List<String> preferredTypes, int defaultPort) {
        String host = preferredAddress(node, preferredTypes);
        int port = node.path("status").path("daemonEndpoints").path("kubeletEndpoint").path("Port").asInt(0);
        return new Endpoint(host, port <= 0 ? defaultPort : port);
    }

    private static String preferredAddress(JsonNode node, List<String> preferredTypes) {
        JsonNode addresses = node.path("status").path("addresses");
        for (String type : preferredTypes) {
            for (JsonNode a : addresses) {
                if (type.equals(a.path("type").asText()) && !a.path("address").asText().isEmpty()) {
                    return a.path("address").asText();
                }
            }
            if (type.equals("Hostname")) {
                String label = node.path("metadata").path("labels").path("kubernetes.io/hostname").asText("");
                if (!label.isEmpty()) {
                    return label;
                }
            }
        }
        // upstream prints the []NodeAddress with Go's %v: [{Type Address} ...]
        List<String> known = new ArrayList<>();
        for (JsonNode a : addresses) {
            known.add("{" + a.path("type").asText() + " " + a.path("address").asText() + "}");
        }
        throw StatusException.unknown("no preferred addresses found; known addresses: ["
                + String.join(" ", known) + "]");
    }
}
