package io.kube4j.apimachinery.patch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The strategic-merge-patch metadata of one object type: for each JSON field that matters, its patch strategy,
 * its merge key and the type of its value (for lists, of its elements). This is what upstream declares with the
 * {@code patchStrategy} and {@code patchMergeKey} struct tags. Fields not listed have no metadata: maps merge,
 * lists are replaced wholesale.
 *
 * <p>{@link #forKind} gives the schema of a built-in kind; {@link StrategicMergePatch} walks it alongside the
 * object. Instances are immutable and thread-safe.
 */
public final class PatchSchema {
    /** How a list (or map) field is patched. */
    public enum Strategy {
        /** No tag: maps merge key by key, lists are replaced. */
        NONE,
        /** {@code patchStrategy:"merge"}: lists merge element-wise by merge key, or as a set for primitives. */
        MERGE,
        /** {@code patchStrategy:"replace"}: the patch value replaces the field. */
        REPLACE
    }

    /**
     * The metadata of one field.
     *
     * @param strategy   how the field is patched
     * @param retainKeys whether the tag also carries {@code retainKeys} (only clients use it to build the
     *                   {@code $retainKeys} directive; the server honours the directive wherever it appears)
     * @param mergeKey   the key that identifies list elements, or {@code null} (lists of primitives)
     * @param type       the schema of the value, or of each element for lists
     */
    public record Field(Strategy strategy, boolean retainKeys, String mergeKey, PatchSchema type) {
        public Field {
            Objects.requireNonNull(strategy, "strategy");
            Objects.requireNonNull(type, "type");
        }
    }

    /** A type without any patch metadata below it. */
    public static final PatchSchema OPAQUE = new PatchSchema("", Map.of(), true);

    /** The schema of a kind that is not built in: every list is replaced. */
    public static final PatchSchema UNKNOWN = new PatchSchema("", Map.of(), false);

    private static final Field PLAIN = new Field(Strategy.NONE, false, null, OPAQUE);

    private final String name;
    private final Map<String, Field> fields;
    private final boolean known;

    private PatchSchema(String name, Map<String, Field> fields, boolean known) {
        this.name = name;
        this.fields = Map.copyOf(fields);
        this.known = known;
    }

    /** The schema of the built-in kind, or {@link #UNKNOWN} for kinds that are not built in. */
    public static PatchSchema forKind(String group, String kind) {
        return BuiltinPatchSchemas.forKind(group == null ? "" : group, kind);
    }

    /** Whether the kind is built in, i.e. whether the server accepts strategic merge patches for it. */
    public static boolean isBuiltin(String group, String kind) {
        return forKind(group, kind).known();
    }

    public static Builder type(String name) {
        return new Builder(name);
    }

    /** The Go type name this schema mirrors (for reading and tests), empty for opaque types. */
    public String name() {
        return name;
    }

    /** Whether this schema comes from a built-in type (false only for {@link #UNKNOWN}). */
    public boolean known() {
        return known;
    }

    /** The metadata of field {@code jsonName}; a field without metadata when the type does not declare any. */
    public Field field(String jsonName) {
        Field f = fields.get(jsonName);
        return f == null ? PLAIN : f;
    }

    @Override
    public String toString() {
        return "PatchSchema[" + name + "]";
    }

    /** Builds one type; used by the built-in catalogue and by tests. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final Map<String, Field> fields = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = name;
        }

        /** A list merged element-wise by {@code mergeKey}. */
        public Builder merge(String field, String mergeKey, PatchSchema element) {
            fields.put(field, new Field(Strategy.MERGE, false, mergeKey, element));
            return this;
        }

        /** A list merged element-wise by {@code mergeKey}, also tagged retainKeys. */
        public Builder mergeRetainKeys(String field, String mergeKey, PatchSchema element) {
            fields.put(field, new Field(Strategy.MERGE, true, mergeKey, element));
            return this;
        }

        /** A list of primitives merged as a set. */
        public Builder mergeSet(String field) {
            fields.put(field, new Field(Strategy.MERGE, false, null, OPAQUE));
            return this;
        }

        /** A struct tagged retainKeys only. */
        public Builder retainKeys(String field, PatchSchema type) {
            fields.put(field, new Field(Strategy.NONE, true, null, type));
            return this;
        }

        /** A field replaced wholesale by the patch. */
        public Builder replace(String field) {
            fields.put(field, new Field(Strategy.REPLACE, false, null, OPAQUE));
            return this;
        }

        /** A field without tags whose type has metadata below it. */
        public Builder field(String field, PatchSchema type) {
            fields.put(field, new Field(Strategy.NONE, false, null, type));
            return this;
        }

        public PatchSchema build() {
            return new PatchSchema(name, fields, true);
        }
    }
}
