package io.kube4j.apiserver.resources.core.limitrange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.validation.core.ObjectValidation;

import java.util.List;

/**
 * LimitRanges: Container limits default their default limit from max and their default request
 * from the default limit, then min (upstream's SetDefaults_LimitRangeItem); upstream's
 * validation. Stateless and thread-safe.
 */
public final class LimitRangeStrategy implements Strategy {
    @Override
    public void applyDefaults(ObjectNode obj) {
        for (JsonNode l : obj.path("spec").path("limits")) {
            if (!(l instanceof ObjectNode limit) || !"Container".equals(Json.text(limit, "type"))) {
                continue;
            }
            ObjectNode def = Json.with(limit, "default");
            ObjectNode defReq = Json.with(limit, "defaultRequest");
            limit.path("max").fields().forEachRemaining(e -> {
                if (!def.has(e.getKey())) {
                    def.set(e.getKey(), e.getValue().deepCopy());
                }
            });
            def.fields().forEachRemaining(e -> {
                if (!defReq.has(e.getKey())) {
                    defReq.set(e.getKey(), e.getValue().deepCopy());
                }
            });
            limit.path("min").fields().forEachRemaining(e -> {
                if (!defReq.has(e.getKey())) {
                    defReq.set(e.getKey(), e.getValue().deepCopy());
                }
            });
        }
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return ObjectValidation.validateLimitRange(obj);
    }
}
