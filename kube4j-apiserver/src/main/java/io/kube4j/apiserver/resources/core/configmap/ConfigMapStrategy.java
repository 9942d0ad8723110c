package io.kube4j.apiserver.resources.core.configmap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.validation.core.ConfigDataValidation;

import java.util.List;

/**
 * ConfigMaps: {@code binaryData} checked as upstream's base64 decoder does, keys and total size
 * validated, and immutable ConfigMaps kept unchanged. Stateless and thread-safe.
 */
public final class ConfigMapStrategy implements Strategy {
    @Override
    public void applyDefaults(ObjectNode obj) {
        JsonNode binary = obj.get("binaryData");
        if (binary != null && binary.isObject()) {
            for (var it = binary.fields(); it.hasNext(); ) {
                var e = it.next();
                int at = e.getValue().isNull() ? -1 : ConfigDataValidation.illegalBase64At(e.getValue().asText());
                if (at >= 0) {
                    throw StatusException.badRequest("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: "
                            + "illegal base64 data at input byte " + at);
                }
            }
        }
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return ConfigDataValidation.validateConfigMap(obj);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
        return ConfigDataValidation.validateConfigMapUpdate(obj, old);
    }
}
