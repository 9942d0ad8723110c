package io.kube4j.apiserver.resources.apps.controllerrevision;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.validation.apps.AppsValidation;

import java.util.List;

/** ControllerRevisions (apps/v1): data is required and immutable. Stateless and thread-safe. */
public final class ControllerRevisionStrategy implements Strategy {
    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return AppsValidation.controllerRevision(obj);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
        return AppsValidation.controllerRevisionUpdate(obj, old);
    }
}
