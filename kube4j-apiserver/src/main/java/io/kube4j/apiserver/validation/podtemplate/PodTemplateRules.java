package io.kube4j.apiserver.validation.podtemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;
import io.kube4j.apimachinery.validation.NameRules;
import io.kube4j.apiserver.validation.core.PodSpecDefaults;
import io.kube4j.apiserver.validation.core.PodSpecValidation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The pod-template rules the workload resources (Deployment, ReplicaSet, StatefulSet, DaemonSet,
 * Job, CronJob) share. {@link #defaultSpec} and {@link #validateSpec} delegate to the core pod-spec
 * defaulting and validation. Stateless and thread-safe.
 */
public final class PodTemplateRules {
    private static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");

    private PodTemplateRules() {
    }

    /**
     * Fills pod-spec defaults of a template's {@code spec} (upstream's SetDefaults_PodSpec and
     * SetDefaults_Container subset). {@code template} is a PodTemplateSpec; missing parts are created.
     */
    public static void defaultSpec(ObjectNode template) {
        PodSpecDefaults.applyPodTemplate(template);
    }

    /**
     * Validates a template's pod spec. {@code spec} is {@code template.spec} (may be null) and
     * {@code path} its field path, e.g. {@code spec.template.spec}.
     */
    public static List<FieldError> validateSpec(JsonNode spec, FieldPath path) {
        return PodSpecValidation.validatePodSpec(spec == null ? Json.object() : spec, path);
    }

    /**
     * Upstream's ValidatePodTemplateSpec metadata part: the template's labels and annotations,
     * reported at {@code <template>.labels} and {@code <template>.annotations} as upstream does.
     */
    public static List<FieldError> validateTemplateMetadata(JsonNode template, FieldPath templatePath) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode meta = template == null ? null : template.get("metadata");
        if (meta != null) {
            errs.addAll(NameRules.validateLabels(meta.get("labels"), templatePath.child("labels")));
            errs.addAll(NameRules.validateAnnotations(meta.get("annotations"), templatePath.child("annotations")));
        }
        return errs;
    }

    /** The template's {@code spec.restartPolicy}, or "" when unset. */
    public static String restartPolicy(JsonNode template) {
        JsonNode v = Json.at(template, "spec", "restartPolicy");
        return v == null ? "" : v.asText();
    }
}
