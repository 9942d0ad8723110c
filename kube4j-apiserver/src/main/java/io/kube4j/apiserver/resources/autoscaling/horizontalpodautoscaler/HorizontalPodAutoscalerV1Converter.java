package io.kube4j.apiserver.resources.autoscaling.horizontalpodautoscaler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.registry.VersionConverter;

/**
 * autoscaling/v1 HorizontalPodAutoscalers are stored as autoscaling/v2. The v1 form knows only a
 * CPU utilization target; everything else v2 holds (other metrics, behavior, current metrics,
 * conditions) rides in annotations, as upstream does, so a v1 round trip loses nothing.
 */
public final class HorizontalPodAutoscalerV1Converter implements VersionConverter {
    static final String METRICS = "autoscaling.alpha.kubernetes.io/metrics";
    static final String BEHAVIOR = "autoscaling.alpha.kubernetes.io/behavior";
    static final String CURRENT_METRICS = "autoscaling.alpha.kubernetes.io/current-metrics";
    static final String CONDITIONS = "autoscaling.alpha.kubernetes.io/conditions";

    @Override
    public ObjectNode toStorage(ObjectNode served) {
        ObjectNode out = Json.object();
        out.put("apiVersion", "autoscaling/v2");
        out.put("kind", "HorizontalPodAutoscaler");
        ObjectNode meta = served.has("metadata") ? served.get("metadata").deepCopy() : Json.object();
        ObjectNode annotations = meta.get("annotations") instanceof ObjectNode a ? a : null;
        out.set("metadata", meta);
        ObjectNode spec = out.putObject("spec");
        JsonNode v1spec = served.get("spec");
        if (v1spec != null) {
            copy(v1spec, spec, "scaleTargetRef", "minReplicas", "maxReplicas");
        }
        ArrayNode metrics = Json.array();
        JsonNode cpu = Json.at(served, "spec", "targetCPUUtilizationPercentage");
        if (cpu != null) {
            ObjectNode m = metrics.addObject();
            m.put("type", "Resource");
            ObjectNode r = m.putObject("resource");
            r.put("name", "cpu");
            ObjectNode t = r.putObject("target");
            t.put("type", "Utilization");
            t.put("averageUtilization", cpu.asInt());
        }
        JsonNode other = fromAnnotation(annotations, METRICS);
        if (other instanceof ArrayNode arr) {
            metrics.addAll(arr);
        }
        if (!metrics.isEmpty()) {
            spec.set("metrics", metrics);
        }
        JsonNode behavior = fromAnnotation(annotations, BEHAVIOR);
        if (behavior != null) {
            spec.set("behavior", behavior);
        }
        JsonNode v1status = served.get("status");
        ObjectNode status = out.putObject("status");
        if (v1status != null) {
            copy(v1status, status, "observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas");
        }
        JsonNode current = fromAnnotation(annotations, CURRENT_METRICS);
        ArrayNode currentMetrics = current instanceof ArrayNode a ? a : Json.array();
        JsonNode currentCpu = Json.at(served, "status", "currentCPUUtilizationPercentage");
        if (currentCpu != null) {
            ObjectNode m = Json.object();
            m.put("type", "Resource");
            ObjectNode r = m.putObject("resource");
            r.put("name", "cpu");
            r.putObject("current").put("averageUtilization", currentCpu.asInt());
            currentMetrics.insert(0, m);
        }
        if (!currentMetrics.isEmpty()) {
            status.set("currentMetrics", currentMetrics);
        }
        JsonNode conditions = fromAnnotation(annotations, CONDITIONS);
        if (conditions != null) {
            status.set("conditions", conditions);
        }
        if (annotations != null) {
            annotations.remove(java.util.List.of(METRICS, BEHAVIOR, CURRENT_METRICS, CONDITIONS));
            if (annotations.isEmpty()) {
                meta.remove("annotations");
            }
        }
        return out;
    }

    @Override
    public ObjectNode fromStorage(ObjectNode stored) {
        ObjectNode out = Json.object();
        out.put("apiVersion", "autoscaling/v1");
        out.put("kind", "HorizontalPodAutoscaler");
        ObjectNode meta = stored.has("metadata") ? stored.get("metadata").deepCopy() : Json.object();
        out.set("metadata", meta);
        ObjectNode spec = out.putObject("spec");
        JsonNode v2spec = stored.get("spec");
        if (v2spec != null) {
            copy(v2spec, spec, "scaleTargetRef", "minReplicas", "maxReplicas");
        }
        ArrayNode other = Json.array();
        for (JsonNode m : Json.at(stored, "spec", "metrics") == null ? Json.array() : Json.at(stored, "spec", "metrics")) {
            if (isCpuUtilization(m, "target") && !spec.has("targetCPUUtilizationPercentage")) {
                spec.put("targetCPUUtilizationPercentage", m.path("resource").path("target").path("averageUtilization").asInt());
            } else {
                other.add(m);
            }
        }
        annotate(meta, METRICS, other.isEmpty() ? null : other);
        annotate(meta, BEHAVIOR, Json.at(stored, "spec", "behavior"));
        ObjectNode status = out.putObject("status");
        JsonNode v2status = stored.get("status");
        if (v2status != null) {
            copy(v2status, status, "observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas");
        }
        if (!status.has("currentReplicas")) {
            status.put("currentReplicas", 0);
        }
        if (!status.has("desiredReplicas")) {
            status.put("desiredReplicas", 0);
        }
        ArrayNode otherCurrent = Json.array();
        for (JsonNode m : Json.at(stored, "status", "currentMetrics") == null ? Json.array()
                : Json.at(stored, "status", "currentMetrics")) {
            if (isCpuUtilization(m, "current") && !status.has("currentCPUUtilizationPercentage")) {
                status.put("currentCPUUtilizationPercentage", m.path("resource").path("current").path("averageUtilization").asInt());
            } else {
                otherCurrent.add(m);
            }
        }
        annotate(meta, CURRENT_METRICS, otherCurrent.isEmpty() ? null : otherCurrent);
        annotate(meta, CONDITIONS, Json.at(stored, "status", "conditions"));
        return out;
    }

    private static boolean isCpuUtilization(JsonNode m, String field) {
        return "Resource".equals(m.path("type").asText()) && "cpu".equals(m.path("resource").path("name").asText())
                && m.path("resource").path(field).has("averageUtilization");
    }

    private static void annotate(ObjectNode meta, String key, JsonNode value) {
        if (value == null || value.isNull() || (value.isContainerNode() && value.isEmpty())) {
            return;
        }
        Json.with(meta, "annotations").put(key, Json.string(value));
    }

    private static JsonNode fromAnnotation(ObjectNode annotations, String key) {
        if (annotations == null || !annotations.hasNonNull(key)) {
            return null;
        }
        try {
            return Json.parse(annotations.get(key).asText());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void copy(JsonNode from, ObjectNode to, String... fields) {
        for (String f : fields) {
            JsonNode v = from.get(f);
            if (v != null && !v.isNull()) {
                to.set(f, v.deepCopy());
            }
        }
    }
}
