package io.kube4j.apiserver.validation.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.labels.LabelSelector;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;
import io.kube4j.apiserver.validation.podtemplate.PodTemplateRules;
import io.kube4j.apiserver.validation.shared.GoSyntax;
import io.kube4j.apiserver.validation.shared.IntOrPercent;

import java.util.ArrayList;
import java.util.List;

import static io.kube4j.apiserver.validation.shared.CommonRules.SELECTOR_MISMATCH;
import static io.kube4j.apiserver.validation.shared.CommonRules.emptySelector;
import static io.kube4j.apiserver.validation.shared.CommonRules.immutable;
import static io.kube4j.apiserver.validation.shared.CommonRules.nonNegative;
import static io.kube4j.apiserver.validation.shared.CommonRules.number;
import static io.kube4j.apiserver.validation.shared.CommonRules.same;

/**
 * apps/v1 validation (upstream's pkg/apis/apps/validation) for Deployments, ReplicaSets,
 * StatefulSets, DaemonSets and ControllerRevisions, with upstream's messages. Object metadata is
 * checked by the store. Called by the apps strategies; stateless and thread-safe.
 */
public final class AppsValidation {
    private static final FieldPath SPEC = FieldPath.root("spec");
    static final String STATEFULSET_FORBIDDEN = "updates to statefulset spec for fields other than 'replicas', "
            + "'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and "
            + "'minReadySeconds' are forbidden";

    private AppsValidation() {
    }

    // ---------------------------------------------------------------- Deployment

    public static List<FieldError> deployment(ObjectNode obj) {
        JsonNode spec = obj.path("spec");
        List<FieldError> errs = new ArrayList<>();
        nonNegative(errs, spec.get("replicas"), SPEC.child("replicas"));
        LabelSelector selector = selector(errs, spec.get("selector"), "deployment");
        if (selector != null) {
            errs.addAll(templateForReplicaSet(spec.get("template"), selector, SPEC.child("template"), "ReplicaSet"));
        }
        deploymentStrategy(errs, spec.get("strategy"), SPEC.child("strategy"));
        nonNegative(errs, spec.get("minReadySeconds"), SPEC.child("minReadySeconds"));
        nonNegative(errs, spec.get("revisionHistoryLimit"), SPEC.child("revisionHistoryLimit"));
        JsonNode pds = spec.get("progressDeadlineSeconds");
        if (pds != null && !pds.isNull()) {
            nonNegative(errs, pds, SPEC.child("progressDeadlineSeconds"));
            if (pds.asLong() <= number(spec.get("minReadySeconds"), 0)) {
                errs.add(FieldError.invalid(SPEC.child("progressDeadlineSeconds"), pds.asLong(),
                        "must be greater than minReadySeconds"));
            }
        }
        return errs;
    }

    public static List<FieldError> deploymentUpdate(ObjectNode obj, ObjectNode old) {
        List<FieldError> errs = deployment(obj);
        selectorImmutable(errs, obj, old);
        return errs;
    }

    private static void deploymentStrategy(List<FieldError> errs, JsonNode strategy, FieldPath path) {
        String type = strategy == null ? "" : strategy.path("type").asText("");
        JsonNode ru = strategy == null ? null : strategy.get("rollingUpdate");
        boolean hasRu = ru != null && !ru.isNull();
        switch (type) {
            case "Recreate" -> {
                if (hasRu) {
                    errs.add(FieldError.forbidden(path.child("rollingUpdate"),
                            "may not be specified when strategy `type` is 'Recreate'"));
                }
            }
            case "RollingUpdate" -> {
                if (!hasRu) {
                    errs.add(FieldError.required(path.child("rollingUpdate"), "this should be defaulted and never be nil"));
                    return;
                }
                FieldPath rp = path.child("rollingUpdate");
                JsonNode mu = ru.get("maxUnavailable");
                JsonNode ms = ru.get("maxSurge");
                IntOrPercent.validatePositive(errs, mu, rp.child("maxUnavailable"));
                IntOrPercent.validatePositive(errs, ms, rp.child("maxSurge"));
                if (IntOrPercent.value(mu) == 0 && IntOrPercent.value(ms) == 0) {
                    errs.add(FieldError.invalid(rp.child("maxUnavailable"), GoSyntax.intOrString(mu),
                            "may not be 0 when `maxSurge` is 0"));
                }
                IntOrPercent.notMoreThan100Percent(errs, mu, rp.child("maxUnavailable"));
            }
            default -> errs.add(FieldError.notSupported(path, new GoSyntax.Rendered("apps.DeploymentStrategy{Type:"
                    + GoSyntax.quote(type) + ", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}"),
                    List.of("Recreate", "RollingUpdate")));
        }
    }

