package io.kube4j.apimachinery.validation;

/** An immutable path to a field, printed as upstream prints it: {@code spec.containers[0].name}. */
public final class FieldPath {
    private final FieldPath parent;
    private final String segment;

    private FieldPath(FieldPath parent, String segment) {
        this.parent = parent;
        this.segment = segment;
    }

    public static FieldPath root(String name) {
        return new FieldPath(null, name);
    }

    public static FieldPath of(String... names) {
        FieldPath p = root(names[0]);
        for (int i = 1; i < names.length; i++) {
            p = p.child(names[i]);
        }
        return p;
    }

    public FieldPath child(String name) {
        return new FieldPath(this, "." + name);
    }

    public FieldPath index(int i) {
        return new FieldPath(this, "[" + i + "]");
    }

    public FieldPath key(String key) {
        return new FieldPath(this, "[" + key + "]");
    }

    @Override
    public String toString() {
        if (parent == null) {
            return segment;
        }
        return parent + segment;
    }
}
