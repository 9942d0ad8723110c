package io.kube4j.apiserver.resources.apiextensions.customresourcedefinition;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.SpecStatusStrategy;

import io.kube4j.apiserver.validation.apiextensions.CrdValidation;

import java.util.List;

/**
 * CustomResourceDefinitions (apiextensions.k8s.io/v1), stored only: the name must be plural.group,
 * exactly one storage version, names and scope checked; status starts with the stored version and
 * keeps every storage version used since. Stateless and thread-safe.
 */
public final class CustomResourceDefinitionStrategy implements SpecStatusStrategy {
    @Override
    public void applyDefaults(ObjectNode obj) {
        CrdValidation.defaults(obj);
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        ObjectNode status = obj.putObject("status");
        status.putObject("acceptedNames").put("plural", "").put("kind", "");
        status.putArray("storedVersions");
        CrdValidation.recordStoredVersion(obj);
    }

    @Override
    public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
        CrdValidation.recordStoredVersion(obj);
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return CrdValidation.crd(obj);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
        return CrdValidation.crdUpdate(obj, old);
    }

}
