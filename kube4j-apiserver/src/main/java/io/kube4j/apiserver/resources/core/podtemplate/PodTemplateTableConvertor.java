package io.kube4j.apiserver.resources.core.podtemplate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;

import java.time.Instant;
import java.util.List;

import static io.kube4j.apiserver.printers.CellFormat.at;

/** PodTemplate rows: CONTAINERS, IMAGES, POD LABELS (no age, as upstream). Stateless and thread-safe. */
public final class PodTemplateTableConvertor implements TableConvertor {
    private static final List<Column> COLUMNS = List.of(Column.nameColumn(),
            Column.string("Containers"),
            Column.string("Images"),
            Column.string("Pod Labels"));

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode pt, Instant now) {
        String[] containers = CellFormat.containerCells(at(pt, "template", "spec"));
        return List.of(CellFormat.text(pt, "metadata", "name"), containers[0], containers[1],
                CellFormat.formatLabels(at(pt, "template", "metadata", "labels")));
    }
}
