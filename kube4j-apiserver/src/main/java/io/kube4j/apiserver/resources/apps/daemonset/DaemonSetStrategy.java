package io.kube4j.apiserver.resources.apps.daemonset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.SpecStatusStrategy;

import io.kube4j.apiserver.validation.apps.AppsDefaults;
import io.kube4j.apiserver.validation.apps.AppsValidation;
import io.kube4j.apiserver.validation.shared.CommonRules;

import java.util.List;

/**
 * DaemonSets (apps/v1): defaults, status reset on create, generation tracking, and the template
 * generation kept in the {@code deprecated.daemonset.template.generation} annotation (apps/v1 has no
 * field for it): 1 on create, bumped when the pod template changes. Stateless and thread-safe.
 */
public final class DaemonSetStrategy implements SpecStatusStrategy {
    public static final String TEMPLATE_GENERATION = "deprecated.daemonset.template.generation";

    @Override
    public void applyDefaults(ObjectNode obj) {
        AppsDefaults.daemonSet(obj);
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status")
                .put("currentNumberScheduled", 0)
                .put("numberMisscheduled", 0)
                .put("desiredNumberScheduled", 0)
                .put("numberReady", 0);
        long tg = templateGeneration(obj);
        setTemplateGeneration(obj, tg < 1 ? 1 : tg);
    }

    @Override
    public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
        long tg = templateGeneration(old);
        boolean templateChanged = !CommonRules.same(obj.path("spec").get("template"), old.path("spec").get("template"));
        setTemplateGeneration(obj, templateChanged ? tg + 1 : tg);
    }

    private static long templateGeneration(ObjectNode obj) {
        String v = Json.text(obj.path("metadata").path("annotations"), TEMPLATE_GENERATION);
        try {
            return v == null ? 0 : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void setTemplateGeneration(ObjectNode obj, long tg) {
        if (tg <= 0) {
            return;
        }
        Json.with(Json.with(obj, "metadata"), "annotations").put(TEMPLATE_GENERATION, Long.toString(tg));
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return AppsValidation.daemonSet(obj);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
        return AppsValidation.daemonSetUpdate(obj, old);
    }

}
