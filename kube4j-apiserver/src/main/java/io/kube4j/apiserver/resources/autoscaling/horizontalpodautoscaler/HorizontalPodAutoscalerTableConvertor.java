package io.kube4j.apiserver.resources.autoscaling.horizontalpodautoscaler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.kube4j.apiserver.printers.CellFormat.at;
import static io.kube4j.apiserver.printers.CellFormat.text;

/**
 * autoscaling/v2 HorizontalPodAutoscaler rows: REFERENCE ({@code Kind/name}), TARGETS (the first two
 * metrics as {@code current/target}), MINPODS, MAXPODS, REPLICAS. Stateless and thread-safe.
 */
public final class HorizontalPodAutoscalerTableConvertor implements TableConvertor {
    private static final int MAX_METRICS = 2;
    /** How upstream prints a nil quantity. */
    private static final String NIL = "<nil>";
    private static final List<Column> COLUMNS = List.of(
            Column.nameColumn(),
            Column.string("Reference"),
            Column.string("Targets"),
            Column.string("MinPods"),
            Column.string("MaxPods"),
            Column.string("Replicas"),
            Column.ageColumn());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode hpa, Instant now) {
        JsonNode spec = at(hpa, "spec");
        String reference = text(spec, "scaleTargetRef", "kind") + "/" + text(spec, "scaleTargetRef", "name");
        // minReplicas is defaulted to 1
        String minPods = Long.toString(CellFormat.integerOr(1, spec, "minReplicas"));
        return List.of(text(hpa, "metadata", "name"), reference,
                metrics(CellFormat.list(spec, "metrics"), CellFormat.list(hpa, "status", "currentMetrics")), minPods,
                CellFormat.integer(spec, "maxReplicas"), CellFormat.integer(hpa, "status", "currentReplicas"),
                CellFormat.age(hpa, now));
    }

    static String metrics(List<JsonNode> specs, List<JsonNode> statuses) {
        if (specs.isEmpty()) {
            return CellFormat.NONE;
        }
        List<String> list = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            JsonNode spec = specs.get(i);
            JsonNode status = i < statuses.size() ? statuses.get(i) : null;
            list.add(switch (text(spec, "type")) {
                case "External" -> valueMetric(spec, status, "external");
                case "Object" -> valueMetric(spec, status, "object");
                case "Pods" -> {
                    JsonNode st = at(status, "pods");
                    String current = st == null ? CellFormat.UNKNOWN : quantity(at(st, "current", "averageValue"));
                    yield current + "/" + quantity(at(spec, "pods", "target", "averageValue"));
                }
                case "Resource" -> resourceMetric(spec, status, "resource");
                case "ContainerResource" -> resourceMetric(spec, status, "containerResource");
                default -> "<unknown type>";
            });
        }
        int count = list.size();
        if (count > MAX_METRICS) {
            return String.join(", ", list.subList(0, MAX_METRICS)) + " + " + (count - MAX_METRICS) + " more...";
        }
        return String.join(", ", list);
    }

    /** External and Object metrics: an average value target gets "(avg)". */
    private static String valueMetric(JsonNode spec, JsonNode status, String field) {
        JsonNode target = at(spec, field, "target");
        JsonNode st = at(status, field);
        if (at(target, "averageValue") != null) {
            String current = CellFormat.UNKNOWN;
            if (st != null && at(st, "current", "averageValue") != null) {
                current = quantity(at(st, "current", "averageValue"));
            }
            return current + "/" + quantity(at(target, "averageValue")) + " (avg)";
        }
        String current = st == null ? CellFormat.UNKNOWN : quantity(at(st, "current", "value"));
        return current + "/" + quantity(at(target, "value"));
    }

    private static String resourceMetric(JsonNode spec, JsonNode status, String field) {
        JsonNode source = at(spec, field);
        JsonNode target = at(source, "target");
        JsonNode st = at(status, field);
        String name = text(source, "name");
        if (at(target, "averageValue") != null) {
            String current = st == null ? CellFormat.UNKNOWN : quantity(at(st, "current", "averageValue"));
            return name + ": " + current + "/" + quantity(at(target, "averageValue"));
        }
        String current = CellFormat.UNKNOWN;
        if (st != null && at(st, "current", "averageUtilization") != null) {
            current = CellFormat.integer(st, "current", "averageUtilization") + "%";
        }
        String goal = at(target, "averageUtilization") == null ? "<auto>"
                : CellFormat.integer(target, "averageUtilization") + "%";
        return name + ": " + current + "/" + goal;
    }

    private static String quantity(JsonNode q) {
        return q == null ? NIL : q.asText();
    }
}
