package io.kube4j.apiserver.resources.core.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.validation.core.ObjectValidation;

import java.util.List;

/** Endpoints: port protocol TCP by default, addresses and ports validated. Stateless and thread-safe. */
public final class EndpointsStrategy implements Strategy {
    @Override
    public void applyDefaults(ObjectNode obj) {
        for (JsonNode ss : obj.path("subsets")) {
            for (JsonNode p : ss.path("ports")) {
                if (p instanceof ObjectNode port && port.path("protocol").asText("").isEmpty()) {
                    port.put("protocol", "TCP");
                }
            }
        }
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return ObjectValidation.validateEndpoints(obj);
    }
}
