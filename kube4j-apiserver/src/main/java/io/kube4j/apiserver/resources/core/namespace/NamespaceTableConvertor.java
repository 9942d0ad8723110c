package io.kube4j.apiserver.resources.core.namespace;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;

import java.time.Instant;
import java.util.List;

/** Namespace rows: NAME, STATUS (the phase), AGE. Stateless and thread-safe. */
public final class NamespaceTableConvertor implements TableConvertor {
    private static final List<Column> COLUMNS = List.of(Column.nameColumn(),
            Column.string("Status"), Column.ageColumn());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode ns, Instant now) {
        // the API defaults an empty phase to Active
        return List.of(CellFormat.text(ns, "metadata", "name"), CellFormat.textOr("Active", ns, "status", "phase"),
                CellFormat.age(ns, now));
    }
}
