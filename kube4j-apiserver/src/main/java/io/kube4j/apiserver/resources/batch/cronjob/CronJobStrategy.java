package io.kube4j.apiserver.resources.batch.cronjob;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.SpecStatusStrategy;

import io.kube4j.apiserver.validation.batch.BatchDefaults;
import io.kube4j.apiserver.validation.batch.BatchValidation;

import java.util.List;

/**
 * CronJobs (batch/v1): defaults, schedule and time zone validation (see
 * {@link io.kube4j.apimachinery.cron.CronSchedule}), status reset on create and generation
 * tracking. Stateless and thread-safe.
 */
public final class CronJobStrategy implements SpecStatusStrategy {
    @Override
    public void applyDefaults(ObjectNode obj) {
        BatchDefaults.cronJob(obj);
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status");
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return BatchValidation.cronJob(obj);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
        return BatchValidation.cronJobUpdate(obj, old);
    }

}
