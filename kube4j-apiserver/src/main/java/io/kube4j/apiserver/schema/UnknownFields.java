package io.kube4j.apiserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.endpoints.FieldValidation;
import io.kube4j.apiserver.registry.ResourceInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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
    private volatile Shapes shapes;

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
        Shapes shapes = this.shapes;
        if (shapes == null || shapes.catalog != c) {
            shapes = new Shapes(c);
            this.shapes = shapes;
        }
        Shape root = shapes.root(info);
        if (root == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        walk(root, obj, new StringBuilder(), remove, out);
        return out;
    }

    /**
     * A schema reduced to what the walk needs, its references resolved once: the declared properties (null when the
     * schema declares none), the schema of map values and of array items. Built once per schema and catalog, so a
     * check does map look-ups only. Before, it resolved {@code $ref}s and read schema nodes for every value: about
     * a tenth of the API server's request work in the density scenario, and a third of a pod status PUT's.
     */
    private static final class Shape {
        /** Free-form, or a dangling reference: nothing under it is looked at. */
        boolean open;
        Map<String, Shape> properties;
        Shape additional;
        Shape items;

        boolean leaf() {
            return open || (properties == null && additional == null && items == null);
        }
    }

    /** The shapes of one catalog, compiled on first use of each kind; thread-safe. */
    private static final class Shapes {
        final SchemaCatalog catalog;
        private final Map<String, Optional<Shape>> roots = new ConcurrentHashMap<>();
        /** Compiled shapes by resolved schema node (identity), so recursive schemas end; guarded by {@code this}. */
        private final Map<JsonNode, Shape> compiled = new IdentityHashMap<>();

        Shapes(SchemaCatalog catalog) {
            this.catalog = catalog;
        }

        Shape root(ResourceInfo info) {
            return roots.computeIfAbsent(info.group() + "/" + info.version() + "/" + info.kind(), k -> {
                String name = catalog.definitionOf(info.group(), info.version(), info.kind());
                if (name == null) {
                    return Optional.empty();
                }
                synchronized (this) {
                    return Optional.of(compile(catalog.definition(name)));
                }
            }).orElse(null);
        }

        private Shape compile(JsonNode schema) {
            JsonNode s = catalog.resolve(schema);
            if (s == null) {
                Shape open = new Shape();
                open.open = true;
                return open;
            }
            Shape shape = compiled.get(s);
            if (shape != null) {
                return shape;
            }
            shape = new Shape();
            compiled.put(s, shape);
            if (s.path(ModelSchemas.PRESERVE_UNKNOWN).asBoolean(false)) {
                shape.open = true;
                return shape;
            }
            JsonNode props = s.get("properties");
            if (props != null) {
                Map<String, Shape> m = new HashMap<>();
                for (Map.Entry<String, JsonNode> e : props.properties()) {
                    m.put(e.getKey(), compile(e.getValue()));
                }
                shape.properties = m;
            }
            JsonNode additional = s.get("additionalProperties");
            if (additional != null && additional.isObject()) {
                shape.additional = compile(additional);
            }
            JsonNode items = s.get("items");
            if (items != null && items.isObject()) {
                shape.items = compile(items);
            }
            return shape;
        }
    }

    /** {@code path} is the value's path; a step appends to it and takes its part off again, so text is made only for unknown fields. */
    private static void walk(Shape s, JsonNode value, StringBuilder path, boolean remove, List<String> out) {
        if (s.leaf()) {
            return;
        }
        int mark = path.length();
        if (value.isObject()) {
            Map<String, Shape> props = s.properties;
            Shape additional = s.additional;
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (props != null) {
                    Shape p = props.get(e.getKey());
                    if (p == null) {
                        if (mark > 0) {
                            path.append('.');
                        }
                        out.add(path.append(e.getKey()).toString());
                        path.setLength(mark);
                        if (remove) {
                            it.remove();
                        }
                    } else if (!p.leaf()) {
                        if (mark > 0) {
                            path.append('.');
                        }
                        walk(p, e.getValue(), path.append(e.getKey()), remove, out);
                        path.setLength(mark);
                    }
                } else if (additional != null && !additional.leaf()) {
                    if (mark > 0) {
                        path.append('.');
                    }
                    walk(additional, e.getValue(), path.append(e.getKey()), remove, out);
                    path.setLength(mark);
                }
            }
        } else if (value.isArray()) {
            Shape items = s.items;
            if (items != null && !items.leaf()) {
                for (int i = 0; i < value.size(); i++) {
                    path.append('[').append(i).append(']');
                    walk(items, value.get(i), path, remove, out);
                    path.setLength(mark);
                }
            }
        }
    }
}
