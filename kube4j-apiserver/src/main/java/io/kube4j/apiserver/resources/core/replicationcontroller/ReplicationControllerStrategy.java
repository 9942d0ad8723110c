package io.kube4j.apiserver.resources.core.replicationcontroller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.SpecStatusStrategy;

import io.kube4j.apiserver.validation.core.ObjectValidation;
import io.kube4j.apiserver.validation.core.PodSpecDefaults;

import java.util.List;
import java.util.Map;

/**
 * ReplicationControllers: selector and labels defaulted from the template's labels, one replica
 * by default, pod template defaults, generation tracking, status subresource, and upstream's
 * validation. Stateless and thread-safe.
 */
public final class ReplicationControllerStrategy implements SpecStatusStrategy {
    @Override
    public void applyDefaults(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        JsonNode template = spec.get("template");
        if (template instanceof ObjectNode t) {
            JsonNode labels = Json.at(t, "metadata", "labels");
            if (labels != null && labels.isObject()) {
                if (spec.path("selector").size() == 0) {
                    spec.set("selector", labels.deepCopy());
                }
                ObjectNode meta = Json.with(obj, "metadata");
                if (meta.path("labels").size() == 0) {
                    meta.set("labels", labels.deepCopy());
                }
            }
            PodSpecDefaults.applyPodTemplate(t);
        }
        if (!spec.hasNonNull("replicas")) {
            spec.put("replicas", 1);
        }
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.remove("status");
        obj.putObject("status").put("replicas", 0);
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return ObjectValidation.validateReplicationController(obj);
    }

    @Override
    public List<FieldError> validateSubresourceUpdate(String subresource, ObjectNode obj, ObjectNode old) {
        return "status".equals(subresource) ? ObjectValidation.validateReplicationControllerStatus(obj) : validate(obj);
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode obj) {
        return Map.of("status.replicas", Long.toString(obj.path("status").path("replicas").asLong(0)));
    }
}
