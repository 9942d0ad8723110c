package io.kube4j.apiserver.resources.apps.replicaset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.SpecStatusStrategy;

import io.kube4j.apiserver.validation.apps.AppsDefaults;
import io.kube4j.apiserver.validation.apps.AppsValidation;

import java.util.List;
import java.util.Map;

/**
 * ReplicaSets (apps/v1): defaults, status reset on create, generation tracking, selector immutable,
 * and the {@code status.replicas} field selector. Stateless and thread-safe.
 */
public final class ReplicaSetStrategy implements SpecStatusStrategy {
    @Override
    public void applyDefaults(ObjectNode obj) {
        AppsDefaults.replicaSet(obj);
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status").put("replicas", 0);
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return AppsValidation.replicaSet(obj);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
        return AppsValidation.replicaSetUpdate(obj, old);
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode obj) {
        return Map.of("status.replicas", Long.toString(obj.path("status").path("replicas").asLong(0)));
    }
}
