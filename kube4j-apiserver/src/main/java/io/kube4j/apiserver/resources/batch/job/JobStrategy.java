package io.kube4j.apiserver.resources.batch.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.SpecStatusStrategy;

import io.kube4j.apiserver.validation.batch.BatchDefaults;
import io.kube4j.apiserver.validation.batch.BatchValidation;

import java.util.List;
import java.util.Map;

/**
 * Jobs (batch/v1): defaults, the server-generated selector and pod labels (by uid and name),
 * status reset on create, generation tracking, a mostly immutable pod template, and the
 * {@code status.successful} field selector. Stateless and thread-safe.
 */
public final class JobStrategy implements SpecStatusStrategy {
    @Override
    public void applyDefaults(ObjectNode obj) {
        BatchDefaults.job(obj);
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status");
        // the store has set metadata.uid by now
        BatchDefaults.generateSelector(obj);
        BatchDefaults.copyTemplateLabels(obj);
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return BatchValidation.job(obj);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
        return BatchValidation.jobUpdate(obj, old);
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode obj) {
        return Map.of("status.successful", Long.toString(obj.path("status").path("succeeded").asLong(0)));
    }
}
