package io.kube4j.apiserver.resources.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.registry.AdmissionPlugin;
import io.kube4j.apiserver.registry.ResourceInfo;

/**
 * Upstream's StorageObjectInUseProtection admission: every new PersistentVolumeClaim gets the finalizer
 * {@value #PVC_FINALIZER} and every new PersistentVolume {@value #PV_FINALIZER}, so that deleting one that a pod or a
 * claim still uses only marks it (Terminating) until the pvc-protection or pv-protection controller lets it go.
 * Called by every Store on writes; stateless and thread-safe.
 */
public final class StorageObjectInUseProtection implements AdmissionPlugin {
    public static final String PVC_FINALIZER = "kubernetes.io/pvc-protection";
    public static final String PV_FINALIZER = "kubernetes.io/pv-protection";

    @Override
    public void admit(Operation operation, ResourceInfo resource, String namespace, ObjectNode obj, ObjectNode old) {
        if (operation != Operation.CREATE || !resource.group().isEmpty()) {
            return;
        }
        String finalizer = switch (resource.resource()) {
            case "persistentvolumeclaims" -> PVC_FINALIZER;
            case "persistentvolumes" -> PV_FINALIZER;
            default -> null;
        };
        if (finalizer == null) {
            return;
        }
        ObjectNode meta = Json.with(obj, "metadata");
        JsonNode existing = meta.get("finalizers");
        if (existing instanceof ArrayNode list) {
            for (JsonNode f : list) {
                if (finalizer.equals(f.asText())) {
                    return;
                }
            }
            list.add(finalizer);
        } else {
            meta.putArray("finalizers").add(finalizer);
        }
    }
}
