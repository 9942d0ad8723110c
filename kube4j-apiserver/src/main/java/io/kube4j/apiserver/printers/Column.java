package io.kube4j.apiserver.printers;

/**
 * A {@code meta.k8s.io/v1 TableColumnDefinition}. Priority 0 columns show by default; priority 1
 * only with {@code -o wide}.
 *
 * @param type   "string", "integer", "number", "boolean" or "date"
 * @param format "name" for the name column, or ""
 */
public record Column(String name, String type, String format, String description, int priority) {
    public static Column nameColumn() {
        return new Column("Name", "string", "name", "The name column.", 0);
    }

    public static Column ageColumn() {
        return new Column("Age", "string", "", "The age column.", 0);
    }

    public static Column string(String name, String description) {
        return new Column(name, "string", "", description, 0);
    }

    public static Column integer(String name, String description) {
        return new Column(name, "integer", "", description, 0);
    }

    public Column wide() {
        return new Column(name, type, format, description, 1);
    }
}
