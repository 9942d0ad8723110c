package io.kube4j.apiserver.resources.core.resourcequota;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.validation.core.ObjectValidation;

import java.util.List;

/**
 * ResourceQuotas: empty status on create, status subresource, hard limits validated, scopes
 * immutable. Stateless and thread-safe.
 */
public final class ResourceQuotaStrategy implements Strategy {
    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.remove("status");
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return ObjectValidation.validateResourceQuota(obj);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
        return ObjectValidation.validateResourceQuotaUpdate(obj, old);
    }

    @Override
    public List<FieldError> validateSubresourceUpdate(String subresource, ObjectNode obj, ObjectNode old) {
        return ObjectValidation.validateResourceQuotaStatus(obj);
    }

    @Override
    public boolean hasStatusSubresource() {
        return true;
    }
}
