package io.kube4j.apiserver.resources.networking.networkpolicy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.validation.networking.NetworkingDefaults;
import io.kube4j.apiserver.validation.networking.NetworkingValidation;

import java.util.List;

/**
 * NetworkPolicies (networking.k8s.io/v1): policyTypes defaulting (Ingress, plus Egress when egress
 * rules exist), peer and port validation, generation tracking. Stateless and thread-safe.
 */
public final class NetworkPolicyStrategy implements Strategy {
    @Override
    public void applyDefaults(ObjectNode obj) {
        NetworkingDefaults.networkPolicy(obj);
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return NetworkingValidation.networkPolicy(obj);
    }

    @Override
    public boolean tracksGeneration() {
        return true;
    }
}
