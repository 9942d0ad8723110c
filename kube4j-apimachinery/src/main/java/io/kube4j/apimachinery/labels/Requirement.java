package io.kube4j.apimachinery.labels;

import java.util.List;
import java.util.Map;

/** One selector term: a key, an operator and, for most operators, values. */
public record Requirement(String key, Operator operator, List<String> values) {
    public Requirement {
        values = List.copyOf(values);
    }

    public boolean matches(Map<String, String> labels) {
        boolean has = labels.containsKey(key);
        String v = labels.get(key);
        return switch (operator) {
            case EQUALS, DOUBLE_EQUALS, IN -> has && values.contains(v);
            case NOT_EQUALS, NOT_IN -> !has || !values.contains(v);
            case EXISTS -> has;
            case DOES_NOT_EXIST -> !has;
            case GREATER_THAN, LESS_THAN -> {
                if (!has) {
                    yield false;
                }
                try {
                    long actual = Long.parseLong(v);
                    long bound = Long.parseLong(values.get(0));
                    yield operator == Operator.GREATER_THAN ? actual > bound : actual < bound;
                } catch (NumberFormatException e) {
                    yield false;
                }
            }
        };
    }

    @Override
    public String toString() {
        return switch (operator) {
            case EXISTS -> key;
            case DOES_NOT_EXIST -> "!" + key;
            case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> key + operator.token() + values.get(0);
            case GREATER_THAN -> key + ">" + values.get(0);
            case LESS_THAN -> key + "<" + values.get(0);
            case IN, NOT_IN -> key + " " + operator.token() + " (" + String.join(",", values) + ")";
        };
    }
}
