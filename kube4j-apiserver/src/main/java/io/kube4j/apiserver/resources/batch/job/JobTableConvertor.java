package io.kube4j.apiserver.resources.batch.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.meta.Timestamps;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;
import io.kube4j.apiserver.printers.TemplateColumns;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.kube4j.apiserver.printers.CellFormat.at;
import static io.kube4j.apiserver.printers.CellFormat.text;

/**
 * Job rows: STATUS (from the conditions), COMPLETIONS ({@code 1/3}, or {@code 0/1 of 4} for work
 * queues), DURATION (start to completion, or to now); wide: containers, images, selector.
 * Stateless and thread-safe.
 */
public final class JobTableConvertor implements TableConvertor {
    private static final List<Column> COLUMNS = List.of(
            Column.nameColumn(),
            Column.string("Status"),
            Column.string("Completions"),
            Column.string("Duration"),
            Column.ageColumn(),
            TemplateColumns.containers(),
            TemplateColumns.images(),
            TemplateColumns.selector());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode job, Instant now) {
        JsonNode spec = at(job, "spec");
        String[] containers = CellFormat.containerCells(at(spec, "template", "spec"));
        return List.of(text(job, "metadata", "name"), status(job), completions(job), duration(job, now),
                CellFormat.age(job, now), containers[0], containers[1],
                CellFormat.formatLabelSelector(at(spec, "selector")));
    }

    static String completions(JsonNode job) {
        long succeeded = CellFormat.integer(job, "status", "succeeded");
        JsonNode completions = at(job, "spec", "completions");
        if (completions != null) {
            return succeeded + "/" + completions.asLong();
        }
        long parallelism = CellFormat.integer(job, "spec", "parallelism");
        return parallelism > 1 ? succeeded + "/1 of " + parallelism : succeeded + "/1";
    }

    static String duration(JsonNode job, Instant now) {
        Instant start = CellFormat.instant(at(job, "status", "startTime"));
        if (start == null) {
            return "";
        }
        Instant end = CellFormat.instant(at(job, "status", "completionTime"));
        return Timestamps.humanDuration(Duration.between(start, end == null ? now : end));
    }

    static String status(JsonNode job) {
        List<JsonNode> conditions = CellFormat.list(job, "status", "conditions");
        if (hasCondition(conditions, "Complete")) {
            return "Complete";
        } else if (hasCondition(conditions, "Failed")) {
            return "Failed";
        } else if (at(job, "metadata", "deletionTimestamp") != null) {
            return "Terminating";
        } else if (hasCondition(conditions, "Suspended")) {
            return "Suspended";
        } else if (hasCondition(conditions, "FailureTarget")) {
            return "FailureTarget";
        } else if (hasCondition(conditions, "SuccessCriteriaMet")) {
            // the Job controller's interim condition while the last pods terminate
            return "SuccessCriteriaMet";
        }
        return "Running";
    }

    /** Whether the first condition of that type is True, as upstream's hasJobCondition. */
    private static boolean hasCondition(List<JsonNode> conditions, String type) {
        for (JsonNode c : conditions) {
            if (type.equals(text(c, "type"))) {
                return "True".equals(text(c, "status"));
            }
        }
        return false;
    }
}
