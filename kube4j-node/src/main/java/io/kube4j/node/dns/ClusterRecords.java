package io.kube4j.node.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Services and EndpointSlices DNS answers from, indexed by service name. Fed by informer handlers
 * ({@link ClusterDns}) or directly by tests; read by {@link ClusterDnsResolver} on every query. Objects are kept as
 * given (never changed). Thread-safe: one writer (the informers) and many readers.
 */
public final class ClusterRecords {
    private final Map<String, Service> services = new ConcurrentHashMap<>();
    /** namespace/service -> slice name -> slice. */
    private final Map<String, Map<String, EndpointSlice>> slices = new ConcurrentHashMap<>();
    /** namespace/slice -> namespace/service it was filed under. */
    private final Map<String, String> sliceOwners = new ConcurrentHashMap<>();

    private static String key(String namespace, String name) {
        return namespace.toLowerCase(Locale.ROOT) + "/" + name.toLowerCase(Locale.ROOT);
    }

    public void putService(Service s) {
        services.put(key(s.getMetadata().getNamespace(), s.getMetadata().getName()), s);
    }

    public void removeService(Service s) {
        services.remove(key(s.getMetadata().getNamespace(), s.getMetadata().getName()));
    }

    public void putSlice(EndpointSlice slice) {
        String svc = serviceName(slice);
        // A slice may be relabelled to another service: drop it from wherever it was first.
        removeSlice(slice);
        if (svc != null) {
            String owner = key(slice.getMetadata().getNamespace(), svc);
            slices.computeIfAbsent(owner, k -> new ConcurrentHashMap<>()).put(slice.getMetadata().getName(), slice);
            sliceOwners.put(key(slice.getMetadata().getNamespace(), slice.getMetadata().getName()), owner);
        }
    }

    public void removeSlice(EndpointSlice slice) {
        String owner = sliceOwners.remove(key(slice.getMetadata().getNamespace(), slice.getMetadata().getName()));
        if (owner != null) {
            slices.computeIfPresent(owner, (k, m) -> {
                m.remove(slice.getMetadata().getName());
                return m.isEmpty() ? null : m;
            });
        }
    }

    private static String serviceName(EndpointSlice slice) {
        Map<String, String> labels = slice.getMetadata().getLabels();
        return labels == null ? null : labels.get("kubernetes.io/service-name");
    }

    /** The service, or null; names compare case-insensitively as the DNS schema asks. */
    public Service service(String namespace, String name) {
        return services.get(key(namespace, name));
    }

    /** The slices of one service (may be empty). */
    public Collection<EndpointSlice> slices(String namespace, String service) {
        Map<String, EndpointSlice> m = slices.get(key(namespace, service));
        return m == null ? List.of() : List.copyOf(m.values());
    }

    public boolean hasNamespace(String namespace) {
        String prefix = namespace.toLowerCase(Locale.ROOT) + "/";
        return services.keySet().stream().anyMatch(k -> k.startsWith(prefix));
    }

    public List<Service> services() {
        return new ArrayList<>(services.values());
    }
}
