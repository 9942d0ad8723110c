package io.kube4j.apimachinery.validation;

/**
 * An immutable path to a field, printed as upstream prints it: {@code spec.containers[0].name}. Validation builds a
 * path for every field it visits and prints one only for an error, so a step holds its parts and the text is made
 * by {@link #toString}.
 */
public final class FieldPath {
    private static final int ROOT = 0;
    private static final int CHILD = 1;
    private static final int INDEX = 2;
    private static final int KEY = 3;

    private final FieldPath parent;
    private final int kind;
    private final String name;
    private final int index;

    private FieldPath(FieldPath parent, int kind, String name, int index) {
        this.parent = parent;
        this.kind = kind;
        this.name = name;
        this.index = index;
    }

    public static FieldPath root(String name) {
        return new FieldPath(null, ROOT, name, 0);
    }

    public static FieldPath of(String... names) {
        FieldPath p = root(names[0]);
        for (int i = 1; i < names.length; i++) {
            p = p.child(names[i]);
        }
        return p;
    }

    public FieldPath child(String name) {
        return new FieldPath(this, CHILD, name, 0);
    }

    public FieldPath index(int i) {
        return new FieldPath(this, INDEX, null, i);
    }

    public FieldPath key(String key) {
        return new FieldPath(this, KEY, key, 0);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        append(b);
        return b.toString();
    }

    private void append(StringBuilder b) {
        if (parent != null) {
            parent.append(b);
        }
        switch (kind) {
            case ROOT -> b.append(name);
            case CHILD -> b.append('.').append(name);
            case INDEX -> b.append('[').append(index).append(']');
            default -> b.append('[').append(name).append(']');
        }
    }
}
