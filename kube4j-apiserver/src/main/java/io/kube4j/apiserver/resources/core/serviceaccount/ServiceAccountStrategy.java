package io.kube4j.apiserver.resources.core.serviceaccount;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apiserver.endpoints.SubresourceCreate;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.registry.WriteOptions;

/**
 * ServiceAccounts: plain objects, plus the {@code token} subresource (TokenRequest). Thread-safe.
 */
public final class ServiceAccountStrategy implements Strategy, SubresourceCreate {
    private final TokenRequests tokens;

    public ServiceAccountStrategy(TokenRequests tokens) {
        this.tokens = tokens;
    }

    @Override
    public ObjectNode createSubresource(Registry registry, String subresource, String namespace, String name,
                                        ObjectNode body, WriteOptions opts) {
        if (!"token".equals(subresource)) {
            throw StatusException.methodNotSupported("", "serviceaccounts/" + subresource, "create");
        }
        return tokens.create(registry, namespace, name, body);
    }
}