    // ---------------------------------------------------------------- ReplicaSet

    public static List<FieldError> replicaSet(ObjectNode obj) {
        JsonNode spec = obj.path("spec");
        List<FieldError> errs = new ArrayList<>();
        nonNegative(errs, spec.get("replicas"), SPEC.child("replicas"));
        nonNegative(errs, spec.get("minReadySeconds"), SPEC.child("minReadySeconds"));
        // upstream says "deployment" here too
        LabelSelector selector = selector(errs, spec.get("selector"), "deployment");
        if (selector != null) {
            errs.addAll(templateForReplicaSet(spec.get("template"), selector, SPEC.child("template"), "ReplicaSet"));
        }
        return errs;
    }

    public static List<FieldError> replicaSetUpdate(ObjectNode obj, ObjectNode old) {
        List<FieldError> errs = replicaSet(obj);
        selectorImmutable(errs, obj, old);
        return errs;
    }

    /** Upstream's ValidatePodTemplateSpecForReplicaSet. */
    private static List<FieldError> templateForReplicaSet(JsonNode template, LabelSelector selector, FieldPath path,
                                                          String kind) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode labels = template == null ? null : template.path("metadata").get("labels");
        if (!selector.isEmpty() && !selector.matches(labels)) {
            errs.add(FieldError.invalid(path.child("metadata").child("labels"), GoSyntax.stringMap(labels), SELECTOR_MISMATCH));
        }
        errs.addAll(PodTemplateRules.validateTemplateMetadata(template, path));
        errs.addAll(PodTemplateRules.validateSpec(template == null ? null : template.get("spec"), path.child("spec")));
        alwaysRestart(errs, template, path, kind);
        return errs;
    }

    private static void alwaysRestart(List<FieldError> errs, JsonNode template, FieldPath path, String kind) {
        String restart = PodTemplateRules.restartPolicy(template);
        if (!restart.equals("Always")) {
            errs.add(FieldError.notSupported(path.child("spec").child("restartPolicy"), restart, List.of("Always")));
        }
        JsonNode ads = template == null ? null : template.path("spec").get("activeDeadlineSeconds");
        if (ads != null && !ads.isNull()) {
            errs.add(FieldError.forbidden(path.child("spec").child("activeDeadlineSeconds"),
                    "activeDeadlineSeconds in " + kind + " is not Supported"));
        }
    }

    // ---------------------------------------------------------------- StatefulSet

    public static List<FieldError> statefulSet(ObjectNode obj) {
        JsonNode spec = obj.path("spec");
        List<FieldError> errs = new ArrayList<>();
        String pmp = spec.path("podManagementPolicy").asText("");
        switch (pmp) {
            case "" -> errs.add(FieldError.required(SPEC.child("podManagementPolicy"), ""));
            case "OrderedReady", "Parallel" -> {
            }
            default -> errs.add(FieldError.invalid(SPEC.child("podManagementPolicy"), pmp,
                    "must be 'OrderedReady' or 'Parallel'"));
        }
        JsonNode us = spec.path("updateStrategy");
        JsonNode ru = us.get("rollingUpdate");
        boolean hasRu = ru != null && !ru.isNull();
        FieldPath usPath = SPEC.child("updateStrategy");
        switch (us.path("type").asText("")) {
            case "" -> errs.add(FieldError.required(usPath, ""));
            case "OnDelete" -> {
                if (hasRu) {
                    errs.add(FieldError.invalid(usPath.child("rollingUpdate"), statefulSetRollingUpdate(ru),
                            "only allowed for updateStrategy 'RollingUpdate'"));
                }
            }
            case "RollingUpdate" -> {
                if (hasRu) {
                    FieldPath rp = usPath.child("rollingUpdate");
                    nonNegative(errs, ru.get("partition"), rp.child("partition"));
                    JsonNode mu = ru.get("maxUnavailable");
                    if (mu != null && !mu.isNull()) {
                        IntOrPercent.validatePositive(errs, mu, rp.child("maxUnavailable"));
                        if (IntOrPercent.value(mu) == 0) {
                            errs.add(FieldError.invalid(rp.child("maxUnavailable"), GoSyntax.intOrString(mu), "cannot be 0"));
                        }
                        IntOrPercent.notMoreThan100Percent(errs, mu, rp.child("maxUnavailable"));
                    }
                }
            }
            default -> errs.add(FieldError.invalid(usPath, new GoSyntax.Rendered("apps.StatefulSetUpdateStrategy{Type:"
                    + GoSyntax.quote(us.path("type").asText()) + ", RollingUpdate:"
                    + (hasRu ? "&" + statefulSetRollingUpdate(ru) : "(*apps.RollingUpdateStatefulSetStrategy)(nil)") + "}"),
                    "must be 'RollingUpdate' or 'OnDelete'"));
        }
        JsonNode retention = spec.get("persistentVolumeClaimRetentionPolicy");
        if (retention != null && !retention.isNull()) {
            FieldPath rp = SPEC.child("persistentVolumeClaimRetentionPolicy");
            for (String f : List.of("whenDeleted", "whenScaled")) {
                String v = retention.path(f).asText("");
                if (!v.equals("Retain") && !v.equals("Delete")) {
                    errs.add(FieldError.notSupported(rp.child(f), v, List.of("Retain", "Delete")));
                }
            }
        }
        nonNegative(errs, spec.get("replicas"), SPEC.child("replicas"));
        nonNegative(errs, spec.get("minReadySeconds"), SPEC.child("minReadySeconds"));
        JsonNode ordinals = spec.get("ordinals");
        if (ordinals != null && !ordinals.isNull()) {
            nonNegative(errs, ordinals.get("start"), SPEC.child("ordinals.start"));
        }
        LabelSelector selector = selector(errs, spec.get("selector"), "statefulset");
        JsonNode template = spec.get("template");
        FieldPath tp = SPEC.child("template");
        if (selector != null) {
            JsonNode labels = template == null ? null : template.path("metadata").get("labels");
            if (!selector.isEmpty() && !selector.matches(labels)) {
                errs.add(FieldError.invalid(tp.child("metadata").child("labels"), GoSyntax.stringMap(labels), SELECTOR_MISMATCH));
            }
            // upstream checks only the template's labels and annotations here, not the pod spec
            errs.addAll(PodTemplateRules.validateTemplateMetadata(template, tp));
        }
        alwaysRestart(errs, template, tp, "StatefulSet");
        return errs;
    }

    private static GoSyntax.Rendered statefulSetRollingUpdate(JsonNode ru) {
        JsonNode mu = ru.get("maxUnavailable");
        return new GoSyntax.Rendered("apps.RollingUpdateStatefulSetStrategy{Partition:" + number(ru.get("partition"), 0)
                + ", MaxUnavailable:" + (mu == null || mu.isNull() ? "(*intstr.IntOrString)(nil)" : "&" + GoSyntax.intOrString(mu))
                + "}");
    }

    public static List<FieldError> statefulSetUpdate(ObjectNode obj, ObjectNode old) {
        List<FieldError> errs = statefulSet(obj);
        ObjectNode a = obj.path("spec").isObject() ? ((ObjectNode) obj.get("spec")).deepCopy() : Json.object();
        ObjectNode b = old.path("spec").isObject() ? ((ObjectNode) old.get("spec")).deepCopy() : Json.object();
        for (ObjectNode s : List.of(a, b)) {
            s.remove(List.of("replicas", "template", "updateStrategy", "minReadySeconds", "ordinals",
                    "persistentVolumeClaimRetentionPolicy"));
        }
        if (!same(a, b)) {
            errs.add(FieldError.forbidden(SPEC, STATEFULSET_FORBIDDEN));
        }
        return errs;
    }

    // ---------------------------------------------------------------- DaemonSet

    public static List<FieldError> daemonSet(ObjectNode obj) {
        JsonNode spec = obj.path("spec");
        List<FieldError> errs = new ArrayList<>();
        JsonNode sel = spec.get("selector");
        errs.addAll(LabelSelector.validate(sel, SPEC.child("selector")));
        JsonNode template = spec.get("template");
        FieldPath tp = SPEC.child("template");
        try {
            JsonNode labels = template == null ? null : template.path("metadata").get("labels");
            if (!LabelSelector.fromJson(sel).matches(labels)) {
                errs.add(FieldError.invalid(tp.child("metadata").child("labels"), GoSyntax.stringMap(labels), SELECTOR_MISMATCH));
            }
        } catch (StatusException e) {
            // an unparsable selector is reported by the selector validation above
        }
        if (sel != null && !sel.isNull() && emptySelector(sel)) {
            errs.add(FieldError.invalid(SPEC.child("selector"), GoSyntax.labelSelector(sel),
                    "empty selector is invalid for daemonset"));
        }
        errs.addAll(PodTemplateRules.validateTemplateMetadata(template, tp));
        errs.addAll(PodTemplateRules.validateSpec(template == null ? null : template.get("spec"), tp.child("spec")));
        alwaysRestart(errs, template, tp, "DaemonSet");
        nonNegative(errs, spec.get("minReadySeconds"), SPEC.child("minReadySeconds"));
        JsonNode us = spec.path("updateStrategy");
        FieldPath usPath = SPEC.child("updateStrategy");
        String type = us.path("type").asText("");
        switch (type) {
            case "OnDelete" -> {
            }
            case "RollingUpdate" -> {
                JsonNode ru = us.get("rollingUpdate");
                if (ru == null || ru.isNull()) {
                    errs.add(FieldError.required(usPath.child("rollingUpdate"), ""));
                } else {
                    FieldPath rp = usPath.child("rollingUpdate");
                    JsonNode mu = ru.get("maxUnavailable");
                    JsonNode ms = ru.get("maxSurge");
                    IntOrPercent.validatePositive(errs, mu, rp.child("maxUnavailable"));
                    IntOrPercent.validatePositive(errs, ms, rp.child("maxSurge"));
                    IntOrPercent.notMoreThan100Percent(errs, mu, rp.child("maxUnavailable"));
                    IntOrPercent.notMoreThan100Percent(errs, ms, rp.child("maxSurge"));
                    boolean hasUnavailable = IntOrPercent.value(mu) != 0;
                    boolean hasSurge = IntOrPercent.value(ms) != 0;
                    if (hasUnavailable && hasSurge) {
                        errs.add(FieldError.invalid(rp.child("maxSurge"), GoSyntax.intOrString(ms),
                                "may not be set when maxUnavailable is non-zero"));
                    } else if (!hasUnavailable && !hasSurge) {
                        errs.add(FieldError.required(rp.child("maxUnavailable"), "cannot be 0 when maxSurge is 0"));
                    }
                }
            }
            default -> errs.add(FieldError.notSupported(usPath, new GoSyntax.Rendered(
                    "apps.DaemonSetUpdateStrategy{Type:" + GoSyntax.quote(type)
                            + ", RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}"), List.of("RollingUpdate", "OnDelete")));
        }
        nonNegative(errs, spec.get("revisionHistoryLimit"), SPEC.child("revisionHistoryLimit"));
        return errs;
    }

    public static List<FieldError> daemonSetUpdate(ObjectNode obj, ObjectNode old) {
        List<FieldError> errs = daemonSet(obj);
        selectorImmutable(errs, obj, old);
        return errs;
    }

    // ---------------------------------------------------------------- ControllerRevision

    public static List<FieldError> controllerRevision(ObjectNode obj) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode data = obj.get("data");
        if (data == null || data.isNull()) {
            errs.add(FieldError.required(FieldPath.root("data"), "data is mandatory"));
        }
        nonNegative(errs, obj.get("revision"), FieldPath.root("revision"));
        return errs;
    }

    public static List<FieldError> controllerRevisionUpdate(ObjectNode obj, ObjectNode old) {
        List<FieldError> errs = controllerRevision(obj);
        JsonNode data = obj.get("data");
        immutable(errs, data, old.get("data"), FieldPath.root("data"),
                new GoSyntax.Rendered("runtime.RawExtension{Raw:" + (data == null ? "[]uint8(nil)" : GoSyntax.quote(data.toString())) + "}"));
        return errs;
    }

    // ---------------------------------------------------------------- shared

    /**
     * Validates a required, non-empty structured selector; returns it parsed, or null when it
     * cannot be parsed (upstream then skips the template checks).
     */
    private static LabelSelector selector(List<FieldError> errs, JsonNode sel, String kind) {
        FieldPath path = SPEC.child("selector");
        if (sel == null || sel.isNull()) {
            errs.add(FieldError.required(path, ""));
        } else {
            errs.addAll(LabelSelector.validate(sel, path));
            if (emptySelector(sel)) {
                errs.add(FieldError.invalid(path, GoSyntax.labelSelector(sel), "empty selector is invalid for " + kind));
            }
        }
        try {
            return LabelSelector.fromJson(sel);
        } catch (StatusException e) {
            errs.add(FieldError.invalid(path, GoSyntax.labelSelector(sel), "invalid label selector"));
            return null;
        }
    }

    /** apps/v1 forbids changing the selector of Deployments, ReplicaSets and DaemonSets. */
    private static void selectorImmutable(List<FieldError> errs, ObjectNode obj, ObjectNode old) {
        JsonNode sel = obj.path("spec").get("selector");
        immutable(errs, sel, old.path("spec").get("selector"), SPEC.child("selector"), GoSyntax.labelSelector(sel));
    }
}
