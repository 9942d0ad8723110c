package io.kube4j.apiserver.resources.apps.statefulset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;
import io.kube4j.apiserver.printers.TemplateColumns;

import java.time.Instant;
import java.util.List;

import static io.kube4j.apiserver.printers.CellFormat.at;

/** StatefulSet rows: READY ({@code ready/desired}); wide: containers, images. */
public final class StatefulSetTableConvertor implements TableConvertor {
    private static final List<Column> COLUMNS = List.of(
            Column.nameColumn(),
            Column.string("Ready"),
            Column.ageColumn(),
            TemplateColumns.containers(),
            TemplateColumns.images());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode sts, Instant now) {
        String[] containers = CellFormat.containerCells(at(sts, "spec", "template", "spec"));
        return List.of(CellFormat.text(sts, "metadata", "name"),
                CellFormat.integer(sts, "status", "readyReplicas") + "/" + CellFormat.integerOr(1, sts, "spec", "replicas"),
                CellFormat.age(sts, now), containers[0], containers[1]);
    }
}
