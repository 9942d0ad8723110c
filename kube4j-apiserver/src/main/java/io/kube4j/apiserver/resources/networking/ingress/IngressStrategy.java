package io.kube4j.apiserver.resources.networking.ingress;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.SpecStatusStrategy;

import io.kube4j.apiserver.validation.networking.NetworkingValidation;

import java.util.List;

/**
 * Ingresses (networking.k8s.io/v1): rules, paths, backends and TLS validated as upstream; status reset
 * on create; generation tracking. Stateless and thread-safe.
 */
public final class IngressStrategy implements SpecStatusStrategy {
    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status").putObject("loadBalancer");
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return NetworkingValidation.ingressCreate(obj);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
        return NetworkingValidation.ingress(obj);
    }

}
