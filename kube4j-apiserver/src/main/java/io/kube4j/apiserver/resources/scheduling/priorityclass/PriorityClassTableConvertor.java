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
            Column.integer("Value"),
            new Column("Global-Default", "boolean", "", Column.describe("Global-Default"), 0),
            Column.ageColumn(),
            // upstream gives this column no wide priority, so it always shows
            Column.string("PreemptionPolicy"));

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
