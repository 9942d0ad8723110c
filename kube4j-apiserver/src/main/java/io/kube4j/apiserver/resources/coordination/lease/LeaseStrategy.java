package io.kube4j.apiserver.resources.coordination.lease;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.validation.coordination.CoordinationValidation;

import java.util.List;

/**
 * Leases (coordination.k8s.io/v1): positive durations and non-negative transitions. Stateless and
 * thread-safe.
 */
public final class LeaseStrategy implements Strategy {
    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return CoordinationValidation.lease(obj);
    }
}
