package io.kube4j.apiserver.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.errors.StatusReason;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.registry.Store;
import io.kube4j.apiserver.registry.WriteOptions;
import io.kube4j.apiserver.resources.coordination.lease.ApiServerIdentityLease;
import io.kube4j.apiserver.resources.core.endpoints.ApiServerEndpointReconciler;
import io.kube4j.apiserver.resources.core.endpoints.ApiServerEndpoints;
import io.kube4j.apiserver.resources.core.endpoints.MasterLeases;
import io.kube4j.apiserver.resources.core.event.EventExpiry;
import io.kube4j.apiserver.resources.core.event.EventStrategy;
import io.kube4j.apiserver.resources.core.namespace.NamespaceFinalizer;
import io.kube4j.apiserver.server.ApiServerOptions;
import io.kube4j.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Makes a fresh store a cluster: the system namespaces and the {@code kubernetes} service in
 * {@code default}; then keeps the namespace finalizer, the event TTL, the kubernetes service's endpoints (every live
 * API server) and this server's identity Lease running. Idempotent across restarts.
 */
public final class ClusterBootstrap implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterBootstrap.class);
    public static final List<String> SYSTEM_NAMESPACES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

    private final Registry registry;
    private final ApiServerOptions options;
    private final Storage storage;
    private NamespaceFinalizer finalizer;
    private ApiServerEndpointReconciler endpointReconciler;
    private ApiServerIdentityLease identityLease;
    private EventExpiry eventExpiry;

    /** {@code storage} is the store the registry writes to: it also keeps the live API servers' records. */
    public ClusterBootstrap(Registry registry, ApiServerOptions options, Storage storage) {
        this.registry = registry;
        this.options = options;
        this.storage = storage;
    }

    public void run() {
        Store namespaces = registry.store("", "namespaces");
        for (String ns : SYSTEM_NAMESPACES) {
            ObjectNode o = Json.object();
            o.put("apiVersion", "v1");
            o.put("kind", "Namespace");
            o.putObject("metadata").put("name", ns);
            createIfMissing(namespaces, null, o);
        }
        ObjectNode svc = Json.object();
        svc.put("apiVersion", "v1");
        svc.put("kind", "Service");
        ObjectNode meta = svc.putObject("metadata");
        meta.put("name", "kubernetes");
        meta.put("namespace", "default");
        ObjectNode labels = meta.putObject("labels");
        labels.put("component", "apiserver");
        labels.put("provider", "kubernetes");
        ObjectNode spec = svc.putObject("spec");
        spec.put("type", "ClusterIP");
        spec.put("clusterIP", firstServiceIp(options.serviceCidr()));
        spec.putArray("clusterIPs").add(firstServiceIp(options.serviceCidr()));
        spec.put("sessionAffinity", "None");
        ObjectNode port = spec.putArray("ports").addObject();
        port.put("name", "https");
        port.put("port", 443);
        port.put("protocol", "TCP");
        port.put("targetPort", options.port() == 0 ? 6443 : options.port());
        createIfMissing(registry.store("", "services"), "default", svc);
        startApiServerLeases();
        finalizer = new NamespaceFinalizer(registry);
        finalizer.start();
        eventExpiry = new EventExpiry(registry.store("", "events"), options.clock(), EventStrategy.TTL);
        eventExpiry.start();
    }

    /**
     * This server in the kubernetes service's endpoints (with every other live one) and its identity Lease. With
     * no address to advertise (loopback only) the service gets no endpoints from this server.
     */
    private void startApiServerLeases() {
        String ip = options.advertiseAddress() != null ? options.advertiseAddress()
                : ApiServerEndpoints.advertiseAddress(options.bindAddress());
        if (ip == null) {
            LOG.info("no non-loopback address to advertise: the kubernetes service gets no endpoints from this server");
        } else {
            endpointReconciler = new ApiServerEndpointReconciler(
                    new MasterLeases(storage, options.clock(), ApiServerEndpointReconciler.TTL),
                    new MasterLeases.Lease(ip, options.port() == 0 ? 6443 : options.port()),
                    registry.store("", "endpoints"), registry.store("discovery.k8s.io", "endpointslices"));
            endpointReconciler.start();
        }
        identityLease = new ApiServerIdentityLease(registry.store("coordination.k8s.io", "leases"), options.clock(),
                hostname());
        identityLease.start();
    }

    private static String hostname() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    private static void createIfMissing(Store store, String ns, ObjectNode obj) {
        try {
            store.create(ns, obj, WriteOptions.defaults());
            LOG.info("bootstrap created resource={} name={}", store.info().resource(), Json.text(obj.get("metadata"), "name"));
        } catch (StatusException e) {
            if (e.reason() != StatusReason.ALREADY_EXISTS) {
                throw e;
            }
        }
    }

    /** The first usable address of an IPv4 CIDR: 10.43.0.0/16 gives 10.43.0.1. */
    public static String firstServiceIp(String cidr) {
        String base = cidr.substring(0, cidr.indexOf('/'));
        String[] o = base.split("\\.");
        long v = (Long.parseLong(o[0]) << 24) | (Long.parseLong(o[1]) << 16) | (Long.parseLong(o[2]) << 8) | Long.parseLong(o[3]);
        v += 1;
        return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
    }

    @Override
    public void close() {
        if (endpointReconciler != null) {
            endpointReconciler.close();
        }
        if (identityLease != null) {
            identityLease.close();
        }
        if (finalizer != null) {
            finalizer.close();
        }
        if (eventExpiry != null) {
            eventExpiry.close();
        }
    }
}
