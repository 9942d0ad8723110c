package io.kube4j.apiserver.validation.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.validation.podtemplate.PodTemplateRules;

import static io.kube4j.apiserver.validation.shared.CommonRules.defaultBoolean;
import static io.kube4j.apiserver.validation.shared.CommonRules.defaultNumber;
import static io.kube4j.apiserver.validation.shared.CommonRules.defaultText;

/**
 * batch/v1 defaulting (upstream's pkg/apis/batch/v1/defaults.go) and the Job selector generation
 * of upstream's job strategy. Called by the Job and CronJob strategies; stateless and thread-safe.
 */
public final class BatchDefaults {
    public static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
    public static final String JOB_NAME = "batch.kubernetes.io/job-name";
    public static final String LEGACY_CONTROLLER_UID = "controller-uid";
    public static final String LEGACY_JOB_NAME = "job-name";

    private BatchDefaults() {
    }

    public static void job(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        // a non-parallel job may leave both unset: both become 1
        if (!spec.hasNonNull("completions") && !spec.hasNonNull("parallelism")) {
            spec.put("completions", 1);
            spec.put("parallelism", 1);
        }
        defaultNumber(spec, "parallelism", 1);
        defaultNumber(spec, "backoffLimit", spec.hasNonNull("backoffLimitPerIndex") ? Integer.MAX_VALUE : 6);
        defaultText(spec, "completionMode", "NonIndexed");
        defaultBoolean(spec, "suspend", false);
        JsonNode pfp = spec.get("podFailurePolicy");
        if (pfp != null && pfp.isObject()) {
            for (JsonNode rule : pfp.path("rules")) {
                for (JsonNode pattern : rule.path("onPodConditions")) {
                    if (pattern instanceof ObjectNode p) {
                        defaultText(p, "status", "True");
                    }
                }
            }
        }
        defaultText(spec, "podReplacementPolicy", pfp != null && pfp.isObject() ? "Failed" : "TerminatingOrFailed");
        ObjectNode template = Json.with(spec, "template");
        PodTemplateRules.defaultSpec(template);
        copyTemplateLabels(obj);
    }

    /** A Job without labels of its own takes its pod template's labels. */
    public static void copyTemplateLabels(ObjectNode obj) {
        JsonNode tl = Json.at(obj, "spec", "template", "metadata", "labels");
        JsonNode labels = Json.at(obj, "metadata", "labels");
        if (tl != null && tl.isObject() && (labels == null || labels.isEmpty())) {
            Json.with(obj, "metadata").set("labels", tl.deepCopy());
        }
    }

    /**
     * Unless {@code spec.manualSelector} is true, selects the Job's pods by its uid: adds the
     * controller-uid and job-name labels (prefixed and legacy) to the template, and
     * {@code batch.kubernetes.io/controller-uid} to the selector. Labels the user set are kept, so a
     * conflict fails validation. Needs {@code metadata.uid}.
     */
    public static void generateSelector(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        if (spec.path("manualSelector").asBoolean(false)) {
            return;
        }
        String name = Json.text(obj.get("metadata"), "name");
        String uid = Json.text(obj.get("metadata"), "uid");
        name = name == null ? "" : name;
        uid = uid == null ? "" : uid;
        ObjectNode labels = Json.with(Json.with(Json.with(spec, "template"), "metadata"), "labels");
        // in sorted order, as Go writes map keys
        putIfMissing(labels, CONTROLLER_UID, uid);
        putIfMissing(labels, JOB_NAME, name);
        putIfMissing(labels, LEGACY_CONTROLLER_UID, uid);
        putIfMissing(labels, LEGACY_JOB_NAME, name);
        ObjectNode matchLabels = Json.with(Json.with(spec, "selector"), "matchLabels");
        putIfMissing(matchLabels, CONTROLLER_UID, uid);
    }

    private static void putIfMissing(ObjectNode o, String key, String value) {
        if (!o.has(key)) {
            o.put(key, value);
        }
    }

    public static void cronJob(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        defaultText(spec, "concurrencyPolicy", "Allow");
        defaultBoolean(spec, "suspend", false);
        defaultNumber(spec, "successfulJobsHistoryLimit", 3);
        defaultNumber(spec, "failedJobsHistoryLimit", 1);
        // only the pod template inside the job template is defaulted, not the job spec
        ObjectNode jobSpec = Json.with(Json.with(spec, "jobTemplate"), "spec");
        PodTemplateRules.defaultSpec(Json.with(jobSpec, "template"));
    }
}
