package io.kube4j.apiserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.endpoints.FieldValidation;
import io.kube4j.apiserver.registry.ResourceInfo;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Schema-driven {@link FieldValidation}: walks an object against its kind's schema and names the
 * fields the schema does not declare, in document order and as upstream prints them
 * ({@code spec.containers[0].foo}). Map keys are never unknown; free-form objects
 * ({@code x-kubernetes-preserve-unknown-fields}) are not looked into; kinds without a schema have no
 * unknown fields. Called by ResourceHandler on create, update and patch; thread-safe.
 */
public final class UnknownFields implements FieldValidation {
    private final Supplier<SchemaCatalog> catalog;

    /** @param catalog gives the (lazily built, cached) catalog; called on every check */
    public UnknownFields(Supplier<SchemaCatalog> catalog) {
        this.catalog = catalog;
    }

    @Override
    public List<String> unknownFields(ResourceInfo info, ObjectNode obj) {
        return check(info, obj, false);
    }

    @Override
    public List<String> removeUnknownFields(ResourceInfo info, ObjectNode obj) {
        return check(info, obj, true);
    }

    private List<String> check(ResourceInfo info, ObjectNode obj, boolean remove) {
        SchemaCatalog c = catalog.get();
        String name = c.definitionOf(info.group(), info.version(), info.kind());
        if (name == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        walk(c, obj, c.definition(name), new StringBuilder(), remove, out);
        return out;
    }

    /** {@code path} is the value's path; a step appends to it and takes its part off again, so text is made only for unknown fields. */
    private static void walk(SchemaCatalog c, JsonNode value, JsonNode schema, StringBuilder path, boolean remove,
                             List<String> out) {
        JsonNode s = c.resolve(schema);
        if (s == null || s.path(ModelSchemas.PRESERVE_UNKNOWN).asBoolean(false)) {
            return;
        }
        int mark = path.length();
        if (value.isObject()) {
            JsonNode props = s.get("properties");
            JsonNode additional = s.get("additionalProperties");
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (mark > 0) {
                    path.append('.');
                }
                path.append(e.getKey());
                if (props != null) {
                    JsonNode p = props.get(e.getKey());
                    if (p == null) {
                        out.add(path.toString());
                        if (remove) {
                            it.remove();
                        }
                    } else {
                        walk(c, e.getValue(), p, path, remove, out);
                    }
                } else if (additional != null && additional.isObject()) {
                    walk(c, e.getValue(), additional, path, remove, out);
                }
                path.setLength(mark);
            }
        } else if (value.isArray()) {
            JsonNode items = s.get("items");
            if (items != null && items.isObject()) {
                for (int i = 0; i < value.size(); i++) {
                    path.append('[').append(i).append(']');
                    walk(c, value.get(i), items, path, remove, out);
                    path.setLength(mark);
                }
            }
        }
    }
}
