package io.kube4j.apiserver.resources.networking.ingressclass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;

import java.time.Instant;
import java.util.List;

import static io.kube4j.apiserver.printers.CellFormat.at;
import static io.kube4j.apiserver.printers.CellFormat.text;

/** IngressClass rows: CONTROLLER and PARAMETERS ({@code Kind.group/name}). Stateless and thread-safe. */
public final class IngressClassTableConvertor implements TableConvertor {
    private static final List<Column> COLUMNS = List.of(Column.nameColumn(),
            Column.string("Controller"),
            Column.string("Parameters"),
            Column.ageColumn());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode ic, Instant now) {
        JsonNode params = at(ic, "spec", "parameters");
        String parameters = CellFormat.NONE;
        if (params != null) {
            parameters = text(params, "kind");
            if (at(params, "apiGroup") != null) {
                parameters += "." + text(params, "apiGroup");
            }
            parameters += "/" + text(params, "name");
        }
        return List.of(text(ic, "metadata", "name"), text(ic, "spec", "controller"), parameters,
                CellFormat.age(ic, now));
    }
}
