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
        return new Column("Name", "string", "name", describe("Name"), 0);
    }

    public static Column ageColumn() {
        return string("Age");
    }

    /** A string column described by its name. */
    public static Column string(String name) {
        return new Column(name, "string", "", describe(name), 0);
    }

    /** An integer column described by its name. */
    public static Column integer(String name) {
        return new Column(name, "integer", "", describe(name), 0);
    }

    /** kube4j's short description of a column: kubectl never prints it. */
    public static String describe(String name) {
        return "The " + name.toLowerCase() + " column.";
    }

    public Column wide() {
        return new Column(name, type, format, description, 1);
    }
}
