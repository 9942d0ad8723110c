package io.kube4j.apiserver.resources.apps.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.SpecStatusStrategy;

import io.kube4j.apiserver.validation.apps.AppsDefaults;
import io.kube4j.apiserver.validation.apps.AppsValidation;

import java.util.List;
import java.util.Objects;

/**
 * Deployments (apps/v1): defaults, status owned by the status subresource and emptied on create,
 * generation bumped on spec or annotation changes, selector immutable. Stateless and thread-safe.
 */
public final class DeploymentStrategy implements SpecStatusStrategy {
    @Override
    public void applyDefaults(ObjectNode obj) {
        AppsDefaults.deployment(obj);
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status");
    }

    @Override
    public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
        // annotations are copied to the ReplicaSets, so changing them is a new generation too
        ObjectNode meta = Json.with(obj, "metadata");
        JsonNode oldMeta = old.path("metadata");
        long oldGen = oldMeta.path("generation").asLong(1);
        if (meta.path("generation").asLong() == oldGen
                && !Objects.equals(meta.get("annotations"), oldMeta.get("annotations"))) {
            meta.put("generation", oldGen + 1);
        }
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return AppsValidation.deployment(obj);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
        return AppsValidation.deploymentUpdate(obj, old);
    }

}
