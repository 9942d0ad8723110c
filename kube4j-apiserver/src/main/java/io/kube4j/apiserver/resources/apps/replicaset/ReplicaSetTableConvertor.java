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
    private static final List<Column> COLUMNS = List.of(
            Column.nameColumn(),
            Column.integer("Desired", "Replicas is the number of desired replicas. This is a pointer to "
                    + "distinguish between explicit zero and unspecified. Defaults to 1. More info: "
                    + "https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller"
                    + "#what-is-a-replicationcontroller"),
            Column.integer("Current", "Replicas is the most recently observed number of replicas. More info: "
                    + "https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller"
                    + "#what-is-a-replicationcontroller"),
            Column.integer("Ready", "The number of ready replicas for this replica set."),
            Column.ageColumn(),
            TemplateColumns.containers(),
            TemplateColumns.images(),
            TemplateColumns.selector("Selector is a label query over pods that should match the replica count. "
                    + "If the selector is empty, it is defaulted to the labels present on the pod template. Label "
                    + "keys and values that must match in order to be controlled by this replica set. More info: "
                    + "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"));

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
