package io.kube4j.controllers.endpointslice;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.kube4j.controllers.endpoint.Semantic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What every slice a controller keeps for one service carries: namespace, name prefix ({@code generateName}),
 * labels, annotations (null: left as they are), the controller reference to the Service, and the address type.
 * Used by {@link SliceReconciler} to make new slices and to notice existing ones whose metadata drifted. Immutable.
 */
public record SliceMeta(String namespace, String generateName, Map<String, String> labels,
                        Map<String, String> annotations, OwnerReference owner, String addressType) {
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    public static final String MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
    public static final String HEADLESS_LABEL = "service.kubernetes.io/headless";

    /** The controller reference upstream puts on the slices of a service. */
    public static OwnerReference ownerOf(Service svc) {
        return new OwnerReferenceBuilder().withApiVersion("v1").withKind("Service")
                .withName(svc.getMetadata().getName()).withUid(svc.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build();
    }

    /**
     * Upstream's slice name prefix: {@code <service>-}, cut so that the generated name (5 more characters) stays a
     * valid 253-character DNS subdomain.
     */
    public static String prefix(String name) {
        String p = name + "-";
        return p.length() > 248 ? p.substring(0, 248) : p;
    }

    /** The labels of a slice owned by {@code managedBy}: the source's labels plus service name and manager. */
    public static Map<String, String> labels(Map<String, String> source, String serviceName, String managedBy,
                                             boolean headless) {
        Map<String, String> labels = new TreeMap<>();
        if (source != null) {
            labels.putAll(source);
        }
        labels.remove(HEADLESS_LABEL);
        if (headless) {
            labels.put(HEADLESS_LABEL, "");
        }
        labels.put(SERVICE_NAME_LABEL, serviceName);
        labels.put(MANAGED_BY_LABEL, managedBy);
        return labels;
    }

    EndpointSlice newSlice(List<EndpointPort> ports, List<Endpoint> endpoints) {
        ObjectMeta meta = new ObjectMeta();
        meta.setNamespace(namespace);
        meta.setGenerateName(generateName);
        meta.setLabels(new TreeMap<>(labels));
        if (annotations != null && !annotations.isEmpty()) {
            meta.setAnnotations(new TreeMap<>(annotations));
        }
        meta.setOwnerReferences(owner == null ? null : List.of(owner));
        return new EndpointSliceBuilder().withMetadata(meta).withAddressType(addressType)
                .withEndpoints(new ArrayList<>(endpoints)).withPorts(new ArrayList<>(ports)).build();
    }

    /** True when the slice carries this metadata already. */
    boolean matches(EndpointSlice slice) {
        ObjectMeta m = slice.getMetadata();
        if (!Semantic.equal(m.getLabels(), labels)) {
            return false;
        }
        if (annotations != null && !Semantic.equal(m.getAnnotations(), annotations)) {
            return false;
        }
        return owner == null || (m.getOwnerReferences() != null && m.getOwnerReferences().stream()
                .anyMatch(r -> Objects.equals(r.getUid(), owner.getUid()) && Boolean.TRUE.equals(r.getController())));
    }

    /** A copy of the slice with this metadata and the given endpoints (name, uid, resourceVersion kept). */
    EndpointSlice applyTo(EndpointSlice slice, List<Endpoint> endpoints) {
        EndpointSlice copy = new EndpointSliceBuilder(slice).build();
        ObjectMeta m = new ObjectMeta();
        ObjectMeta old = slice.getMetadata();
        m.setName(old.getName());
        m.setNamespace(old.getNamespace());
        m.setGenerateName(old.getGenerateName());
        m.setUid(old.getUid());
        m.setResourceVersion(old.getResourceVersion());
        m.setCreationTimestamp(old.getCreationTimestamp());
        m.setFinalizers(old.getFinalizers());
        m.setLabels(new TreeMap<>(labels));
        m.setAnnotations(annotations == null ? old.getAnnotations()
                : annotations.isEmpty() ? null : new TreeMap<>(annotations));
        List<OwnerReference> owners = new ArrayList<>();
        if (owner != null) {
            owners.add(owner);
        }
        if (old.getOwnerReferences() != null) {
            for (OwnerReference r : old.getOwnerReferences()) {
                if (owner == null || !Objects.equals(r.getUid(), owner.getUid())) {
                    owners.add(r);
                }
            }
        }
        m.setOwnerReferences(owners.isEmpty() ? null : owners);
        copy.setMetadata(m);
        copy.setEndpoints(new ArrayList<>(endpoints));
        return copy;
    }
}
