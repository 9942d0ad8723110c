package io.kube4j.apiserver.resources.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.validation.core.ObjectValidation;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * core/v1 Events: upstream's legacy validation and its field selectors (involvedObject.*,
 * reason, reportingComponent, source, type). Expiry after one hour is wired by the server, not
 * here. Stateless and thread-safe.
 */
public final class EventStrategy implements Strategy {
    /** How long events live, as upstream's default --event-ttl. */
    public static final java.time.Duration TTL = java.time.Duration.ofHours(1);

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return ObjectValidation.validateEvent(obj);
    }

    @Override
    public boolean allowCreateOnUpdate() {
        return true;
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode obj) {
        JsonNode io = obj.path("involvedObject");
        Map<String, String> f = new HashMap<>();
        for (String k : List.of("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")) {
            f.put("involvedObject." + k, io.path(k).asText(""));
        }
        f.put("reason", obj.path("reason").asText(""));
        String controller = obj.path("reportingComponent").asText("");
        f.put("reportingComponent", controller);
        String source = obj.path("source").path("component").asText("");
        f.put("source", source.isEmpty() ? controller : source);
        f.put("type", obj.path("type").asText(""));
        return f;
    }
}
