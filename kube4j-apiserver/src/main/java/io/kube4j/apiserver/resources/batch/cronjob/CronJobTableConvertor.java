package io.kube4j.apiserver.resources.batch.cronjob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;
import io.kube4j.apiserver.printers.TemplateColumns;

import java.time.Instant;
import java.util.List;

import static io.kube4j.apiserver.printers.CellFormat.at;
import static io.kube4j.apiserver.printers.CellFormat.text;

/**
 * CronJob rows: SCHEDULE, TIMEZONE, SUSPEND, ACTIVE, LAST SCHEDULE; wide: containers, images and
 * the job template's selector. Stateless and thread-safe.
 */
public final class CronJobTableConvertor implements TableConvertor {
    private static final List<Column> COLUMNS = List.of(
            Column.nameColumn(),
            Column.string("Schedule"),
            Column.string("Timezone"),
            new Column("Suspend", "boolean", "", Column.describe("Suspend"), 0),
            Column.integer("Active"),
            Column.string("Last Schedule"),
            Column.ageColumn(),
            TemplateColumns.containers(),
            TemplateColumns.images(),
            TemplateColumns.selector());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode cj, Instant now) {
        JsonNode spec = at(cj, "spec");
        JsonNode lastSchedule = at(cj, "status", "lastScheduleTime");
        String[] containers = CellFormat.containerCells(at(spec, "jobTemplate", "spec", "template", "spec"));
        // suspend is defaulted to false, so "<unset>" never shows for stored objects
        return List.of(text(cj, "metadata", "name"), text(spec, "schedule"),
                CellFormat.textOr(CellFormat.NONE, spec, "timeZone"),
                CellFormat.trueFalse(CellFormat.bool(spec, "suspend")), (long) CellFormat.size(cj, "status", "active"),
                lastSchedule == null ? CellFormat.NONE : CellFormat.since(lastSchedule, now), CellFormat.age(cj, now),
                containers[0], containers[1],
                CellFormat.formatLabelSelector(at(spec, "jobTemplate", "spec", "selector")));
    }
}
