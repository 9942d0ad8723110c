package io.kube4j.apiserver.resources.apps.replicaset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;
import io.kube4j.apiserver.printers.TemplateColumns;

import java.time.Instant;
import java.util.List;

import static io.kube4j.apiserver.printers.CellFormat.at;

/** ReplicaSet rows: DESIRED, CURRENT, READY; wide: containers, images, selector. */
public final class ReplicaSetTableConvertor implements TableConvertor {
    private static final List<Column> COLUMNS = TemplateColumns.REPLICATED;

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode rs, Instant now) {
        String[] containers = CellFormat.containerCells(at(rs, "spec", "template", "spec"));
        return List.of(CellFormat.text(rs, "metadata", "name"), CellFormat.integerOr(1, rs, "spec", "replicas"),
                CellFormat.integer(rs, "status", "replicas"), CellFormat.integer(rs, "status", "readyReplicas"),
                CellFormat.age(rs, now), containers[0], containers[1],
                CellFormat.formatLabelSelector(at(rs, "spec", "selector")));
    }
}
