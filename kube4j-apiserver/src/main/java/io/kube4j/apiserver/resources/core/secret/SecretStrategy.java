package io.kube4j.apiserver.resources.core.secret;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.validation.core.ConfigDataValidation;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Secrets: type Opaque by default, {@code stringData} folded into {@code data} (as upstream's v1
 * conversion does), base64 checked as upstream's decoder does, and upstream's validation.
 * Stateless and thread-safe.
 */
public final class SecretStrategy implements Strategy {
    @Override
    public void applyDefaults(ObjectNode obj) {
        JsonNode data = obj.get("data");
        if (data != null && data.isObject()) {
            for (var it = data.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getValue().isNull()) {
                    continue;
                }
                int at = ConfigDataValidation.illegalBase64At(e.getValue().asText());
                if (at >= 0) {
                    throw StatusException.badRequest("Secret in version \"v1\" cannot be handled as a Secret: "
                            + "illegal base64 data at input byte " + at);
                }
            }
        }
        JsonNode stringData = obj.remove("stringData");
        if (stringData != null && stringData.isObject() && !stringData.isEmpty()) {
            ObjectNode target = Json.with(obj, "data");
            for (var it = stringData.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                target.put(e.getKey(), Base64.getEncoder().encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8)));
            }
        }
        String type = Json.text(obj, "type");
        if (type == null || type.isEmpty()) {
            obj.put("type", "Opaque");
        }
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return ConfigDataValidation.validateSecret(obj);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
        return ConfigDataValidation.validateSecretUpdate(obj, old);
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode obj) {
        return Map.of("type", obj.path("type").asText(""));
    }
}
