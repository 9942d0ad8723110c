package io.kube4j.apiserver.resources.scheduling.priorityclass;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;

import java.time.Instant;
import java.util.List;

/** PriorityClass rows: VALUE, GLOBAL-DEFAULT, AGE, PREEMPTIONPOLICY. Stateless and thread-safe. */
public final class PriorityClassTableConvertor implements TableConvertor {
    private static final List<Column> COLUMNS = List.of(
            Column.nameColumn(),
            Column.integer("Value", "value represents the integer value of this priority class. This is the "
                    + "actual priority that pods receive when they have the name of this class in their pod spec."),
            new Column("Global-Default", "boolean", "", "globalDefault specifies whether this PriorityClass should "
                    + "be considered as the default priority for pods that do not have any priority class. Only "
                    + "one PriorityClass can be marked as `globalDefault`. However, if more than one "
                    + "PriorityClasses exists with their `globalDefault` field set to true, the smallest value of "
                    + "such global default PriorityClasses will be used as the default priority.", 0),
            Column.ageColumn(),
            // upstream gives this column no wide priority, so it always shows
            Column.string("PreemptionPolicy", "preemptionPolicy is the Policy for preempting pods with lower "
                    + "priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset."));

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode pc, Instant now) {
        return List.of(CellFormat.text(pc, "metadata", "name"), CellFormat.integer(pc, "value"),
                CellFormat.bool(pc, "globalDefault"), CellFormat.age(pc, now),
                CellFormat.textOr("PreemptLowerPriority", pc, "preemptionPolicy"));
    }
}
