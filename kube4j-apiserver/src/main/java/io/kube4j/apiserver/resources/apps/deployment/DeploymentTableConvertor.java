package io.kube4j.apiserver.resources.apps.deployment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;
import io.kube4j.apiserver.printers.TemplateColumns;

import java.time.Instant;
import java.util.List;

import static io.kube4j.apiserver.printers.CellFormat.at;

/**
 * Deployment rows: READY ({@code ready/desired}), UP-TO-DATE, AVAILABLE; wide: containers,
 * images and the selector. Stateless and thread-safe.
 */
public final class DeploymentTableConvertor implements TableConvertor {
    private static final List<Column> COLUMNS = List.of(
            Column.nameColumn(),
            Column.string("Ready"),
            Column.string("Up-to-date"),
            Column.string("Available"),
            Column.ageColumn(),
            TemplateColumns.containers(),
            TemplateColumns.images(),
            TemplateColumns.selector());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode d, Instant now) {
        String[] containers = CellFormat.containerCells(at(d, "spec", "template", "spec"));
        String selector = CellFormat.selectorString(at(d, "spec", "selector"));
        long desired = CellFormat.integerOr(1, d, "spec", "replicas");
        return List.of(CellFormat.text(d, "metadata", "name"),
                CellFormat.integer(d, "status", "readyReplicas") + "/" + desired,
                CellFormat.integer(d, "status", "updatedReplicas"), CellFormat.integer(d, "status", "availableReplicas"),
                CellFormat.age(d, now), containers[0], containers[1], selector == null ? "<invalid>" : selector);
    }
}
