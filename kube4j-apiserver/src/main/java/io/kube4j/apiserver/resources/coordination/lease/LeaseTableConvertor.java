package io.kube4j.apiserver.resources.coordination.lease;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;

import java.time.Instant;
import java.util.List;

/** Lease rows: HOLDER (the holder identity, "" when free). Stateless and thread-safe. */
public final class LeaseTableConvertor implements TableConvertor {
    private static final List<Column> COLUMNS = List.of(Column.nameColumn(),
            Column.string("Holder"),
            Column.ageColumn());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode lease, Instant now) {
        return List.of(CellFormat.text(lease, "metadata", "name"), CellFormat.text(lease, "spec", "holderIdentity"),
                CellFormat.age(lease, now));
    }
}
