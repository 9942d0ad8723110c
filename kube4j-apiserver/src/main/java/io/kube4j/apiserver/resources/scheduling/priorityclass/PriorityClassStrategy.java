package io.kube4j.apiserver.resources.scheduling.priorityclass;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.validation.scheduling.SchedulingValidation;

import java.util.List;

/**
 * PriorityClasses (scheduling.k8s.io/v1): the system- prefix is reserved, user values are capped, and
 * value and preemptionPolicy are immutable. Stateless and thread-safe.
 */
public final class PriorityClassStrategy implements Strategy {
    @Override
    public void applyDefaults(ObjectNode obj) {
        SchedulingValidation.defaults(obj);
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return SchedulingValidation.priorityClass(obj);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
        return SchedulingValidation.priorityClassUpdate(obj, old);
    }
}
