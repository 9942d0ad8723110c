package io.kube4j.apiserver.resources.core.secret;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Secret rows: TYPE and the number of DATA keys. Stateless and thread-safe. */
public final class SecretTableConvertor implements TableConvertor {
    private static final List<Column> COLUMNS = List.of(Column.nameColumn(),
            Column.string("Type"),
            Column.string("Data"),
            Column.ageColumn());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode secret, Instant now) {
        // stringData is merged into data when the API decodes a secret
        Set<String> keys = new HashSet<>();
        for (String field : List.of("data", "stringData")) {
            JsonNode m = CellFormat.at(secret, field);
            if (m != null && m.isObject()) {
                m.fieldNames().forEachRemaining(keys::add);
            }
        }
        return List.of(CellFormat.text(secret, "metadata", "name"), CellFormat.textOr("Opaque", secret, "type"),
                (long) keys.size(), CellFormat.age(secret, now));
    }
}
