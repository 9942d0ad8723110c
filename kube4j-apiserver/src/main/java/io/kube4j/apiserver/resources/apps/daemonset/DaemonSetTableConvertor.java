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
            Column.integer("Desired", "The total number of nodes that should be running the daemon pod "
                    + "(including nodes correctly running the daemon pod). More info: "
                    + "https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"),
            Column.integer("Current", "The number of nodes that are running at least 1 daemon pod and are "
                    + "supposed to run the daemon pod. More info: "
                    + "https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"),
            Column.integer("Ready", "The number of nodes that should be running the daemon pod and have one or "
                    + "more of the daemon pod running and ready."),
            Column.integer("Up-to-date", "The total number of nodes that are running updated daemon pod"),
            Column.integer("Available", "The number of nodes that should be running the daemon pod and have one "
                    + "or more of the daemon pod running and available (ready for at least "
                    + "spec.minReadySeconds)"),
            Column.string("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a "
                    + "node. Selector which must match a node's labels for the pod to be scheduled on that node. "
                    + "More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/"),
            Column.ageColumn(),
            TemplateColumns.containers(),
            TemplateColumns.images(),
            TemplateColumns.selector("A label query over pods that are managed by the daemon set. Must match in "
                    + "order to be controlled. If empty, defaulted to labels on Pod template. More info: "
                    + "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"));

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
