package io.kube4j.ingress.routing;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.kube4j.ingress.tls.PemCertificates;
import io.kube4j.ingress.tls.TlsCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Builds a {@link RoutingTable} from the cluster's objects: a pure function of the Ingresses this controller serves,
 * Services, EndpointSlices and TLS Secrets. Conflicts (the same host and path in two Ingresses, two default
 * backends, two certificates for one host) go to the oldest Ingress, as ingress-nginx resolves them. Stateless,
 * thread-safe.
 */
public final class RoutingTableBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(RoutingTableBuilder.class);
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    public static final String TLS_SECRET_TYPE = "kubernetes.io/tls";

    private RoutingTableBuilder() {
    }

    /** Everything the table is built from; {@code ingresses} are already filtered to the ones served. */
    public record Sources(List<Ingress> ingresses, List<Service> services, List<EndpointSlice> slices,
                          List<Secret> secrets) {
    }

    public static RoutingTable build(Sources src) {
        Map<String, Service> services = new HashMap<>();
        for (Service s : src.services()) {
            services.put(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(), s);
        }
        Map<String, List<EndpointSlice>> slices = new HashMap<>();
        for (EndpointSlice s : src.slices()) {
            Map<String, String> labels = s.getMetadata().getLabels();
            String svc = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
            if (svc != null) {
                slices.computeIfAbsent(s.getMetadata().getNamespace() + "/" + svc, k -> new ArrayList<>()).add(s);
            }
        }
        Map<String, Secret> secrets = new HashMap<>();
        for (Secret s : src.secrets()) {
            secrets.put(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(), s);
        }
        List<Ingress> ordered = new ArrayList<>(src.ingresses());
        ordered.sort(Comparator.comparing((Ingress i) -> Objects.requireNonNullElse(
                i.getMetadata().getCreationTimestamp(), "")).thenComparing(i -> i.getMetadata().getNamespace())
                .thenComparing(i -> i.getMetadata().getName()));

        Map<String, Map<String, PathRule>> exact = new LinkedHashMap<>();
        Map<String, Map<String, PathRule>> wildcard = new LinkedHashMap<>();
        Map<String, PathRule> any = new LinkedHashMap<>();
        Backend defaultBackend = null;
        Map<String, TlsCertificate> certs = new HashMap<>();
        for (Ingress ing : ordered) {
            String ns = ing.getMetadata().getNamespace();
            var spec = ing.getSpec();
            if (spec == null) {
                continue;
            }
            if (defaultBackend == null && spec.getDefaultBackend() != null) {
                defaultBackend = backend(ns, spec.getDefaultBackend(), services, slices);
            }
            for (IngressRule rule : Objects.requireNonNullElse(spec.getRules(), List.<IngressRule>of())) {
                if (rule.getHttp() == null || rule.getHttp().getPaths() == null) {
                    continue;
                }
                String host = rule.getHost() == null ? "" : rule.getHost().toLowerCase(Locale.ROOT);
                Map<String, PathRule> target = host.isEmpty() ? any
                        : host.startsWith("*.") ? wildcard.computeIfAbsent(host.substring(1), k -> new LinkedHashMap<>())
                        : exact.computeIfAbsent(host, k -> new LinkedHashMap<>());
                for (HTTPIngressPath p : rule.getHttp().getPaths()) {
                    if (p.getBackend() == null) {
                        continue;
                    }
                    PathRule r = PathRule.of(p.getPath(), p.getPathType(), backend(ns, p.getBackend(), services, slices));
                    target.putIfAbsent((r.exact() ? "=" : "^") + r.path(), r);
                }
            }
            for (IngressTLS tls : Objects.requireNonNullElse(spec.getTls(), List.<IngressTLS>of())) {
                TlsCertificate cert = certificate(ns, tls.getSecretName(), secrets);
                if (cert == null || tls.getHosts() == null) {
                    continue;
                }
                for (String h : tls.getHosts()) {
                    certs.putIfAbsent(h.toLowerCase(Locale.ROOT), cert);
                }
            }
        }
        Map<String, List<PathRule>> exactSorted = new HashMap<>();
        exact.forEach((h, rules) -> exactSorted.put(h, longestFirst(rules.values())));
        Map<String, List<PathRule>> wildcardSorted = new HashMap<>();
        wildcard.forEach((h, rules) -> wildcardSorted.put(h, longestFirst(rules.values())));
        return new RoutingTable(exactSorted, wildcardSorted, longestFirst(any.values()), defaultBackend, certs);
    }

    private static List<PathRule> longestFirst(java.util.Collection<PathRule> rules) {
        List<PathRule> out = new ArrayList<>(rules);
        out.sort(Comparator.comparingInt((PathRule r) -> r.path().length()).reversed()
                .thenComparing(r -> !r.exact()));
        return List.copyOf(out);
    }

    private static Backend backend(String ns, IngressBackend b, Map<String, Service> services,
                                   Map<String, List<EndpointSlice>> slices) {
        IngressServiceBackend sb = b.getService();
        if (sb == null) {
            return new Backend(ns + "/<resource>", List.of());
        }
        var port = sb.getPort();
        String label = ns + "/" + sb.getName() + ":" + (port == null ? "" : port.getName() != null
                ? port.getName() : String.valueOf(port.getNumber()));
        Service svc = services.get(ns + "/" + sb.getName());
        if (svc == null || svc.getSpec() == null || svc.getSpec().getPorts() == null || port == null) {
            return new Backend(label, List.of());
        }
        ServicePort sp = null;
        for (ServicePort p : svc.getSpec().getPorts()) {
            boolean byName = port.getName() != null && !port.getName().isEmpty() && port.getName().equals(p.getName());
            boolean byNumber = port.getNumber() != null && port.getNumber().equals(p.getPort());
            if (byName || byNumber) {
                sp = p;
                break;
            }
        }
        if (sp == null) {
            return new Backend(label, List.of());
        }
        String portName = Objects.requireNonNullElse(sp.getName(), "");
        TreeSet<String> seen = new TreeSet<>();
        List<Endpoint> eps = new ArrayList<>();
        for (EndpointSlice slice : slices.getOrDefault(ns + "/" + sb.getName(), List.of())) {
            if (slice.getPorts() == null || slice.getEndpoints() == null
                    || (slice.getAddressType() != null && !slice.getAddressType().equals("IPv4"))) {
                continue;
            }
            for (EndpointPort ep : slice.getPorts()) {
                if (!portName.equals(Objects.requireNonNullElse(ep.getName(), "")) || ep.getPort() == null
                        || (ep.getProtocol() != null && !ep.getProtocol().equals("TCP"))) {
                    continue;
                }
                for (var e : slice.getEndpoints()) {
                    // ready unset means ready, as upstream reads it
                    if (e.getConditions() != null && Boolean.FALSE.equals(e.getConditions().getReady())) {
                        continue;
                    }
                    for (String addr : Objects.requireNonNullElse(e.getAddresses(), List.<String>of())) {
                        if (seen.add(addr + ":" + ep.getPort())) {
                            eps.add(new Endpoint(addr, ep.getPort()));
                        }
                    }
                }
            }
        }
        eps.sort(Comparator.comparing(Endpoint::ip).thenComparingInt(Endpoint::port));
        return new Backend(label, eps);
    }

    private static TlsCertificate certificate(String ns, String name, Map<String, Secret> secrets) {
        if (name == null) {
            return null;
        }
        Secret s = secrets.get(ns + "/" + name);
        if (s == null || !TLS_SECRET_TYPE.equals(s.getType()) || s.getData() == null
                || s.getData().get("tls.crt") == null || s.getData().get("tls.key") == null) {
            return null;
        }
        try {
            Base64.Decoder d = Base64.getDecoder();
            return PemCertificates.parse(ns + "/" + name,
                    new String(d.decode(s.getData().get("tls.crt")), StandardCharsets.US_ASCII),
                    new String(d.decode(s.getData().get("tls.key")), StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            LOG.warn("secret={}/{} unusable as a TLS certificate: {}", ns, name, e.getMessage());
            return null;
        }
    }
}
