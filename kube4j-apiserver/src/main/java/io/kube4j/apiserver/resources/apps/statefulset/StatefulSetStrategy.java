package io.kube4j.apiserver.resources.apps.statefulset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.SpecStatusStrategy;

import io.kube4j.apiserver.validation.apps.AppsDefaults;
import io.kube4j.apiserver.validation.apps.AppsValidation;

import java.util.List;

/**
 * StatefulSets (apps/v1): defaults, status reset on create, generation tracking, DNS-label names,
 * and the rule that only some spec fields may change. Stateless and thread-safe.
 */
public final class StatefulSetStrategy implements SpecStatusStrategy {
    @Override
    public void applyDefaults(ObjectNode obj) {
        AppsDefaults.statefulSet(obj);
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        // replicas and availableReplicas are not omitempty in apps/v1
        obj.putObject("status").put("replicas", 0).put("availableReplicas", 0);
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return AppsValidation.statefulSet(obj);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
        return AppsValidation.statefulSetUpdate(obj, old);
    }

    @Override
    public NameRule nameRule() {
        return NameRule.DNS1123_LABEL;
    }
}
