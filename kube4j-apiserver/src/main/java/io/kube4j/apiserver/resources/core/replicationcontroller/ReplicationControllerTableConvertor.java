package io.kube4j.apiserver.resources.core.replicationcontroller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;
import io.kube4j.apiserver.printers.TemplateColumns;

import java.time.Instant;
import java.util.List;

import static io.kube4j.apiserver.printers.CellFormat.at;

/** ReplicationController rows: DESIRED, CURRENT, READY; wide: containers, images, selector. */
public final class ReplicationControllerTableConvertor implements TableConvertor {
    private static final List<Column> COLUMNS = TemplateColumns.REPLICATED;

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode rc, Instant now) {
        String[] containers = CellFormat.containerCells(at(rc, "spec", "template", "spec"));
        JsonNode selector = at(rc, "spec", "selector");
        // an empty selector is defaulted to the template's labels
        if (selector == null || selector.isEmpty()) {
            selector = at(rc, "spec", "template", "metadata", "labels");
        }
        return List.of(CellFormat.text(rc, "metadata", "name"), CellFormat.integerOr(1, rc, "spec", "replicas"),
                CellFormat.integer(rc, "status", "replicas"), CellFormat.integer(rc, "status", "readyReplicas"),
                CellFormat.age(rc, now), containers[0], containers[1], CellFormat.formatLabels(selector));
    }
}
