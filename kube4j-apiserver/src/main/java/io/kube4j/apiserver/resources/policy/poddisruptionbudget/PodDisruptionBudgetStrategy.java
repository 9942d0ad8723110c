package io.kube4j.apiserver.resources.policy.poddisruptionbudget;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.SpecStatusStrategy;

import io.kube4j.apiserver.validation.policy.PolicyValidation;

import java.util.List;

/**
 * PodDisruptionBudgets (policy/v1): minAvailable and maxUnavailable are exclusive counts or
 * percentages; status reset on create; generation tracking. Stateless and thread-safe.
 */
public final class PodDisruptionBudgetStrategy implements SpecStatusStrategy {
    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status").put("disruptionsAllowed", 0).put("currentHealthy", 0)
                .put("desiredHealthy", 0).put("expectedPods", 0);
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return PolicyValidation.podDisruptionBudget(obj);
    }

}
