package io.kube4j.apiserver.resources.storage.storageclass;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.validation.storage.StorageValidation;

import java.util.List;

/**
 * StorageClasses (storage.k8s.io/v1): a required provisioner; reclaimPolicy defaults to Delete and
 * volumeBindingMode to Immediate; provisioner, parameters, reclaimPolicy and volumeBindingMode are
 * immutable. Stateless and thread-safe.
 */
public final class StorageClassStrategy implements Strategy {
    @Override
    public void applyDefaults(ObjectNode obj) {
        StorageValidation.defaultStorageClass(obj);
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return StorageValidation.storageClass(obj);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
        List<FieldError> errs = new java.util.ArrayList<>(StorageValidation.storageClass(obj));
        errs.addAll(StorageValidation.storageClassUpdate(obj, old));
        return errs;
    }
}
