package io.kube4j.apiserver.resources.core.endpoints;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.errors.StatusReason;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.registry.Store;
import io.kube4j.apiserver.registry.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;

/**
 * The backends of the {@code default/kubernetes} Service, written by the API server itself at start as upstream's
 * endpoint reconciler does: Endpoints {@code kubernetes} (labelled skip-mirror, so the mirroring controller leaves
 * them alone) and EndpointSlice {@code kubernetes} (no managed-by label, so the EndpointSlice controller leaves it
 * alone), both with the advertised address and secure port, port name {@code https}. Rewritten only when the address
 * or port changed. Called once by ClusterBootstrap; not thread-safe (single caller).
 */
public final class ApiServerEndpoints {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServerEndpoints.class);
    static final String NAME = "kubernetes";
    static final String NAMESPACE = "default";

    private ApiServerEndpoints() {
    }

    /** Writes (or refreshes) the Endpoints and the EndpointSlice. */
    public static void reconcile(Store endpoints, Store slices, String ip, int port) {
        if (ip == null) {
            LOG.info("no non-loopback address to advertise: the kubernetes Service gets no endpoints");
            return;
        }
        put(endpoints, endpoints(ip, port), "subsets");
        put(slices, slice(ip, port), "endpoints", "ports", "addressType");
    }

    static ObjectNode endpoints(String ip, int port) {
        ObjectNode ep = Json.object();
        ep.put("apiVersion", "v1");
        ep.put("kind", "Endpoints");
        ObjectNode meta = ep.putObject("metadata");
        meta.put("name", NAME);
        meta.put("namespace", NAMESPACE);
        meta.putObject("labels").put("endpointslice.kubernetes.io/skip-mirror", "true");
        ObjectNode subset = ep.putArray("subsets").addObject();
        subset.putArray("addresses").addObject().put("ip", ip);
        https(subset.putArray("ports").addObject(), port);
        return ep;
    }

    static ObjectNode slice(String ip, int port) {
        ObjectNode s = Json.object();
        s.put("apiVersion", "discovery.k8s.io/v1");
        s.put("kind", "EndpointSlice");
        ObjectNode meta = s.putObject("metadata");
        meta.put("name", NAME);
        meta.put("namespace", NAMESPACE);
        meta.putObject("labels").put("kubernetes.io/service-name", NAME);
        s.put("addressType", "IPv4");
        ObjectNode ep = s.putArray("endpoints").addObject();
        ep.putArray("addresses").add(ip);
        ep.putObject("conditions").put("ready", true);
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
        ObjectNode have;
        try {
            have = store.get(NAMESPACE, NAME);
        } catch (StatusException e) {
            if (e.reason() != StatusReason.NOT_FOUND) {
                throw e;
            }
            store.create(NAMESPACE, want, WriteOptions.defaults());
            LOG.info("bootstrap created resource={} name={}", store.info().resource(), NAME);
            return;
        }
        boolean same = true;
        for (String f : fields) {
            same &= want.path(f).equals(have.path(f));
        }
        if (same) {
            return;
        }
        ObjectNode next = have.deepCopy();
        for (String f : fields) {
            next.set(f, want.get(f));
        }
        store.update(NAMESPACE, NAME, next, null, WriteOptions.defaults());
        LOG.info("bootstrap updated resource={} name={}", store.info().resource(), NAME);
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
