package io.kube4j.apiserver.resources.discovery.endpointslice;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.validation.discovery.DiscoveryValidation;

import java.util.List;

/**
 * EndpointSlices (discovery.k8s.io/v1): a required, immutable addressType (IPv4, IPv6 or FQDN),
 * addresses valid for it, and ports. Stateless and thread-safe.
 */
public final class EndpointSliceStrategy implements Strategy {
    @Override
    public void applyDefaults(ObjectNode obj) {
        DiscoveryValidation.defaults(obj);
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return DiscoveryValidation.endpointSlice(obj);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
        return DiscoveryValidation.endpointSliceUpdate(obj, old);
    }
}
