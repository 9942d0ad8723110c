package io.kube4j.apiserver.resources.policy.poddisruptionbudget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;

import java.time.Instant;
import java.util.List;

import static io.kube4j.apiserver.printers.CellFormat.at;

/** PodDisruptionBudget rows: MIN AVAILABLE, MAX UNAVAILABLE ("N/A" when unset), ALLOWED DISRUPTIONS. */
public final class PodDisruptionBudgetTableConvertor implements TableConvertor {
    private static final List<Column> COLUMNS = List.of(Column.nameColumn(),
            Column.string("Min Available"),
            Column.string("Max Unavailable"),
            Column.integer("Allowed Disruptions"),
            Column.ageColumn());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode pdb, Instant now) {
        JsonNode min = at(pdb, "spec", "minAvailable");
        JsonNode max = at(pdb, "spec", "maxUnavailable");
        return List.of(CellFormat.text(pdb, "metadata", "name"), min == null ? "N/A" : CellFormat.intOrString(min),
                max == null ? "N/A" : CellFormat.intOrString(max),
                CellFormat.integer(pdb, "status", "disruptionsAllowed"), CellFormat.age(pdb, now));
    }
}
