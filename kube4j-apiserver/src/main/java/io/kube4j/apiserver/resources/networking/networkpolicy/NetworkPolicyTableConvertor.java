package io.kube4j.apiserver.resources.networking.networkpolicy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;

import java.time.Instant;
import java.util.List;

/** NetworkPolicy rows: POD-SELECTOR ({@code <none>} selects every pod). Stateless and thread-safe. */
public final class NetworkPolicyTableConvertor implements TableConvertor {
    private static final List<Column> COLUMNS = List.of(Column.nameColumn(),
            Column.string("Pod-Selector"),
            Column.ageColumn());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode np, Instant now) {
        return List.of(CellFormat.text(np, "metadata", "name"),
                CellFormat.formatLabelSelector(CellFormat.at(np, "spec", "podSelector")), CellFormat.age(np, now));
    }
}
