package io.kube4j.apiserver.validation.core;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A bad value printed the way upstream's Go code prints it with {@code %#v}, e.g.
 * {@code []string{"10.43.0.1"}}. {@link io.kube4j.apimachinery.validation.FieldError} prints it
 * verbatim. Immutable.
 */
public record GoLiteral(String text) {
    /** {@code []string{"a", "b"}}. */
    public static GoLiteral strings(List<String> values) {
        return new GoLiteral("[]string{" + values.stream().map(GoLiteral::quote).collect(Collectors.joining(", ")) + "}");
    }

    /** {@code map[string]string{"a":"b"}} with sorted keys, as Go prints maps. */
    public static GoLiteral stringMap(JsonNode obj) {
        Map<String, String> sorted = new TreeMap<>();
        if (obj != null && obj.isObject()) {
            obj.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
        }
        return new GoLiteral("map[string]string{" + sorted.entrySet().stream()
                .map(e -> quote(e.getKey()) + ":" + quote(e.getValue())).collect(Collectors.joining(", ")) + "}");
    }

    /** The text of a JSON array of strings as a Go string slice. */
    public static GoLiteral strings(JsonNode array) {
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(v -> out.add(v.asText()));
        }
        return strings(out);
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public String toString() {
        return text;
    }
}
