package io.kube4j.apiserver.resources.apps.controllerrevision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import static io.kube4j.apiserver.printers.CellFormat.text;

/**
 * ControllerRevision rows: CONTROLLER ({@code kind.group/name} of the controller owner reference)
 * and REVISION. Stateless and thread-safe.
 */
public final class ControllerRevisionTableConvertor implements TableConvertor {
    private static final List<Column> COLUMNS = List.of(Column.nameColumn(),
            Column.string("Controller"),
            Column.string("Revision"),
            Column.ageColumn());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode cr, Instant now) {
        String controller = CellFormat.NONE;
        for (JsonNode ref : CellFormat.list(cr, "metadata", "ownerReferences")) {
            if (CellFormat.bool(ref, "controller")) {
                String apiVersion = text(ref, "apiVersion");
                int slash = apiVersion.indexOf('/');
                String group = slash < 0 ? "" : apiVersion.substring(0, slash);
                String kind = text(ref, "kind");
                String groupKind = group.isEmpty() ? kind : kind + "." + group;
                controller = groupKind.isEmpty() ? text(ref, "name")
                        : groupKind.toLowerCase(Locale.ROOT) + "/" + text(ref, "name");
                break;
            }
        }
        return List.of(text(cr, "metadata", "name"), controller, CellFormat.integer(cr, "revision"),
                CellFormat.age(cr, now));
    }
}
