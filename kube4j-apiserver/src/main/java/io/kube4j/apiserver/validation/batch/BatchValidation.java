package io.kube4j.apiserver.validation.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.cron.CronSchedule;
import io.kube4j.apimachinery.cron.CronSyntaxException;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.labels.LabelSelector;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;
import io.kube4j.apimachinery.validation.NameRules;
import io.kube4j.apiserver.validation.podtemplate.PodTemplateRules;
import io.kube4j.apiserver.validation.shared.GoSyntax;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static io.kube4j.apiserver.validation.shared.CommonRules.SELECTOR_MISMATCH;
import static io.kube4j.apiserver.validation.shared.CommonRules.immutable;
import static io.kube4j.apiserver.validation.shared.CommonRules.nonNegative;
import static io.kube4j.apiserver.validation.shared.CommonRules.same;

/**
 * batch/v1 validation (upstream's pkg/apis/batch/validation) for Jobs and CronJobs, with upstream's
 * messages. Object metadata is checked by the store. Called by the batch strategies; stateless and
 * thread-safe.
 */
public final class BatchValidation {
    private static final FieldPath SPEC = FieldPath.root("spec");
    private static final FieldPath META = FieldPath.root("metadata");
    private static final int MAX_PARALLELISM_INDEXED = 100_000;
    private static final int MAX_CRONJOB_NAME = 52;
    private static final Pattern TZ_PART = Pattern.compile("^[A-Za-z.\\-_0-9+]{1,14}$");
    private static final List<String> RESTART_FOR_JOBS = List.of("OnFailure", "Never");

    private BatchValidation() {
    }

    // ---------------------------------------------------------------- Job

    public static List<FieldError> job(ObjectNode obj) {
        List<FieldError> errs = new ArrayList<>(generatedSelector(obj));
        errs.addAll(jobSpec(obj.path("spec"), SPEC));
        JsonNode spec = obj.path("spec");
        JsonNode completions = spec.get("completions");
        if ("Indexed".equals(spec.path("completionMode").asText()) && completions != null && completions.asLong() > 0) {
            String name = obj.path("metadata").path("name").asText("");
            // indexed pods are named <job>-<index>, which must stay a DNS label
            String hostname = name + "-" + (completions.asLong() - 1);
            if (!NameRules.isDns1123Label(hostname).isEmpty()) {
                errs.add(FieldError.invalid(META.child("name"), name,
                        "will not able to create pod with invalid DNS label: " + hostname));
            }
        }
        return errs;
    }

    public static List<FieldError> jobUpdate(ObjectNode obj, ObjectNode old) {
        JsonNode spec = obj.path("spec");
        JsonNode oldSpec = old.path("spec");
        List<FieldError> errs = new ArrayList<>(jobSpec(spec, SPEC));
        boolean indexed = "Indexed".equals(spec.path("completionMode").asText());
        JsonNode completions = spec.get("completions");
        if (!indexed) {
            immutable(errs, completions, oldSpec.get("completions"), SPEC.child("completions"), scalar(completions));
        } else if (!same(completions, oldSpec.get("completions")) && completions != null
                && !same(completions, spec.get("parallelism"))) {
            // elastic indexed jobs change completions and parallelism together
            errs.add(FieldError.invalid(SPEC.child("completions"), completions.asLong(),
                    "can only be modified in tandem with spec.parallelism"));
        }
        JsonNode sel = spec.get("selector");
        immutable(errs, sel, oldSpec.get("selector"), SPEC.child("selector"), GoSyntax.labelSelector(sel));
        immutable(errs, comparableTemplate(spec, old), oldSpec.get("template"), SPEC.child("template"), FieldError.OMIT);
        for (String f : List.of("completionMode", "podFailurePolicy", "backoffLimitPerIndex", "managedBy", "successPolicy")) {
            JsonNode v = spec.get(f);
            immutable(errs, v, oldSpec.get(f), SPEC.child(f), v != null && v.isValueNode() ? scalar(v) : FieldError.OMIT);
        }
        return errs;
    }

