package io.kube4j.apiserver.resources.core.persistentvolumeclaim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.validation.core.ObjectValidation;

import java.util.List;

/**
 * PersistentVolumeClaims: volume mode Filesystem by default, phase Pending on create, status
 * subresource, and a spec that only grows its storage request once bound. Stateless and
 * thread-safe.
 */
public final class PersistentVolumeClaimStrategy implements Strategy {
    @Override
    public void applyDefaults(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        if (Json.text(spec, "volumeMode") == null) {
            spec.put("volumeMode", "Filesystem");
        }
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.remove("status");
        obj.putObject("status").put("phase", "Pending");
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return ObjectValidation.validatePersistentVolumeClaim(obj);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
        return ObjectValidation.validatePersistentVolumeClaimUpdate(obj, old);
    }

    @Override
    public List<FieldError> validateSubresourceUpdate(String subresource, ObjectNode obj, ObjectNode old) {
        return List.of();
    }

    @Override
    public boolean hasStatusSubresource() {
        return true;
    }
}
