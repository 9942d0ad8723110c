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
    private static final List<Column> COLUMNS = List.of(
            Column.nameColumn(),
            Column.integer("Desired", "Replicas is the number of desired replicas. This is a pointer to "
                    + "distinguish between explicit zero and unspecified. Defaults to 1. More info: "
                    + "https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller"
                    + "#what-is-a-replicationcontroller"),
            Column.integer("Current", "Replicas is the most recently observed number of replicas. More info: "
                    + "https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller"
                    + "#what-is-a-replicationcontroller"),
            Column.integer("Ready", "The number of ready replicas for this replication controller."),
            Column.ageColumn(),
            TemplateColumns.containers(),
            TemplateColumns.images(),
            TemplateColumns.selector("Selector is a label query over pods that should match the Replicas count. "
                    + "If Selector is empty, it is defaulted to the labels present on the Pod template. Label keys "
                    + "and values that must match in order to be controlled by this replication controller, if "
                    + "empty defaulted to labels on Pod template. More info: "
                    + "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"));

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
