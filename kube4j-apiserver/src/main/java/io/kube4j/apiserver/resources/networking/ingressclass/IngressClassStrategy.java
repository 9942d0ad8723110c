package io.kube4j.apiserver.resources.networking.ingressclass;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.validation.networking.NetworkingDefaults;
import io.kube4j.apiserver.validation.networking.NetworkingValidation;

import java.util.List;

/**
 * IngressClasses (networking.k8s.io/v1): a domain-prefixed, immutable controller and valid parameters.
 * Stateless and thread-safe.
 */
public final class IngressClassStrategy implements Strategy {
    @Override
    public void applyDefaults(ObjectNode obj) {
        NetworkingDefaults.ingressClass(obj);
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return NetworkingValidation.ingressClass(obj);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
        return NetworkingValidation.ingressClassUpdate(obj, old);
    }
}