    /**
     * The new template as compared for immutability. A suspended Job that never started may change
     * its scheduling directives (node affinity, node selector, tolerations, scheduling gates) and the
     * template's labels and annotations, as upstream allows.
     */
    private static JsonNode comparableTemplate(JsonNode spec, ObjectNode old) {
        JsonNode template = spec.get("template");
        boolean mutable = old.path("spec").path("suspend").asBoolean(false)
                && Json.at(old, "status", "startTime") == null;
        if (!mutable || template == null || !template.isObject()) {
            return template;
        }
        ObjectNode t = (ObjectNode) template.deepCopy();
        JsonNode oldTemplate = old.path("spec").path("template");
        ObjectNode tm = Json.with(t, "metadata");
        for (String f : List.of("labels", "annotations")) {
            copyFrom(tm, oldTemplate.path("metadata"), f);
        }
        ObjectNode ts = Json.with(t, "spec");
        for (String f : List.of("nodeSelector", "tolerations", "schedulingGates")) {
            copyFrom(ts, oldTemplate.path("spec"), f);
        }
        JsonNode oldAffinity = oldTemplate.path("spec").get("affinity");
        ObjectNode affinity = ts.get("affinity") instanceof ObjectNode a ? a : null;
        if (affinity != null) {
            affinity.remove("nodeAffinity");
            if (oldAffinity != null && oldAffinity.has("nodeAffinity")) {
                affinity.set("nodeAffinity", oldAffinity.get("nodeAffinity").deepCopy());
            }
            if (affinity.isEmpty() && (oldAffinity == null || oldAffinity.isEmpty())) {
                ts.remove("affinity");
            }
        } else if (oldAffinity != null && oldAffinity.size() == 1 && oldAffinity.has("nodeAffinity")) {
            ts.set("affinity", oldAffinity.deepCopy());
        }
        return t;
    }

    private static void copyFrom(ObjectNode target, JsonNode source, String field) {
        JsonNode v = source.get(field);
        if (v == null) {
            target.remove(field);
        } else {
            target.set(field, v.deepCopy());
        }
    }

