package io.kube4j.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;

import java.time.Instant;
import java.util.List;

/** Upstream's default table for resources without printers: Name and Created At. */
public final class DefaultTableConvertor implements TableConvertor {
    public static final DefaultTableConvertor INSTANCE = new DefaultTableConvertor();

    @Override
    public List<Column> columns() {
        return List.of(Column.nameColumn(), new Column("Created At", "date", "","The created at column.", 0));
    }

    @Override
    public List<Object> cells(ObjectNode obj, Instant now) {
        String name = Json.text(obj.get("metadata"), "name");
        String created = Json.text(obj.get("metadata"), "creationTimestamp");
        return java.util.Arrays.asList(name, created);
    }
}
