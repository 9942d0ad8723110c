package io.kube4j.apiserver.resources.core.persistentvolume;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.meta.Timestamps;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.validation.core.ObjectValidation;

import java.time.Clock;
import java.util.List;

/**
 * PersistentVolumes (cluster-scoped): reclaim policy Retain and volume mode Filesystem by
 * default, phase Pending with its transition time on create, status subresource, and upstream's
 * spec validation. Thread-safe.
 */
public final class PersistentVolumeStrategy implements Strategy {
    private final Clock clock;

    public PersistentVolumeStrategy(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void applyDefaults(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        if (Json.text(spec, "persistentVolumeReclaimPolicy") == null) {
            spec.put("persistentVolumeReclaimPolicy", "Retain");
        }
        if (Json.text(spec, "volumeMode") == null) {
            spec.put("volumeMode", "Filesystem");
        }
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.remove("status");
        ObjectNode status = obj.putObject("status");
        status.put("phase", "Pending");
        status.put("lastPhaseTransitionTime", Timestamps.format(clock.instant()));
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return ObjectValidation.validatePersistentVolume(obj);
    }

    @Override
    public boolean hasStatusSubresource() {
        return true;
    }
}
