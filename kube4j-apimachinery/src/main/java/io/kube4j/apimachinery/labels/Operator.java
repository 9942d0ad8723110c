package io.kube4j.apimachinery.labels;

/** Selector operators, in string form and in {@code matchExpressions} form. */
public enum Operator {
    EQUALS("=", null),
    DOUBLE_EQUALS("==", null),
    NOT_EQUALS("!=", null),
    IN("in", "In"),
    NOT_IN("notin", "NotIn"),
    EXISTS("", "Exists"),
    DOES_NOT_EXIST("!", "DoesNotExist"),
    GREATER_THAN("gt", "Gt"),
    LESS_THAN("lt", "Lt");

    private final String token;
    private final String expression;

    Operator(String token, String expression) {
        this.token = token;
        this.expression = expression;
    }

    public String token() {
        return token;
    }

    /** The name used in {@code matchExpressions[].operator}, or null when that form has none. */
    public String expression() {
        return expression;
    }

    public static Operator fromExpression(String name) {
        for (Operator o : values()) {
            if (name.equals(o.expression)) {
                return o;
            }
        }
        return null;
    }
}
