package io.kube4j.apiserver.printers;

import com.fasterxml.jackson.databind.JsonNode;
import io.kube4j.apimachinery.meta.Timestamps;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Cell formatting shared by the table convertors: ages, label maps, label selectors, container
 * lists and null-safe reads of JSON fields. Stateless and thread-safe; pure functions of their
 * arguments (time is always passed in).
 */
public final class CellFormat {
    public static final String NONE = "<none>";
    public static final String UNKNOWN = "<unknown>";
    public static final String UNSET = "<unset>";

    private CellFormat() {
    }

    /** The AGE cell: time since {@code metadata.creationTimestamp}, or {@code <unknown>}. */
    public static String age(JsonNode obj, Instant now) {
        return since(at(obj, "metadata", "creationTimestamp"), now);
    }

    /** Time since an RFC 3339 timestamp node, or {@code <unknown>} when it is missing or unparsable. */
    public static String since(JsonNode timestamp, Instant now) {
        Instant t = instant(timestamp);
        return t == null ? UNKNOWN : since(t, now);
    }

    public static String since(Instant t, Instant now) {
        return Timestamps.humanDuration(Duration.between(t, now));
    }

    /** A timestamp node as an instant, or null. */
    public static Instant instant(JsonNode timestamp) {
        if (timestamp == null || !timestamp.isTextual()) {
            return null;
        }
        return Timestamps.parse(timestamp.asText());
    }

    /** The node at a path of object fields, or null when any step is missing or JSON null. */
    public static JsonNode at(JsonNode node, String... path) {
        JsonNode cur = node;
        for (String p : path) {
            if (cur == null || !cur.isObject()) {
                return null;
            }
            cur = cur.get(p);
        }
        return cur == null || cur.isNull() || cur.isMissingNode() ? null : cur;
    }

    /** Text at a path, or "" when missing. */
    public static String text(JsonNode node, String... path) {
        JsonNode v = at(node, path);
        return v == null || v.isContainerNode() ? "" : v.asText();
    }

    /** Text at a path, or {@code fallback} when missing or empty. */
    public static String textOr(String fallback, JsonNode node, String... path) {
        String s = text(node, path);
        return s.isEmpty() ? fallback : s;
    }

    /** Integer at a path, or 0 when missing. */
    public static long integer(JsonNode node, String... path) {
        JsonNode v = at(node, path);
        return v == null ? 0 : v.asLong();
    }

    /** Integer at a path, or {@code fallback} when missing (a field the API defaults). */
    public static long integerOr(long fallback, JsonNode node, String... path) {
        JsonNode v = at(node, path);
        return v == null ? fallback : v.asLong();
    }

    public static boolean bool(JsonNode node, String... path) {
        JsonNode v = at(node, path);
        return v != null && v.asBoolean();
    }

    /** Number of entries of the array or object at a path. */
    public static int size(JsonNode node, String... path) {
        JsonNode v = at(node, path);
        return v == null || !v.isContainerNode() ? 0 : v.size();
    }

    /** The array at a path, or an empty list. */
    public static List<JsonNode> list(JsonNode node, String... path) {
        JsonNode v = at(node, path);
        List<JsonNode> out = new ArrayList<>();
        if (v != null && v.isArray()) {
            v.forEach(out::add);
        }
        return out;
    }

    /** A quantity as stored, or "0" (a zero Quantity) when missing. */
    public static String quantity(JsonNode q) {
        if (q == null || q.isNull()) {
            return "0";
        }
        return q.asText();
    }

    /** An int-or-string value as upstream prints it. */
    public static String intOrString(JsonNode v) {
        return v.isNumber() ? Long.toString(v.asLong()) : v.asText();
    }

    /** "True"/"False" of an optional boolean, as upstream's printBool. */
    public static String trueFalse(boolean b) {
        return b ? "True" : "False";
    }

    /** Upstream's {@code labels.FormatLabels}: sorted {@code k=v} pairs, or {@code <none>}. */
    public static String formatLabels(JsonNode map) {
        if (map == null || !map.isObject() || map.isEmpty()) {
            return NONE;
        }
        Map<String, String> sorted = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = map.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            sorted.put(e.getKey(), e.getValue().asText());
        }
        List<String> parts = new ArrayList<>();
        sorted.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(",", parts);
    }

    /**
     * The string form of a structured label selector as upstream's {@code LabelSelectorAsSelector(..).String()}:
     * requirements sorted by key, set values sorted; "" for a null or empty selector. Returns null
     * when the selector has an unknown operator.
     */
    public static String selectorString(JsonNode selector) {
        if (selector == null || !selector.isObject()) {
            return "";
        }
        List<String[]> reqs = new ArrayList<>();
        JsonNode ml = selector.get("matchLabels");
        if (ml != null && ml.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = ml.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                reqs.add(new String[]{e.getKey(), e.getKey() + "=" + e.getValue().asText()});
            }
        }
        JsonNode me = selector.get("matchExpressions");
        if (me != null && me.isArray()) {
            for (JsonNode expr : me) {
                String key = expr.path("key").asText();
                TreeSet<String> values = new TreeSet<>();
                expr.path("values").forEach(v -> values.add(v.asText()));
                String s = switch (expr.path("operator").asText()) {
                    case "In" -> key + " in (" + String.join(",", values) + ")";
                    case "NotIn" -> key + " notin (" + String.join(",", values) + ")";
                    case "Exists" -> key;
                    case "DoesNotExist" -> "!" + key;
                    default -> null;
                };
                if (s == null) {
                    return null;
                }
                reqs.add(new String[]{key, s});
            }
        }
        reqs.sort((a, b) -> a[0].compareTo(b[0]));
        List<String> parts = new ArrayList<>();
        for (String[] r : reqs) {
            parts.add(r[1]);
        }
        return String.join(",", parts);
    }

    /** Upstream's {@code metav1.FormatLabelSelector}: the selector string, {@code <none>} or {@code <error>}. */
    public static String formatLabelSelector(JsonNode selector) {
        String s = selectorString(selector);
        if (s == null) {
            return "<error>";
        }
        return s.isEmpty() ? NONE : s;
    }

    /** Container names and images of a pod spec, each comma-joined (upstream's layoutContainerCells). */
    public static String[] containerCells(JsonNode podSpec) {
        List<String> names = new ArrayList<>();
        List<String> images = new ArrayList<>();
        for (JsonNode c : list(podSpec, "containers")) {
            names.add(text(c, "name"));
            images.add(text(c, "image"));
        }
        return new String[]{String.join(",", names), String.join(",", images)};
    }

    /** Joins a truncated list, adding " + N more..." past {@code max}; {@code <unset>} when empty. */
    public static String listWithMore(List<String> list, boolean more, int count, int max) {
        String ret = String.join(",", list);
        if (more) {
            return ret + " + " + (count - max) + " more...";
        }
        return ret.isEmpty() ? UNSET : ret;
    }
}
