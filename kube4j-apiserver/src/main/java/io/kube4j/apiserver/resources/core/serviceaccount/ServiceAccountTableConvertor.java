package io.kube4j.apiserver.resources.core.serviceaccount;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;

import java.time.Instant;
import java.util.List;

/** ServiceAccount rows: SECRETS counts the referenced secrets. Stateless and thread-safe. */
public final class ServiceAccountTableConvertor implements TableConvertor {
    private static final List<Column> COLUMNS = List.of(Column.nameColumn(),
            Column.string("Secrets"),
            Column.ageColumn());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode sa, Instant now) {
        return List.of(CellFormat.text(sa, "metadata", "name"), (long) CellFormat.size(sa, "secrets"),
                CellFormat.age(sa, now));
    }
}
