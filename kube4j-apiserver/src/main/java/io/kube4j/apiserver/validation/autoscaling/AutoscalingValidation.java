package io.kube4j.apiserver.validation.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;
import io.kube4j.apimachinery.validation.NameRules;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * autoscaling/v2 HorizontalPodAutoscaler defaulting and validation (upstream's
 * pkg/apis/autoscaling/v2/defaults.go and pkg/apis/autoscaling/validation), with upstream's
 * messages. Stateless and thread-safe.
 */
public final class AutoscalingValidation {
    private static final FieldPath SPEC = FieldPath.root("spec");
    private static final List<String> SOURCE_TYPES = List.of("ContainerResource", "External", "Object", "Pods", "Resource");
    /** Metric source type to the field that carries it. */
    private static final Map<String, String> SOURCE_FIELDS = Map.of(
            "Object", "object", "Pods", "pods", "Resource", "resource", "External", "external",
            "ContainerResource", "containerResource");
    private static final List<String> FIELD_ORDER = List.of("object", "external", "pods", "resource", "containerResource");

    private AutoscalingValidation() {
    }

    /** minReplicas 1, an 80% CPU target when no metrics are given, and behavior rules filled in. */
    public static void defaults(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        if (!spec.hasNonNull("minReplicas")) {
            spec.put("minReplicas", 1);
        }
        JsonNode metrics = spec.get("metrics");
        if (metrics == null || !metrics.isArray() || metrics.isEmpty()) {
            ObjectNode m = spec.putArray("metrics").addObject();
            m.put("type", "Resource");
            ObjectNode r = m.putObject("resource");
            r.put("name", "cpu");
            r.putObject("target").put("type", "Utilization").put("averageUtilization", 80);
        }
        if (spec.get("behavior") instanceof ObjectNode behavior) {
            scalingRules(behavior, "scaleUp", 0, true);
            scalingRules(behavior, "scaleDown", 300, false);
        }
    }

    private static void scalingRules(ObjectNode behavior, String field, int window, boolean up) {
        ObjectNode rules = Json.with(behavior, field);
        if (!rules.hasNonNull("stabilizationWindowSeconds")) {
            rules.put("stabilizationWindowSeconds", window);
        }
        if (!rules.hasNonNull("selectPolicy")) {
            rules.put("selectPolicy", "Max");
        }
        if (!rules.hasNonNull("policies")) {
            ArrayNode p = rules.putArray("policies");
            if (up) {
                p.addObject().put("type", "Pods").put("value", 4).put("periodSeconds", 15);
            }
            p.addObject().put("type", "Percent").put("value", 100).put("periodSeconds", 15);
        }
    }

    public static List<FieldError> hpa(ObjectNode obj) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode spec = obj.path("spec");
        JsonNode min = spec.get("minReplicas");
        long max = spec.path("maxReplicas").asLong(0);
        if (min != null && !min.isNull() && min.asLong() < 1) {
            errs.add(FieldError.invalid(SPEC.child("minReplicas"), min.asLong(), "must be greater than or equal to 1"));
        }
        if (max < 1) {
            errs.add(FieldError.invalid(SPEC.child("maxReplicas"), max, "must be greater than 0"));
        }
        if (min != null && !min.isNull() && max < min.asLong()) {
            errs.add(FieldError.invalid(SPEC.child("maxReplicas"), max, "must be greater than or equal to `minReplicas`"));
        }
        JsonNode ref = spec.path("scaleTargetRef");
        FieldPath rp = SPEC.child("scaleTargetRef");
        for (String f : List.of("kind", "name")) {
            String v = ref.path(f).asText("");
            if (v.isEmpty()) {
                errs.add(FieldError.required(rp.child(f), ""));
            } else {
                for (String m : NameRules.isValidPathSegmentName(v)) {
                    errs.add(FieldError.invalid(rp.child(f), v, m));
                }
            }
        }
        int i = 0;
        for (JsonNode metric : spec.path("metrics")) {
            metricSpec(errs, metric, SPEC.child("metrics").index(i++));
        }
        return errs;
    }

    private static void metricSpec(List<FieldError> errs, JsonNode m, FieldPath path) {
        String type = m.path("type").asText("");
        if (type.isEmpty()) {
            errs.add(FieldError.required(path.child("type"), "must specify a metric source type"));
        }
        if (!SOURCE_TYPES.contains(type)) {
            errs.add(FieldError.notSupported(path.child("type"), type, SOURCE_TYPES));
        }
        Set<String> present = new LinkedHashSet<>();
        for (String f : FIELD_ORDER) {
            JsonNode src = m.get(f);
            if (src != null && !src.isNull()) {
                present.add(f);
                if (present.size() == 1) {
                    source(errs, f, src, path.child(f));
                }
            }
        }
        String expected = SOURCE_FIELDS.get(type);
        if (expected != null) {
            JsonNode src = m.get(expected);
            if (src == null || src.isNull()) {
                errs.add(FieldError.required(path.child(expected), "must populate information for the given metric source"));
            }
        } else {
            // upstream reports an unknown type twice
            errs.add(FieldError.notSupported(path.child("type"), type, SOURCE_TYPES));
        }
        if (present.size() != 1) {
            present.remove(expected);
            for (String f : present) {
                errs.add(FieldError.forbidden(path.child(f), "must populate the given metric source only"));
            }
        }
    }

    private static void source(List<FieldError> errs, String kind, JsonNode src, FieldPath path) {
        switch (kind) {
            case "resource", "containerResource" -> {
                if (src.path("name").asText("").isEmpty()) {
                    errs.add(FieldError.required(path.child("name"), "must specify a resource name"));
                }
                if (kind.equals("containerResource") && src.path("container").asText("").isEmpty()) {
                    errs.add(FieldError.required(path.child("container"), "must specify a container"));
                }
                JsonNode target = src.path("target");
                metricTarget(errs, target, path.child("target"));
                boolean util = target.hasNonNull("averageUtilization");
                boolean avg = target.hasNonNull("averageValue");
                if (!util && !avg) {
                    errs.add(FieldError.required(path.child("target").child("averageUtilization"),
                            "must set either a target raw value or a target utilization"));
                }
                if (util && avg) {
                    errs.add(FieldError.forbidden(path.child("target").child("averageValue"),
                            "may not set both a target raw value and a target utilization"));
                }
            }
            default -> {
                if (src.path("metric").path("name").asText("").isEmpty()) {
                    errs.add(FieldError.required(path.child("metric").child("name"), "must specify a metric name"));
                }
                metricTarget(errs, src.path("target"), path.child("target"));
            }
        }
    }

    private static void metricTarget(List<FieldError> errs, JsonNode t, FieldPath path) {
        String type = t.path("type").asText("");
        if (type.isEmpty()) {
            errs.add(FieldError.required(path.child("type"), "must specify a metric target type"));
        }
        if (!type.equals("Utilization") && !type.equals("Value") && !type.equals("AverageValue")) {
            errs.add(FieldError.invalid(path.child("type"), type, "must be either Utilization, Value, or AverageValue"));
        }
        JsonNode util = t.get("averageUtilization");
        if (util != null && !util.isNull() && util.asLong() < 1) {
            errs.add(FieldError.invalid(path.child("averageUtilization"), util.asLong(), "must be greater than 0"));
        }
    }
}