    /** Upstream's validateGeneratedSelector: the generated labels and selector are what they must be. */
    private static List<FieldError> generatedSelector(ObjectNode obj) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode spec = obj.path("spec");
        JsonNode sel = spec.get("selector");
        if (spec.path("manualSelector").asBoolean(false) || sel == null || sel.isNull()) {
            return errs;
        }
        String uid = obj.path("metadata").path("uid").asText("");
        String name = obj.path("metadata").path("name").asText("");
        if (uid.isEmpty()) {
            errs.add(FieldError.required(META.child("uid"), ""));
        }
        FieldPath tm = SPEC.child("template").child("metadata");
        JsonNode labels = Json.at(spec, "template", "metadata", "labels");
        hasLabel(errs, labels, tm, BatchDefaults.LEGACY_CONTROLLER_UID, uid);
        hasLabel(errs, labels, tm, BatchDefaults.LEGACY_JOB_NAME, name);
        hasLabel(errs, labels, tm, BatchDefaults.CONTROLLER_UID, uid);
        hasLabel(errs, labels, tm, BatchDefaults.JOB_NAME, name);
        ObjectNode expected = Json.object();
        expected.put(BatchDefaults.CONTROLLER_UID, uid);
        expected.put(BatchDefaults.JOB_NAME, name);
        expected.put(BatchDefaults.LEGACY_CONTROLLER_UID, uid);
        expected.put(BatchDefaults.LEGACY_JOB_NAME, name);
        try {
            if (!LabelSelector.fromJson(sel).matches(expected)) {
                errs.add(FieldError.invalid(SPEC.child("selector"), GoSyntax.labelSelector(sel), "`selector` not auto-generated"));
            }
        } catch (StatusException e) {
            // reported by the selector validation
        }
        return errs;
    }

    /** Upstream's ValidateHasLabel. */
    private static void hasLabel(List<FieldError> errs, JsonNode labels, FieldPath meta, String key, String want) {
        FieldPath p = meta.child("labels").key(key);
        JsonNode v = labels == null ? null : labels.get(key);
        if (v == null) {
            errs.add(FieldError.required(p, "must be '" + want + "'"));
        } else if (!v.asText().equals(want)) {
            errs.add(FieldError.invalid(p, GoSyntax.stringMap(labels), "must be '" + want + "'"));
        }
    }

    /** Upstream's ValidateJobSpec: the common job spec rules plus a selector matching the template. */
    private static List<FieldError> jobSpec(JsonNode spec, FieldPath path) {
        List<FieldError> errs = new ArrayList<>(commonJobSpec(spec, path));
        JsonNode sel = spec.get("selector");
        if (sel == null || sel.isNull()) {
            errs.add(FieldError.required(path.child("selector"), ""));
        } else {
            errs.addAll(LabelSelector.validate(sel, path.child("selector")));
        }
        try {
            JsonNode labels = Json.at(spec, "template", "metadata", "labels");
            if (!LabelSelector.fromJson(sel).matches(labels)) {
                errs.add(FieldError.invalid(path.child("template").child("metadata").child("labels"), GoSyntax.stringMap(labels),
                        SELECTOR_MISMATCH));
            }
        } catch (StatusException e) {
            // reported by the selector validation
        }
        return errs;
    }

    /** Upstream's validateJobSpec, shared by Jobs and CronJob job templates. */
    private static List<FieldError> commonJobSpec(JsonNode spec, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        for (String f : List.of("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit",
                "ttlSecondsAfterFinished", "backoffLimitPerIndex", "maxFailedIndexes")) {
            nonNegative(errs, spec.get(f), path.child(f));
        }
        boolean hasMaxFailed = spec.hasNonNull("maxFailedIndexes");
        boolean hasPerIndex = spec.hasNonNull("backoffLimitPerIndex");
        if (hasMaxFailed && !hasPerIndex) {
            errs.add(FieldError.required(path.child("backoffLimitPerIndex"), "when maxFailedIndexes is specified"));
        }
        String mode = spec.path("completionMode").asText("");
        if (spec.hasNonNull("completionMode")) {
            if (!mode.equals("NonIndexed") && !mode.equals("Indexed")) {
                errs.add(FieldError.notSupported(path.child("completionMode"), mode, List.of("NonIndexed", "Indexed")));
            }
            if (mode.equals("Indexed")) {
                if (!spec.hasNonNull("completions")) {
                    errs.add(FieldError.required(path.child("completions"), "when completion mode is Indexed"));
                }
                JsonNode par = spec.get("parallelism");
                if (par != null && par.asLong() > MAX_PARALLELISM_INDEXED) {
                    errs.add(FieldError.invalid(path.child("parallelism"), par.asLong(),
                            "must be less than or equal to " + MAX_PARALLELISM_INDEXED + " when completion mode is Indexed"));
                }
                JsonNode mfi = spec.get("maxFailedIndexes");
                JsonNode completions = spec.get("completions");
                if (mfi != null && completions != null && mfi.asLong() > completions.asLong()) {
                    errs.add(FieldError.invalid(path.child("maxFailedIndexes"), mfi.asLong(),
                            "must be less than or equal to completions"));
                }
            }
        }
        if (!mode.equals("Indexed")) {
            if (hasPerIndex) {
                errs.add(FieldError.invalid(path.child("backoffLimitPerIndex"), spec.get("backoffLimitPerIndex").asLong(),
                        "requires indexed completion mode"));
            }
            if (hasMaxFailed) {
                errs.add(FieldError.invalid(path.child("maxFailedIndexes"), spec.get("maxFailedIndexes").asLong(),
                        "requires indexed completion mode"));
            }
        }
        JsonNode pfp = spec.get("podFailurePolicy");
        boolean hasPfp = pfp != null && !pfp.isNull();
        JsonNode prp = spec.get("podReplacementPolicy");
        if (prp != null && !prp.isNull()) {
            if (hasPfp) {
                if (!prp.asText().equals("Failed")) {
                    errs.add(FieldError.notSupported(path.child("podReplacementPolicy"), prp.asText(), List.of("Failed")));
                }
            } else if (!prp.asText().equals("Failed") && !prp.asText().equals("TerminatingOrFailed")) {
                errs.add(FieldError.notSupported(path.child("podReplacementPolicy"), prp.asText(),
                        List.of("Failed", "TerminatingOrFailed")));
            }
        }
        JsonNode template = spec.get("template");
        FieldPath tp = path.child("template");
        errs.addAll(PodTemplateRules.validateTemplateMetadata(template, tp));
        errs.addAll(PodTemplateRules.validateSpec(template == null ? null : template.get("spec"), tp.child("spec")));
        String restart = PodTemplateRules.restartPolicy(template);
        FieldPath rp = tp.child("spec").child("restartPolicy");
        // defaulting turns an unset policy into Always, so both mean "not chosen" for a Job
        if (restart.equals("Always") || restart.isEmpty()) {
            errs.add(FieldError.required(rp, "valid values: \"OnFailure\", \"Never\""));
        } else if (!RESTART_FOR_JOBS.contains(restart)) {
            errs.add(FieldError.notSupported(rp, restart, RESTART_FOR_JOBS));
        } else if (hasPfp && !restart.equals("Never")) {
            errs.add(FieldError.invalid(rp, restart, "only \"Never\" is supported when podFailurePolicy is specified"));
        }
        return errs;
    }

    private static Object scalar(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        return new GoSyntax.Rendered(v.toString());
    }

    // ---------------------------------------------------------------- CronJob

    public static List<FieldError> cronJob(ObjectNode obj) {
        List<FieldError> errs = cronJobSpec(obj.path("spec"), null);
        String name = obj.path("metadata").path("name").asText("");
        // the controller appends an 11-character suffix to name the Jobs it creates
        if (name.length() > MAX_CRONJOB_NAME) {
            errs.add(FieldError.invalid(META.child("name"), name, "must be no more than 52 characters"));
        }
        return errs;
    }

    public static List<FieldError> cronJobUpdate(ObjectNode obj, ObjectNode old) {
        return cronJobSpec(obj.path("spec"), old.path("spec"));
    }

    private static List<FieldError> cronJobSpec(JsonNode spec, JsonNode oldSpec) {
        List<FieldError> errs = new ArrayList<>();
        String schedule = spec.path("schedule").asText("");
        JsonNode timeZone = spec.get("timeZone");
        boolean hasTimeZone = timeZone != null && !timeZone.isNull();
        if (schedule.isEmpty()) {
            errs.add(FieldError.required(SPEC.child("schedule"), ""));
        } else {
            try {
                CronSchedule.parse(schedule);
            } catch (CronSyntaxException e) {
                errs.add(FieldError.invalid(SPEC.child("schedule"), schedule, e.getMessage()));
            }
            boolean allowTz = oldSpec != null && oldSpec.path("schedule").asText("").contains("TZ");
            if (allowTz && schedule.contains("TZ") && hasTimeZone) {
                errs.add(FieldError.invalid(SPEC.child("schedule"), schedule,
                        "cannot use both timeZone field and TZ or CRON_TZ in schedule"));
            } else if (!allowTz && schedule.contains("TZ")) {
                errs.add(FieldError.invalid(SPEC.child("schedule"), schedule,
                        "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
            }
        }
        nonNegative(errs, spec.get("startingDeadlineSeconds"), SPEC.child("startingDeadlineSeconds"));
        if (oldSpec == null || !same(timeZone, oldSpec.get("timeZone"))) {
            errs.addAll(timeZone(hasTimeZone ? timeZone.asText() : null));
        }
        String cp = spec.path("concurrencyPolicy").asText("");
        switch (cp) {
            case "Allow", "Forbid", "Replace" -> {
            }
            case "" -> errs.add(FieldError.required(SPEC.child("concurrencyPolicy"), ""));
            default -> errs.add(FieldError.notSupported(SPEC.child("concurrencyPolicy"), cp,
                    List.of("Allow", "Forbid", "Replace")));
        }
        JsonNode jobSpec = spec.path("jobTemplate").path("spec");
        FieldPath jp = SPEC.child("jobTemplate").child("spec");
        errs.addAll(commonJobSpec(jobSpec, jp));
        JsonNode sel = jobSpec.get("selector");
        if (sel != null && !sel.isNull()) {
            errs.add(FieldError.invalid(jp.child("selector"), GoSyntax.labelSelector(sel), "`selector` will be auto-generated"));
        }
        if (jobSpec.path("manualSelector").asBoolean(false)) {
            errs.add(FieldError.notSupported(jp.child("manualSelector"), true, List.of("nil", "false")));
        }
        nonNegative(errs, spec.get("successfulJobsHistoryLimit"), SPEC.child("successfulJobsHistoryLimit"));
        nonNegative(errs, spec.get("failedJobsHistoryLimit"), SPEC.child("failedJobsHistoryLimit"));
        return errs;
    }

    /** Upstream's validateTimeZone; {@code tz} null means unset. */
    static List<FieldError> timeZone(String tz) {
        List<FieldError> errs = new ArrayList<>();
        FieldPath p = SPEC.child("timeZone");
        if (tz == null) {
            return errs;
        }
        if (tz.isEmpty()) {
            errs.add(FieldError.invalid(p, tz, "timeZone must be nil or non-empty string"));
            return errs;
        }
        for (String part : tz.split("/", -1)) {
            if (part.equals(".") || part.equals("..") || part.startsWith("-") || !TZ_PART.matcher(part).matches()) {
                errs.add(FieldError.invalid(p, tz, "unknown time zone " + tz));
                return errs;
            }
        }
        if (tz.equalsIgnoreCase("Local")) {
            errs.add(FieldError.invalid(p, tz,
                    "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"));
        }
        if (CronSchedule.loadZone(tz).isEmpty()) {
            errs.add(FieldError.invalid(p, tz, "unknown time zone " + tz));
        }
        return errs;
    }
}
