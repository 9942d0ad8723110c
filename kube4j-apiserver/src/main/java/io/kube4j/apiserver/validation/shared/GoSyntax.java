package io.kube4j.apiserver.validation.shared;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders JSON values the way Go's {@code %#v} prints the corresponding API types, because upstream
 * error messages embed such renderings (e.g. {@code map[string]string{"app":"x"}}). Each method
 * returns a {@link Rendered} value that {@link io.kube4j.apimachinery.validation.FieldError} prints
 * verbatim. Stateless and thread-safe.
 */
public final class GoSyntax {
    private GoSyntax() {
    }

    /** A bad value already in its printed form. */
    public record Rendered(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    /** {@code map[string]string{"a":"b", "c":"d"}}, keys sorted; {@code map[string]string(nil)} when absent. */
    public static Rendered stringMap(JsonNode map) {
        return new Rendered(stringMapText(map));
    }

    private static String stringMapText(JsonNode map) {
        if (map == null || map.isNull() || !map.isObject()) {
            return "map[string]string(nil)";
        }
        Map<String, String> sorted = new TreeMap<>();
        map.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText()));
        List<String> parts = new ArrayList<>();
        sorted.forEach((k, v) -> parts.add(quote(k) + ":" + quote(v)));
        return "map[string]string{" + String.join(", ", parts) + "}";
    }

    /** {@code []string{"a", "b"}}; {@code []string(nil)} when absent. */
    public static Rendered stringSlice(String elementType, JsonNode array) {
        return new Rendered(sliceText(elementType, array));
    }

    private static String sliceText(String elementType, JsonNode array) {
        if (array == null || array.isNull() || !array.isArray()) {
            return "[]" + elementType + "(nil)";
        }
        List<String> parts = new ArrayList<>();
        array.forEach(v -> parts.add(quote(v.asText())));
        return "[]" + elementType + "{" + String.join(", ", parts) + "}";
    }

    /** A {@code metav1.LabelSelector} value as {@code %#v} prints it. */
    public static Rendered labelSelector(JsonNode selector) {
        StringBuilder b = new StringBuilder("v1.LabelSelector{MatchLabels:");
        b.append(stringMapText(selector == null ? null : selector.get("matchLabels")));
        b.append(", MatchExpressions:");
        JsonNode exprs = selector == null ? null : selector.get("matchExpressions");
        if (exprs == null || !exprs.isArray()) {
            b.append("[]v1.LabelSelectorRequirement(nil)");
        } else {
            List<String> parts = new ArrayList<>();
            for (JsonNode e : exprs) {
                parts.add("v1.LabelSelectorRequirement{Key:" + quote(e.path("key").asText())
                        + ", Operator:" + quote(e.path("operator").asText())
                        + ", Values:" + sliceText("string", e.get("values")) + "}");
            }
            b.append("[]v1.LabelSelectorRequirement{").append(String.join(", ", parts)).append("}");
        }
        return new Rendered(b.append("}").toString());
    }

    /** An {@code intstr.IntOrString} as {@code %#v} prints it (type 0 is an int, 1 a string). */
    public static Rendered intOrString(JsonNode v) {
        if (v != null && v.isTextual()) {
            return new Rendered("intstr.IntOrString{Type:1, IntVal:0, StrVal:" + quote(v.asText()) + "}");
        }
        return new Rendered("intstr.IntOrString{Type:0, IntVal:" + (v == null ? 0 : v.asInt()) + ", StrVal:\"\"}");
    }

    /** A struct of string fields, e.g. {@code rbac.RoleRef{APIGroup:"x", Kind:"Role", Name:"y"}}. */
    public static Rendered struct(String type, Map<String, String> fieldsInOrder) {
        List<String> parts = new ArrayList<>();
        fieldsInOrder.forEach((k, v) -> parts.add(k + ":" + quote(v == null ? "" : v)));
        return new Rendered(type + "{" + String.join(", ", parts) + "}");
    }

    /** Go's {@code %q} for plain strings. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
