package io.kube4j.node.proxy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

/**
 * Turns Services and EndpointSlices (as the informers hold them) into {@link ServicePortEndpoints}: one entry per
 * proxied service port, sorted, with the endpoints of every slice labelled {@code kubernetes.io/service-name} for
 * that service whose port has the same name and protocol. Headless, ExternalName and IPv6-only services are not
 * proxied; IPv6 slices are ignored. Pure; thread-safe.
 */
public final class ServicePorts {

    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private ServicePorts() {
    }

    /** The proxied service ports, sorted by namespace, name, port name and protocol. */
    public static List<ServicePortEndpoints> from(Collection<Service> services, Collection<EndpointSlice> slices) {
        Map<String, List<EndpointSlice>> slicesByService = new HashMap<>();
        for (EndpointSlice slice : slices) {
            var labels = slice.getMetadata().getLabels();
            String svc = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
            if (svc != null && "IPv4".equals(slice.getAddressType())) {
                slicesByService.computeIfAbsent(slice.getMetadata().getNamespace() + "/" + svc, k -> new ArrayList<>())
                        .add(slice);
            }
        }
        List<ServicePortEndpoints> out = new ArrayList<>();
        for (Service svc : services) {
            var spec = svc.getSpec();
            if (spec == null || spec.getPorts() == null || "ExternalName".equals(spec.getType())) {
                continue;
            }
            String clusterIp = spec.getClusterIP();
            if (clusterIp == null || clusterIp.isEmpty() || "None".equals(clusterIp) || clusterIp.contains(":")) {
                continue;
            }
            String ns = svc.getMetadata().getNamespace();
            String name = svc.getMetadata().getName();
            List<String> externalIps = ipv4(spec.getExternalIPs());
            List<String> lbIps = new ArrayList<>();
            if (svc.getStatus() != null && svc.getStatus().getLoadBalancer() != null
                    && svc.getStatus().getLoadBalancer().getIngress() != null) {
                for (LoadBalancerIngress ing : svc.getStatus().getLoadBalancer().getIngress()) {
                    // ipMode Proxy means the LB delivers to the node itself; only VIP mode is served here
                    if (ing.getIp() != null && !ing.getIp().contains(":") && !"Proxy".equals(ing.getIpMode())) {
                        lbIps.add(ing.getIp());
                    }
                }
            }
            int affinity = 0;
            if ("ClientIP".equals(spec.getSessionAffinity())) {
                affinity = 10800;
                var cfg = spec.getSessionAffinityConfig();
                if (cfg != null && cfg.getClientIP() != null && cfg.getClientIP().getTimeoutSeconds() != null) {
                    affinity = cfg.getClientIP().getTimeoutSeconds();
                }
            }
            boolean external = !externalIps.isEmpty() || !lbIps.isEmpty()
                    || "NodePort".equals(spec.getType()) || "LoadBalancer".equals(spec.getType());
            boolean internalLocal = "Local".equals(spec.getInternalTrafficPolicy());
            boolean externalLocal = external && "Local".equals(spec.getExternalTrafficPolicy());
            List<EndpointSlice> own = slicesByService.getOrDefault(ns + "/" + name, List.of());
            for (ServicePort p : spec.getPorts()) {
                String protocol = p.getProtocol() == null ? "tcp" : p.getProtocol().toLowerCase(Locale.ROOT);
                if (!protocol.equals("tcp") && !protocol.equals("udp") && !protocol.equals("sctp")) {
                    continue;
                }
                int nodePort = p.getNodePort() == null ? 0 : p.getNodePort();
                ServicePortInfo info = new ServicePortInfo(ns, name, p.getName(), protocol, clusterIp, p.getPort(),
                        nodePort, externalIps, lbIps, affinity, internalLocal, externalLocal);
                out.add(new ServicePortEndpoints(info, endpoints(own, info)));
            }
        }
        out.sort(Comparator.comparing((ServicePortEndpoints e) -> e.port().namespace())
                .thenComparing(e -> e.port().name()).thenComparing(e -> e.port().portName())
                .thenComparing(e -> e.port().protocol()));
        return out;
    }

    /** The endpoints of {@code port} in {@code slices}, one per address:port (a ready copy wins), sorted by address. */
    static List<EndpointInfo> endpoints(List<EndpointSlice> slices, ServicePortInfo port) {
        Map<String, EndpointInfo> byAddress = new LinkedHashMap<>();
        for (EndpointSlice slice : slices) {
            if (slice.getPorts() == null || slice.getEndpoints() == null) {
                continue;
            }
            for (EndpointPort ep : slice.getPorts()) {
                String epName = ep.getName() == null ? "" : ep.getName();
                String epProto = ep.getProtocol() == null ? "tcp" : ep.getProtocol().toLowerCase(Locale.ROOT);
                if (!epName.equals(port.portName()) || !epProto.equals(port.protocol()) || ep.getPort() == null) {
                    continue;
                }
                for (Endpoint e : slice.getEndpoints()) {
                    if (e.getAddresses() == null || e.getAddresses().isEmpty()) {
                        continue;
                    }
                    EndpointConditions c = e.getConditions();
                    boolean ready = c == null || c.getReady() == null || c.getReady();
                    boolean serving = c == null || c.getServing() == null ? ready : c.getServing();
                    boolean terminating = c != null && c.getTerminating() != null && c.getTerminating();
                    EndpointInfo info = new EndpointInfo(e.getAddresses().getFirst(), ep.getPort(), ready, serving,
                            terminating, e.getNodeName());
                    byAddress.merge(info.address(), info, (a, b) -> a.ready() ? a : b);
                }
            }
        }
        List<EndpointInfo> list = new ArrayList<>(byAddress.values());
        list.sort(Comparator.comparing(EndpointInfo::address));
        return list;
    }

    private static List<String> ipv4(List<String> ips) {
        return ips == null ? List.of() : ips.stream().filter(ip -> !ip.contains(":")).toList();
    }
}
