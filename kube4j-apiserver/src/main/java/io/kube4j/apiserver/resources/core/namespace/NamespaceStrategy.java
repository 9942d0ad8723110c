package io.kube4j.apiserver.resources.core.namespace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;
import io.kube4j.apiserver.registry.Strategy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Namespaces: phase Active on create, the {@code kubernetes} finalizer in {@code spec.finalizers},
 * the {@code kubernetes.io/metadata.name} label, and a delete that only marks them Terminating until
 * their content is gone.
 */
public final class NamespaceStrategy implements Strategy {
    public static final String FINALIZER = "kubernetes";
    public static final String NAME_LABEL = "kubernetes.io/metadata.name";

    @Override
    public void applyDefaults(ObjectNode obj) {
        ObjectNode meta = Json.with(obj, "metadata");
        String name = Json.text(meta, "name");
        if (name != null && !name.isEmpty()) {
            Json.with(meta, "labels").put(NAME_LABEL, name);
        }
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.remove("status");
        Json.with(obj, "status").put("phase", "Active");
        ObjectNode spec = Json.with(obj, "spec");
        ArrayNode fin = spec.putArray("finalizers");
        fin.add(FINALIZER);
        String name = Json.text(obj.get("metadata"), "name");
        if (name != null) {
            Json.with(Json.with(obj, "metadata"), "labels").put(NAME_LABEL, name);
        }
    }

    @Override
    public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
        // spec.finalizers changes only through the finalize subresource
        JsonNode fin = Json.at(old, "spec", "finalizers");
        if (fin == null) {
            Json.with(obj, "spec").remove("finalizers");
        } else {
            Json.with(obj, "spec").set("finalizers", fin.deepCopy());
        }
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode fin = Json.at(obj, "spec", "finalizers");
        if (fin != null && fin.isArray()) {
            int i = 0;
            for (JsonNode f : fin) {
                String v = f.asText();
                if (!v.equals(FINALIZER) && !v.contains("/")) {
                    errs.add(FieldError.invalid(FieldPath.of("spec", "finalizers").index(i), v,
                            "name is neither a standard finalizer name nor is it fully qualified"));
                }
                i++;
            }
        }
        return errs;
    }

    @Override
    public boolean hasStatusSubresource() {
        return true;
    }

    @Override
    public boolean blocksDeletion(ObjectNode obj) {
        JsonNode fin = Json.at(obj, "spec", "finalizers");
        return fin != null && fin.isArray() && !fin.isEmpty();
    }

    @Override
    public void prepareForGracefulDelete(ObjectNode obj) {
        Json.with(obj, "status").put("phase", "Terminating");
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode obj) {
        JsonNode phase = Json.at(obj, "status", "phase");
        return Map.of("status.phase", phase == null ? "" : phase.asText());
    }

    @Override
    public NameRule nameRule() {
        return NameRule.DNS1123_LABEL;
    }
}
