package io.kube4j.apiserver.resources.core.configmap;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;

import java.time.Instant;
import java.util.List;

/** ConfigMap rows: DATA counts the keys of data and binaryData. Stateless and thread-safe. */
public final class ConfigMapTableConvertor implements TableConvertor {
    private static final List<Column> COLUMNS = List.of(Column.nameColumn(),
            Column.string("Data"),
            Column.ageColumn());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode cm, Instant now) {
        long data = CellFormat.size(cm, "data") + CellFormat.size(cm, "binaryData");
        return List.of(CellFormat.text(cm, "metadata", "name"), data, CellFormat.age(cm, now));
    }
}
