package io.kube4j.apiserver.validation.shared;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.labels.LabelSelector;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;

import java.util.Comparator;
import java.util.List;

/**
 * Small checks every group's validation shares, with upstream's wording: non-negative numbers,
 * immutable fields, selectors against template labels. Stateless and thread-safe.
 */
public final class CommonRules {
    public static final String SELECTOR_MISMATCH = "`selector` does not match template `labels`";

    private CommonRules() {
    }

    /** Upstream's ValidateNonnegativeField for an optional number: nothing when absent. */
    public static void nonNegative(List<FieldError> errs, JsonNode value, FieldPath path) {
        if (value != null && value.isNumber() && value.asLong() < 0) {
            errs.add(FieldError.invalid(path, value.asLong(), "must be greater than or equal to 0"));
        }
    }

    /**
     * Whether two JSON values are the same API value: object field order and the integer node type
     * (a stored 10 decodes as an int, a defaulted one may be a long) do not matter. Absent and null
     * are the same.
     */
    public static boolean same(JsonNode a, JsonNode b) {
        JsonNode x = normalize(a);
        JsonNode y = normalize(b);
        if (x == null || y == null) {
            return x == y;
        }
        return x.equals(NUMBERS_BY_VALUE, y);
    }

    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (p, q) -> {
        if (p.equals(q)) {
            return 0;
        }
        if (p.isNumber() && q.isNumber()) {
            return p.decimalValue().compareTo(q.decimalValue());
        }
        return 1;
    };

    /** Upstream's ValidateImmutableField: {@code field is immutable} with the new value. */
    public static void immutable(List<FieldError> errs, JsonNode value, JsonNode old, FieldPath path, Object rendered) {
        if (!same(value, old)) {
            errs.add(FieldError.invalid(path, rendered, "field is immutable"));
        }
    }

    private static JsonNode normalize(JsonNode n) {
        return n == null || n.isNull() ? null : n;
    }

    /** Whether a structured selector selects the labels (a null selector selects nothing). */
    public static boolean selects(JsonNode selector, JsonNode labels) {
        return LabelSelector.fromJson(selector).matches(labels);
    }

    /** True when the selector has neither matchLabels nor matchExpressions entries. */
    public static boolean emptySelector(JsonNode selector) {
        return selector.path("matchLabels").size() + selector.path("matchExpressions").size() == 0;
    }

    /** A JSON number as int, or {@code dflt} when absent. */
    public static long number(JsonNode node, long dflt) {
        return node == null || node.isNull() ? dflt : node.asLong();
    }

    /** The text at a path, or "" when absent. */
    public static String text(JsonNode root, String... path) {
        JsonNode n = Json.at(root, path);
        return n == null ? "" : n.asText();
    }

    /** Sets {@code field} to {@code value} on {@code obj} when it is absent, null or empty. */
    public static void defaultText(ObjectNode obj, String field, String value) {
        if (!obj.hasNonNull(field) || obj.get(field).asText().isEmpty()) {
            obj.put(field, value);
        }
    }

    /** Sets {@code field} to {@code value} on {@code obj} when it is absent or null. */
    public static void defaultNumber(ObjectNode obj, String field, int value) {
        if (!obj.hasNonNull(field)) {
            // an int node, as JSON decoding produces, so stored and defaulted values compare equal
            obj.put(field, value);
        }
    }

    /** Sets {@code field} to {@code value} on {@code obj} when it is absent or null. */
    public static void defaultBoolean(ObjectNode obj, String field, boolean value) {
        if (!obj.hasNonNull(field)) {
            obj.put(field, value);
        }
    }
}
