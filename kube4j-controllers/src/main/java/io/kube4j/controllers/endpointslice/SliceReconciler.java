package io.kube4j.controllers.endpointslice;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kube4j.controllers.endpoint.Semantic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns the endpoints a service should have (grouped by the ports they serve) and the slices it has into the slices
 * to create, update and delete, with as little churn as upstream's reconciler: an endpoint stays in the slice it is
 * in, a slice is rewritten only when one of its endpoints or its metadata changed, new endpoints first fill slices
 * that are rewritten anyway, then one unchanged slice that has room for all of them, and only then new slices of at
 * most {@code maxEndpoints}. A service with no endpoints at all keeps one empty placeholder slice, as upstream.
 * Shared by the EndpointSlice and mirroring controllers. Pure and thread-safe.
 */
public final class SliceReconciler {
    /** Upstream's default --max-endpoints-per-slice. */
    public static final int MAX_ENDPOINTS = 100;

    private SliceReconciler() {
    }

    /** The endpoints that serve one set of ports. */
    public record Desired(List<EndpointPort> ports, List<Endpoint> endpoints) {
    }

    /** What to write; slices to create have a generateName and no name. */
    public record Plan(List<EndpointSlice> create, List<EndpointSlice> update, List<EndpointSlice> delete) {
        public boolean isEmpty() {
            return create.isEmpty() && update.isEmpty() && delete.isEmpty();
        }
    }

    /**
     * The plan for one address type: {@code existing} are the slices of this controller for the service (any address
     * type: slices of another type are deleted).
     */
    public static Plan reconcile(SliceMeta meta, List<Desired> desired, List<EndpointSlice> existing,
                                 int maxEndpoints, boolean placeholder) {
        Map<String, Desired> wanted = new LinkedHashMap<>();
        for (Desired d : desired) {
            if (!d.endpoints().isEmpty()) {
                wanted.merge(portsKey(d.ports()), d, (a, b) -> {
                    List<Endpoint> all = new ArrayList<>(a.endpoints());
                    all.addAll(b.endpoints());
                    return new Desired(a.ports(), all);
                });
            }
        }
        Map<String, List<EndpointSlice>> have = new LinkedHashMap<>();
        List<EndpointSlice> create = new ArrayList<>();
        List<EndpointSlice> update = new ArrayList<>();
        List<EndpointSlice> delete = new ArrayList<>();
        for (EndpointSlice s : existing) {
            String key = portsKey(s.getPorts());
            if (!Objects.equals(s.getAddressType(), meta.addressType()) || !wanted.containsKey(key)) {
                delete.add(s);
            } else {
                have.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
            }
        }
        for (Map.Entry<String, Desired> e : wanted.entrySet()) {
            reconcilePorts(meta, e.getValue(), have.getOrDefault(e.getKey(), List.of()), maxEndpoints,
                    create, update, delete);
        }
        if (placeholder && existing.size() == delete.size() && create.isEmpty()) {
            EndpointSlice empty = meta.newSlice(List.of(), List.of());
            EndpointSlice kept = delete.size() == 1 && isPlaceholder(delete.getFirst(), meta) ? delete.getFirst() : null;
            if (kept != null) {
                delete.remove(kept);
            } else {
                create.add(empty);
            }
        }
        return new Plan(create, update, delete);
    }

    private static boolean isPlaceholder(EndpointSlice s, SliceMeta meta) {
        return (s.getEndpoints() == null || s.getEndpoints().isEmpty()) && (s.getPorts() == null || s.getPorts().isEmpty())
                && Objects.equals(s.getAddressType(), meta.addressType()) && meta.matches(s);
    }

    private static void reconcilePorts(SliceMeta meta, Desired desired, List<EndpointSlice> slices, int max,
                                       List<EndpointSlice> create, List<EndpointSlice> update,
                                       List<EndpointSlice> delete) {
        Map<String, Endpoint> remaining = new LinkedHashMap<>();
        for (Endpoint ep : desired.endpoints()) {
            remaining.putIfAbsent(endpointKey(ep), ep);
        }
        List<List<Endpoint>> updatedEndpoints = new ArrayList<>();
        List<EndpointSlice> toUpdate = new ArrayList<>();
        List<EndpointSlice> unchanged = new ArrayList<>();
        for (EndpointSlice s : slices) {
            List<Endpoint> kept = new ArrayList<>();
            boolean changed = false;
            for (Endpoint ep : s.getEndpoints() == null ? List.<Endpoint>of() : s.getEndpoints()) {
                Endpoint want = remaining.remove(endpointKey(ep));
                if (want == null) {
                    changed = true;
                } else {
                    changed |= !Semantic.equal(ep, want);
                    kept.add(want);
                }
            }
            if (kept.isEmpty()) {
                delete.add(s);
            } else if (changed || !meta.matches(s) || !Semantic.equal(s.getPorts(), desired.ports())) {
                toUpdate.add(s);
                updatedEndpoints.add(kept);
            } else {
                unchanged.add(s);
            }
        }
        List<Endpoint> left = new ArrayList<>(remaining.values());
        // new endpoints go first into slices rewritten anyway
        for (int i = 0; i < toUpdate.size() && !left.isEmpty(); i++) {
            List<Endpoint> eps = updatedEndpoints.get(i);
            while (eps.size() < max && !left.isEmpty()) {
                eps.add(left.removeFirst());
            }
        }
        // then into the fullest unchanged slice that takes them all, else into new slices
        while (!left.isEmpty()) {
            if (left.size() < max) {
                int need = left.size();
                EndpointSlice fit = unchanged.stream().filter(s -> max - size(s) >= need)
                        .max(Comparator.comparingInt(SliceReconciler::size)).orElse(null);
                if (fit != null) {
                    unchanged.remove(fit);
                    List<Endpoint> eps = new ArrayList<>(fit.getEndpoints());
                    eps.addAll(left);
                    left.clear();
                    toUpdate.add(fit);
                    updatedEndpoints.add(eps);
                    break;
                }
            }
            int n = Math.min(max, left.size());
            create.add(meta.newSlice(desired.ports(), new ArrayList<>(left.subList(0, n))));
            left.subList(0, n).clear();
        }
        for (int i = 0; i < toUpdate.size(); i++) {
            EndpointSlice s = meta.applyTo(toUpdate.get(i), updatedEndpoints.get(i));
            s.setPorts(new ArrayList<>(desired.ports()));
            update.add(s);
        }
    }

    private static int size(EndpointSlice s) {
        return s.getEndpoints() == null ? 0 : s.getEndpoints().size();
    }

    /** Which endpoint this is, whatever its conditions: its addresses and the object behind it. */
    static String endpointKey(Endpoint ep) {
        String ref = ep.getTargetRef() == null ? "" : ep.getTargetRef().getNamespace() + "/"
                + ep.getTargetRef().getName() + "/" + ep.getTargetRef().getUid();
        return ep.getAddresses() + "|" + ref;
    }

    /** The same set of ports, in any order, gives the same key. */
    public static String portsKey(List<EndpointPort> ports) {
        List<String> keys = new ArrayList<>();
        if (ports != null) {
            for (EndpointPort p : ports) {
                keys.add((p.getName() == null ? "" : p.getName()) + "/" + p.getPort() + "/"
                        + (p.getProtocol() == null ? "TCP" : p.getProtocol()) + "/" + p.getAppProtocol());
            }
        }
        keys.sort(null);
        return String.join(",", keys);
    }
}
