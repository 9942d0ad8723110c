package io.kube4j.apiserver.resources.apps.daemonset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;
import io.kube4j.apiserver.printers.TemplateColumns;

import java.time.Instant;
import java.util.List;

import static io.kube4j.apiserver.printers.CellFormat.at;

/**
 * DaemonSet rows: DESIRED, CURRENT, READY, UP-TO-DATE, AVAILABLE, NODE SELECTOR; wide: containers,
 * images, selector. Stateless and thread-safe.
 */
public final class DaemonSetTableConvertor implements TableConvertor {
    private static final List<Column> COLUMNS = List.of(
            Column.nameColumn(),
            Column.integer("Desired"),
            Column.integer("Current"),
            Column.integer("Ready"),
            Column.integer("Up-to-date"),
            Column.integer("Available"),
            Column.string("Node Selector"),
            Column.ageColumn(),
            TemplateColumns.containers(),
            TemplateColumns.images(),
            TemplateColumns.selector());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode ds, Instant now) {
        String[] containers = CellFormat.containerCells(at(ds, "spec", "template", "spec"));
        return List.of(CellFormat.text(ds, "metadata", "name"),
                CellFormat.integer(ds, "status", "desiredNumberScheduled"),
                CellFormat.integer(ds, "status", "currentNumberScheduled"),
                CellFormat.integer(ds, "status", "numberReady"),
                CellFormat.integer(ds, "status", "updatedNumberScheduled"),
                CellFormat.integer(ds, "status", "numberAvailable"),
                CellFormat.formatLabels(at(ds, "spec", "template", "spec", "nodeSelector")),
                CellFormat.age(ds, now), containers[0], containers[1],
                CellFormat.formatLabelSelector(at(ds, "spec", "selector")));
    }
}
