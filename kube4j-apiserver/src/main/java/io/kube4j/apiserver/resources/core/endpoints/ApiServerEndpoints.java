package io.kube4j.apiserver.resources.core.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.labels.LabelSelector;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.errors.StatusReason;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.registry.DeleteOptions;
import io.kube4j.apiserver.registry.ListOptions;
import io.kube4j.apiserver.registry.Store;
import io.kube4j.apiserver.registry.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The backends of the {@code default/kubernetes} Service, as upstream's lease endpoint reconciler writes them from the
 * live API servers ({@link MasterLeases}): Endpoints {@code kubernetes} (labelled skip-mirror, so the mirroring
 * controller leaves them alone) with one subset of the servers' addresses, sorted, and the secure port named
 * {@code https}; and EndpointSlice {@code kubernetes} (no managed-by label, so the EndpointSlice controller leaves it
 * alone) with one ready endpoint per address. Other slices labelled for the service are deleted, as upstream does.
 * kube4j servers may share a host on different ports: then each port is a subset of its own and a slice of its own
 * ({@code kubernetes-<port>} after the lowest port's {@code kubernetes}). Objects are rewritten only when they differ.
 * Called by {@link ApiServerEndpointReconciler}, one call at a time per server; servers race through
 * resourceVersion conflicts, retried here.
 */
public final class ApiServerEndpoints {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServerEndpoints.class);
    static final String NAME = "kubernetes";
    static final String NAMESPACE = "default";
    static final String SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror";
    static final String SERVICE_NAME = "kubernetes.io/service-name";

    private ApiServerEndpoints() {
    }

    /**
     * Makes the Endpoints and EndpointSlices list exactly {@code live}. An empty list leaves them as they are:
     * this server just renewed its own record, so none means the store is wrong, not that no server is up
     * (upstream refuses to erase the endpoints then too). Returns false then.
     */
    public static boolean reconcile(Store endpoints, Store slices, List<MasterLeases.Lease> live) {
        if (live.isEmpty()) {
            return false;
        }
        SortedMap<Integer, List<String>> byPort = byPort(live);
        put(endpoints, endpoints(byPort), "subsets");
        List<String> names = new ArrayList<>();
        for (Map.Entry<Integer, List<String>> group : byPort.entrySet()) {
            String name = names.isEmpty() ? NAME : NAME + "-" + group.getKey();
            names.add(name);
            put(slices, slice(name, group.getKey(), group.getValue()), "endpoints", "ports", "addressType");
        }
        for (ObjectNode other : slices.list(NAMESPACE, ListOptions.labels(LabelSelector.parse(SERVICE_NAME + "=" + NAME)))
                .items()) {
            String name = Json.text(other.get("metadata"), "name");
            if (!names.contains(name)) {
                try {
                    slices.delete(NAMESPACE, name, DeleteOptions.defaults());
                    LOG.info("deleted stale endpointslice name={}", name);
                } catch (StatusException e) {
                    if (e.reason() != StatusReason.NOT_FOUND) {
                        throw e;
                    }
                }
            }
        }
        return true;
    }

    /** The addresses of each port, ports ascending, addresses sorted. */
    static SortedMap<Integer, List<String>> byPort(List<MasterLeases.Lease> live) {
        SortedMap<Integer, List<String>> byPort = new TreeMap<>();
        for (MasterLeases.Lease l : live) {
            byPort.computeIfAbsent(l.port(), p -> new ArrayList<>()).add(l.ip());
        }
        byPort.values().forEach(Collections::sort);
        return byPort;
    }

    static ObjectNode endpoints(SortedMap<Integer, List<String>> byPort) {
        ObjectNode ep = Json.object();
        ep.put("apiVersion", "v1");
        ep.put("kind", "Endpoints");
        ObjectNode meta = ep.putObject("metadata");
        meta.put("name", NAME);
        meta.put("namespace", NAMESPACE);
        meta.putObject("labels").put(SKIP_MIRROR, "true");
        ArrayNode subsets = ep.putArray("subsets");
        for (Map.Entry<Integer, List<String>> group : byPort.entrySet()) {
            ObjectNode subset = subsets.addObject();
            ArrayNode addresses = subset.putArray("addresses");
            group.getValue().forEach(ip -> addresses.addObject().put("ip", ip));
            https(subset.putArray("ports").addObject(), group.getKey());
        }
        return ep;
    }

    static ObjectNode slice(String name, int port, List<String> ips) {
        ObjectNode s = Json.object();
        s.put("apiVersion", "discovery.k8s.io/v1");
        s.put("kind", "EndpointSlice");
        ObjectNode meta = s.putObject("metadata");
        meta.put("name", name);
        meta.put("namespace", NAMESPACE);
        meta.putObject("labels").put(SERVICE_NAME, NAME);
        s.put("addressType", "IPv4");
        ArrayNode endpoints = s.putArray("endpoints");
        for (String ip : ips) {
            ObjectNode ep = endpoints.addObject();
            ep.putArray("addresses").add(ip);
            ep.putObject("conditions").put("ready", true);
        }
        https(s.putArray("ports").addObject(), port);
        return s;
    }

    private static void https(ObjectNode p, int port) {
        p.put("name", "https");
        p.put("port", port);
        p.put("protocol", "TCP");
    }

    private static void put(Store store, ObjectNode want, String... fields) {
        // API servers sharing one etcd start together: another may create or update the object between our read
        // and our write; read again and converge
        for (int attempt = 1; ; attempt++) {
            try {
                putOnce(store, want, fields);
                return;
            } catch (StatusException e) {
                boolean raced = e.reason() == StatusReason.ALREADY_EXISTS || e.reason() == StatusReason.CONFLICT;
                if (!raced || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private static void putOnce(Store store, ObjectNode want, String... fields) {
        String name = Json.text(want.get("metadata"), "name");
        ObjectNode have;
        try {
            have = store.get(NAMESPACE, name);
        } catch (StatusException e) {
            if (e.reason() != StatusReason.NOT_FOUND) {
                throw e;
            }
            store.create(NAMESPACE, want, WriteOptions.defaults());
            LOG.info("created resource={} name={} for the API servers", store.info().resource(), name);
            return;
        }
        JsonNode wantLabels = want.at("/metadata/labels");
        boolean same = wantLabels.equals(have.at("/metadata/labels"));
        for (String f : fields) {
            same &= want.path(f).equals(have.path(f));
        }
        if (same) {
            return;
        }
        ObjectNode next = have.deepCopy();
        ((ObjectNode) next.get("metadata")).set("labels", wantLabels.deepCopy());
        for (String f : fields) {
            next.set(f, want.get(f));
        }
        store.update(NAMESPACE, name, next, null, WriteOptions.defaults());
        LOG.info("reset resource={} name={} to the live API servers {}", store.info().resource(), name,
                want.path(fields[0]));
    }

    /**
     * The address to advertise: the bind address when it is a specific one, else the host's first non-loopback
     * IPv4 address on an interface kube4j did not make (pod bridge, veth). Null when there is none or the server
     * listens on loopback only: Endpoints may not hold loopback addresses (upstream's validation), so then the
     * kubernetes Service has no endpoints.
     */
    public static String advertiseAddress(String bindAddress) {
        if (bindAddress != null && !bindAddress.equals("0.0.0.0") && !bindAddress.equals("::")) {
            return bindAddress.contains(":") || bindAddress.startsWith("127.") ? null : bindAddress;
        }
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                String n = ni.getName();
                if (!ni.isUp() || ni.isLoopback() || n.startsWith("kube4j") || n.startsWith("veth") || n.startsWith("cni")) {
                    continue;
                }
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (Exception e) {
            LOG.debug("no network interfaces", e);
        }
        return null;
    }
}
