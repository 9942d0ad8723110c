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
            Column.string("Schedule", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
            Column.string("Timezone", "The time zone name for the given schedule, see "
                    + "https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will "
                    + "default to the time zone of the kube-controller-manager process. The set of valid time zone "
                    + "names and the time zone offset is loaded from the system-wide time zone database by the API "
                    + "server during CronJob validation and the controller manager during execution. If no "
                    + "system-wide time zone database can be found a bundled version of the database is used "
                    + "instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a "
                    + "change in host configuration, the controller will stop creating new new Jobs and will "
                    + "create a system event with the reason UnknownTimeZone. More information can be found in "
                    + "https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones"),
            new Column("Suspend", "boolean", "", "This flag tells the controller to suspend subsequent "
                    + "executions, it does not apply to already started executions.  Defaults to false.", 0),
            Column.integer("Active", "A list of pointers to currently running jobs."),
            Column.string("Last Schedule", "Information when was the last time the job was successfully "
                    + "scheduled."),
            Column.ageColumn(),
            TemplateColumns.containers(),
            TemplateColumns.images(),
            TemplateColumns.selector("A label query over pods that should match the pod count. Normally, the "
                    + "system sets this field for you. More info: "
                    + "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"));

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
