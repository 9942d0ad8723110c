package io.kube4j.apiserver.resources.core.resourcequota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static io.kube4j.apiserver.printers.CellFormat.at;

/**
 * ResourceQuota rows: REQUEST and LIMIT list {@code resource: used/hard} for every hard limit in
 * status, sorted by name; {@code limits.*} resources go to LIMIT. Stateless and thread-safe.
 */
public final class ResourceQuotaTableConvertor implements TableConvertor {
    private static final List<Column> COLUMNS = List.of(Column.nameColumn(),
            Column.string("Request"),
            Column.string("Limit"),
            Column.ageColumn());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode quota, Instant now) {
        JsonNode hard = at(quota, "status", "hard");
        TreeSet<String> names = new TreeSet<>();
        if (hard != null && hard.isObject()) {
            hard.fieldNames().forEachRemaining(names::add);
        }
        List<String> requests = new ArrayList<>();
        List<String> limits = new ArrayList<>();
        for (String name : names) {
            String entry = name + ": " + CellFormat.quantity(at(quota, "status", "used", name)) + "/"
                    + CellFormat.quantity(hard.get(name));
            String[] pieces = name.split("\\.");
            (pieces.length > 1 && pieces[0].equals("limits") ? limits : requests).add(entry);
        }
        return List.of(CellFormat.text(quota, "metadata", "name"), String.join(", ", requests),
                String.join(", ", limits), CellFormat.age(quota, now));
    }
}
