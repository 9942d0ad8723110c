package io.kube4j.apiserver.resources.core.podtemplate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.validation.core.ObjectValidation;
import io.kube4j.apiserver.validation.core.PodSpecDefaults;

import java.util.List;

/** PodTemplates: pod template defaults and validation, generation bumped on template changes. Thread-safe. */
public final class PodTemplateStrategy implements Strategy {
    @Override
    public void applyDefaults(ObjectNode obj) {
        PodSpecDefaults.applyPodTemplate(Json.with(obj, "template"));
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return ObjectValidation.validatePodTemplate(obj);
    }

    @Override
    public boolean tracksGeneration() {
        return true;
    }
}
