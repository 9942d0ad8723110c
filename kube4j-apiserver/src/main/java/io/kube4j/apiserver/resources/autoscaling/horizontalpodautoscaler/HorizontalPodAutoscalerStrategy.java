package io.kube4j.apiserver.resources.autoscaling.horizontalpodautoscaler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.SpecStatusStrategy;

import io.kube4j.apiserver.validation.autoscaling.AutoscalingValidation;

import java.util.List;

/**
 * HorizontalPodAutoscalers (autoscaling/v2): defaults (minReplicas 1, 80% CPU), scaleTargetRef,
 * replica bounds and metrics validated as upstream; status reset on create. Stateless and thread-safe.
 */
public final class HorizontalPodAutoscalerStrategy implements SpecStatusStrategy {
    @Override
    public void applyDefaults(ObjectNode obj) {
        AutoscalingValidation.defaults(obj);
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status").put("desiredReplicas", 0);
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return AutoscalingValidation.hpa(obj);
    }

}
