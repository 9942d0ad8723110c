package io.kube4j.apimachinery.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.errors.StatusReason;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Strategic merge patch as the API server applies it ({@code application/strategic-merge-patch+json}): maps merge
 * recursively and {@code null} deletes; lists tagged {@code merge} merge element-wise by their merge key (or as a
 * set, for primitives) and other lists are replaced. The directives {@code $patch} (replace, delete),
 * {@code $retainKeys}, {@code $setElementOrder/<field>} and {@code $deleteFromPrimitiveList/<field>} are honoured,
 * and element order follows upstream's rules: {@code $setElementOrder} first, then the order in the patch, then the
 * order in the live object.
 *
 * <p>Called by the API server's patch endpoint with the schema of the object's kind. Stateless and thread-safe;
 * neither argument is modified. Errors are {@link StatusException}s with upstream's codes and messages.
 */
public final class StrategicMergePatch {
    private static final String DIRECTIVE = "$patch";
    private static final String DELETE = "delete";
    private static final String REPLACE = "replace";
    private static final String MERGE = "merge";
    private static final String RETAIN_KEYS = "$retainKeys";
    private static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";
    private static final String SET_ELEMENT_ORDER = "$setElementOrder";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StrategicMergePatch() {
    }

    /** Applies {@code patch} to a copy of {@code original}, reading list strategies from {@code schema}. */
    public static JsonNode apply(JsonNode original, JsonNode patch, PatchSchema schema) {
        if (patch == null || patch.isNull() || patch.isMissingNode()) {
            return original == null ? NODES.objectNode() : original.deepCopy();
        }
        if (!patch.isObject()) {
            throw StatusException.badRequest("json: cannot unmarshal " + jsonKind(patch)
                    + " into Go value of type map[string]interface {}");
        }
        ObjectNode base = original != null && original.isObject() ? ((ObjectNode) original).deepCopy() : NODES.objectNode();
        return mergeMap(base, ((ObjectNode) patch).deepCopy(), schema);
    }

    // ---- maps ----

    /** Merges {@code patch} into {@code original} (both owned by us, both changed) and returns the result. */
    private static ObjectNode mergeMap(ObjectNode original, ObjectNode patch, PatchSchema type) {
        JsonNode directive = patch.get(DIRECTIVE);
        if (directive != null) {
            if (REPLACE.equals(directive.asText(null))) {
                patch.remove(DIRECTIVE);
                return (ObjectNode) clean(patch);
            }
            if (DELETE.equals(directive.asText(null))) {
                return NODES.objectNode();
            }
            throw failure("unknown patch type: " + goValue(directive) + " in map: " + goValue(patch));
        }
        if (original == null) {
            original = NODES.objectNode();
        }
        applyRetainKeys(original, patch);
        applySetElementOrder(original, patch, type);

        for (String key : fieldNames(patch)) {
            JsonNode patchValue = patch.get(key);
            if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
                deleteFromPrimitiveList(original, extractKey(key, DELETE_FROM_PRIMITIVE_LIST), patchValue);
                continue;
            }
            if (patchValue.isNull()) {
                original.remove(key);
                continue;
            }
            JsonNode current = original.get(key);
            if (current == null || current.isNull() || !sameGoType(current, patchValue)) {
                original.set(key, clean(patchValue));
                continue;
            }
            PatchSchema.Field field = type.field(key);
            if (current.isObject()) {
                original.set(key, field.strategy() == PatchSchema.Strategy.REPLACE
                        ? clean(patchValue)
                        : mergeMap((ObjectNode) current, (ObjectNode) patchValue, field.type()));
            } else if (current.isArray()) {
                original.set(key, field.strategy() == PatchSchema.Strategy.MERGE
                        ? mergeSlice((ArrayNode) current, (ArrayNode) patchValue, field)
                        : clean(patchValue));
            } else {
                original.set(key, patchValue);
            }
        }
        return original;
    }

    /** {@code $retainKeys}: drops the live fields not listed, after checking the patch only sets listed fields. */
    private static void applyRetainKeys(ObjectNode original, ObjectNode patch) {
        JsonNode retain = patch.remove(RETAIN_KEYS);
        if (retain == null) {
            return;
        }
        if (!retain.isArray()) {
            throw badRetainKeys();
        }
        Set<String> keep = new HashSet<>();
        for (JsonNode k : retain) {
            if (k.isTextual()) {
                keep.add(k.asText());
            }
        }
        for (String k : fieldNames(patch)) {
            if (patch.get(k).isNull() || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) {
                continue;
            }
            if (!keep.contains(k)) {
                throw badRetainKeys();
            }
        }
        original.retain(keep);
    }

    /** {@code $deleteFromPrimitiveList/<field>}: removes the listed values from the live list. */
    private static void deleteFromPrimitiveList(ObjectNode original, String key, JsonNode toDelete) {
        JsonNode current = original.get(key);
        if (current == null || !current.isArray()) {
            // Nothing to delete from (upstream would store the deletion list itself here).
            return;
        }
        if (!toDelete.isArray()) {
            throw failure(badArgType(toDelete));
        }
        ArrayNode kept = NODES.arrayNode();
        for (JsonNode v : current) {
            if (!containsScalar(toDelete, v)) {
                kept.add(v);
            }
        }
        original.set(key, kept);
    }

    /**
     * {@code $setElementOrder/<field>}: merges the list in the patch (if any) into the live one, then orders the
     * result: elements named in the directive in its order, live-only elements kept where they were relative to
     * the others. The list is removed from the patch so it is not merged twice.
     */
    private static void applySetElementOrder(ObjectNode original, ObjectNode patch, PatchSchema type) {
        for (String directiveKey : fieldNames(patch)) {
            if (!directiveKey.startsWith(SET_ELEMENT_ORDER)) {
                continue;
            }
            JsonNode order = patch.remove(directiveKey);
            if (!order.isArray()) {
                throw failure(badArgType(order));
            }
            String key = extractKey(directiveKey, SET_ELEMENT_ORDER);
            JsonNode current = original.get(key);
            JsonNode patchList = patch.get(key);
            boolean foundOriginal = current != null && !current.isNull();
            boolean foundPatch = patchList != null && !patchList.isNull();
            if (foundOriginal && !current.isArray()) {
                throw failure(badArgType(current));
            }
            if (foundPatch && !patchList.isArray()) {
                throw failure(badArgType(patchList));
            }
            PatchSchema.Field field = type.field(key);
            String mergeKey = field.mergeKey();
            List<JsonNode> originalItems = foundOriginal ? items(current) : List.of();
            List<JsonNode> patchItems = foundPatch ? items(patchList) : List.of();
            validateOrder(patchItems, items(order), mergeKey);
            patch.remove(key);

            JsonNode merged;
            if (foundOriginal && foundPatch) {
                merged = field.strategy() == PatchSchema.Strategy.MERGE
                        ? mergeSlice((ArrayNode) current, (ArrayNode) patchList, field)
                        : clean(patchList);
            } else if (foundPatch) {
                merged = clean(patchList);
            } else if (foundOriginal) {
                merged = current;
            } else {
                continue;
            }
            if (field.strategy() != PatchSchema.Strategy.MERGE || merged.isEmpty()) {
                // Only merging lists have an element identity to order by.
                original.set(key, merged);
                continue;
            }
            boolean maps = elementsAreMaps(originalItems, patchItems);
            List<List<JsonNode>> parts = partition(items(merged), items(order), mergeKey, maps);
            original.set(key, toArray(normalizeOrder(parts.get(0), parts.get(1), items(order), originalItems,
                    mergeKey, maps)));
        }
    }

    /** Checks that the elements of the patch list appear in the directive, in the same relative order. */
    private static void validateOrder(List<JsonNode> patchList, List<JsonNode> order, String mergeKey) {
        if (patchList.isEmpty() || order.isEmpty()) {
            return;
        }
        List<JsonNode> nonDelete = new ArrayList<>();
        for (JsonNode v : patchList) {
            if (mergeKey != null && !v.isObject()) {
                throw failure(badArgType(v));
            }
            if (mergeKey == null || !DELETE.equals(v.path(DIRECTIVE).asText(null))) {
                nonDelete.add(v);
            }
        }
        int p = 0;
        int o = 0;
        while (p < nonDelete.size() && o < order.size()) {
            if (nonDelete.get(p).isObject() && nonDelete.get(p).has(DIRECTIVE)) {
                p++;
                continue;
            }
            if (identityEquals(nonDelete.get(p), order.get(o), mergeKey)) {
                p++;
            }
            o++;
        }
        if (p < nonDelete.size()) {
            throw failure("The order in patch list:\n" + goValue(toArray(patchList)) + "\n doesn't match "
                    + SET_ELEMENT_ORDER + " list:\n" + goValue(toArray(order)) + "\n");
        }
    }

    // ---- lists ----

    /** Merges a list tagged {@code merge}; both arguments are owned by us. */
    private static ArrayNode mergeSlice(ArrayNode original, ArrayNode patch, PatchSchema.Field field) {
        if (original.isEmpty() && patch.isEmpty()) {
            return original;
        }
        List<JsonNode> originalItems = items(original);
        List<JsonNode> patchItems = items(patch);
        String kind = elementGoType(originalItems, patchItems);
        boolean maps = kind.equals("map");
        String mergeKey = field.mergeKey();
        List<JsonNode> merged;
        if (!maps) {
            merged = new ArrayList<>();
            for (JsonNode v : originalItems) {
                addScalarOnce(merged, v);
            }
            for (JsonNode v : patchItems) {
                addScalarOnce(merged, v);
            }
        } else {
            if (mergeKey == null) {
                throw failure("cannot merge lists without merge key for type string");
            }
            // Elements carrying $patch act on the whole list (replace) or on one element (delete).
            List<JsonNode> plain = new ArrayList<>();
            boolean replace = false;
            for (JsonNode v : patchItems) {
                JsonNode d = v.get(DIRECTIVE);
                if (d == null) {
                    plain.add(v);
                    continue;
                }
                String directive = d.asText(null);
                if (DELETE.equals(directive)) {
                    JsonNode keyValue = v.get(mergeKey);
                    if (keyValue == null) {
                        throw noMergeKey(v, mergeKey);
                    }
                    originalItems.removeIf(o -> o.isObject() && scalarEquals(o.get(mergeKey), keyValue));
                } else if (REPLACE.equals(directive)) {
                    replace = true;
                } else if (MERGE.equals(directive)) {
                    throw failure("merging lists cannot yet be specified in the patch");
                } else {
                    throw failure("unknown patch type: " + goValue(d) + " in map: " + goValue(v));
                }
            }
            if (replace) {
                originalItems = plain;
                patchItems = List.of();
            } else {
                patchItems = plain;
            }
            merged = new ArrayList<>(originalItems);
            for (JsonNode v : patchItems) {
                JsonNode keyValue = v.get(mergeKey);
                if (keyValue == null) {
                    throw noMergeKey(v, mergeKey);
                }
                int at = indexOfKey(merged, mergeKey, keyValue);
                if (at >= 0) {
                    merged.set(at, mergeMap((ObjectNode) merged.get(at), (ObjectNode) v, field.type()));
                } else {
                    merged.add(clean(v));
                }
            }
            if (replace) {
                List<JsonNode> cleaned = new ArrayList<>();
                for (JsonNode v : merged) {
                    cleaned.add(clean(v));
                }
                merged = cleaned;
                originalItems = cleaned;
            }
        }
        List<List<JsonNode>> parts = partition(merged, patchItems, mergeKey, maps);
        return toArray(normalizeOrder(parts.get(0), parts.get(1), patchItems, originalItems, mergeKey, maps));
    }

    /** Splits {@code merged} into the elements present in {@code by} and the others, keeping their order. */
    private static List<List<JsonNode>> partition(List<JsonNode> merged, List<JsonNode> by, String mergeKey,
                                                  boolean maps) {
        List<JsonNode> in = new ArrayList<>();
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode v : merged) {
            if (maps) {
                JsonNode keyValue = v.isObject() ? v.get(mergeKey) : null;
                if (keyValue == null) {
                    throw v.isObject() ? noMergeKey(v, mergeKey) : failure(badArgType(v));
                }
                (indexOfKey(by, mergeKey, keyValue) >= 0 ? in : out).add(v);
            } else {
                (containsScalar(by, v) ? in : out).add(v);
            }
        }
        return List.of(in, out);
    }

    /**
     * Orders the patch elements by {@code patchOrder} and the live-only elements by {@code serverOrder}, then
     * interleaves them: a live-only element goes first only when both it and the next patch element are in the
     * live list and it came before that element there; otherwise the patch element goes first.
     */
    private static List<JsonNode> normalizeOrder(List<JsonNode> patchItems, List<JsonNode> serverOnly,
                                                 List<JsonNode> patchOrder, List<JsonNode> serverOrder,
                                                 String mergeKey, boolean maps) {
        List<JsonNode> right = sortBy(patchItems, patchOrder, mergeKey, maps);
        List<JsonNode> left = sortBy(serverOnly, serverOrder, mergeKey, maps);
        List<JsonNode> out = new ArrayList<>(left.size() + right.size());
        int i = 0;
        int j = 0;
        while (i < left.size() || j < right.size()) {
            if (i >= left.size()) {
                out.add(right.get(j++));
            } else if (j >= right.size()) {
                out.add(left.get(i++));
            } else {
                int li = indexOf(serverOrder, left.get(i), mergeKey, maps);
                int ri = indexOf(serverOrder, right.get(j), mergeKey, maps);
                if (li >= 0 && ri >= 0 && li < ri) {
                    out.add(left.get(i++));
                } else {
                    out.add(right.get(j++));
                }
            }
        }
        return out;
    }

    /** Stable sort by position in {@code order}; for maps, elements that delete go last. */
    private static List<JsonNode> sortBy(List<JsonNode> toSort, List<JsonNode> order, String mergeKey, boolean maps) {
        List<JsonNode> keep = new ArrayList<>();
        List<JsonNode> deletes = new ArrayList<>();
        for (JsonNode v : toSort) {
            if (maps) {
                if (!v.isObject()) {
                    throw failure(badArgType(v));
                }
                if (!v.has(mergeKey)) {
                    throw noMergeKey(v, mergeKey);
                }
                if (DELETE.equals(v.path(DIRECTIVE).asText(null))) {
                    deletes.add(v);
                    continue;
                }
            }
            keep.add(v);
        }
        keep.sort(Comparator.comparingInt(v -> {
            int at = indexOf(order, v, mergeKey, maps);
            return at < 0 ? Integer.MAX_VALUE : at;
        }));
        keep.addAll(deletes);
        return keep;
    }

    private static int indexOf(List<JsonNode> list, JsonNode value, String mergeKey, boolean maps) {
        if (!maps) {
            for (int i = 0; i < list.size(); i++) {
                if (scalarEquals(list.get(i), value)) {
                    return i;
                }
            }
            return -1;
        }
        return indexOfKey(list, mergeKey, value.get(mergeKey));
    }

    private static int indexOfKey(List<JsonNode> list, String mergeKey, JsonNode keyValue) {
        for (int i = 0; i < list.size(); i++) {
            JsonNode v = list.get(i);
            if (v.isObject() && v.has(mergeKey) && scalarEquals(v.get(mergeKey), keyValue)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean identityEquals(JsonNode a, JsonNode b, String mergeKey) {
        if (mergeKey == null) {
            return scalarEquals(a, b);
        }
        if (!a.isObject()) {
            throw failure(badArgType(a));
        }
        if (!b.isObject()) {
            throw failure(badArgType(b));
        }
        if (!a.has(mergeKey)) {
            throw noMergeKey(a, mergeKey);
        }
        if (!b.has(mergeKey)) {
            throw noMergeKey(b, mergeKey);
        }
        return scalarEquals(a.get(mergeKey), b.get(mergeKey));
    }

    // ---- values ----

    /**
     * A value taken from the patch as it is (its field is new, or replaced): drops the directives and nulls in it,
     * which upstream loses when it decodes the result into the typed object.
     */
    private static JsonNode clean(JsonNode v) {
        if (v.isObject()) {
            ObjectNode o = (ObjectNode) v;
            JsonNode d = o.get(DIRECTIVE);
            if (d != null && DELETE.equals(d.asText(null))) {
                return NODES.objectNode();
            }
            ObjectNode out = NODES.objectNode();
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String k = e.getKey();
                if (k.equals(DIRECTIVE) || k.equals(RETAIN_KEYS) || k.startsWith(SET_ELEMENT_ORDER + "/")
                        || k.startsWith(DELETE_FROM_PRIMITIVE_LIST + "/") || e.getValue().isNull()) {
                    continue;
                }
                out.set(k, clean(e.getValue()));
            }
            return out;
        }
        if (v.isArray()) {
            ArrayNode out = NODES.arrayNode();
            for (JsonNode e : v) {
                if (e.isObject() && e.has(DIRECTIVE)) {
                    continue;
                }
                out.add(clean(e));
            }
            return out;
        }
        return v;
    }

    private static String extractKey(String key, String prefix) {
        int slash = key.indexOf('/');
        if (slash < 0 || !key.substring(0, slash).equals(prefix)) {
            throw StatusException.badRequest(prefix.equals(DELETE_FROM_PRIMITIVE_LIST)
                    ? "invalid patch format of primitive list"
                    : "invalid patch format of setElementOrder list");
        }
        return key.substring(slash + 1);
    }

    private static List<String> fieldNames(ObjectNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<JsonNode> items(JsonNode array) {
        List<JsonNode> out = new ArrayList<>(array.size());
        array.forEach(out::add);
        return out;
    }

    private static ArrayNode toArray(List<JsonNode> items) {
        ArrayNode a = NODES.arrayNode();
        items.forEach(a::add);
        return a;
    }

    private static boolean elementsAreMaps(List<JsonNode> a, List<JsonNode> b) {
        return elementGoType(a, b).equals("map");
    }

    /** The common Go type of the elements, as upstream requires all elements of both lists to share one. */
    private static String elementGoType(List<JsonNode> a, List<JsonNode> b) {
        String type = null;
        for (List<JsonNode> list : List.of(a, b)) {
            for (JsonNode v : list) {
                String t = goType(v);
                if (type == null) {
                    type = t;
                    if (t.equals("slice")) {
                        throw new StatusException(StatusReason.INVALID, 422, "lists of lists are not supported",
                                null, null, null, null, null);
                    }
                } else if (!type.equals(t)) {
                    throw failure("list element types are not identical: [" + goValue(toArray(a)) + " "
                            + goValue(toArray(b)) + "]");
                }
            }
        }
        if (type == null) {
            throw failure("no elements in any of the given slices");
        }
        return type;
    }

    private static String goType(JsonNode v) {
        if (v.isObject()) {
            return "map";
        }
        if (v.isArray()) {
            return "slice";
        }
        if (v.isTextual()) {
            return "string";
        }
        if (v.isBoolean()) {
            return "bool";
        }
        if (v.isIntegralNumber()) {
            return "int64";
        }
        if (v.isNumber()) {
            return "float64";
        }
        return "nil";
    }

    private static boolean sameGoType(JsonNode a, JsonNode b) {
        return goType(a).equals(goType(b));
    }

    /** Equality as Go compares decoded JSON scalars: an integer never equals a float. */
    private static boolean scalarEquals(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.isNumber() && b.isNumber()) {
            if (a.isIntegralNumber() != b.isIntegralNumber()) {
                return false;
            }
            return a.isIntegralNumber() ? a.bigIntegerValue().equals(b.bigIntegerValue())
                    : a.doubleValue() == b.doubleValue();
        }
        return a.equals(b);
    }

    private static boolean containsScalar(Iterable<JsonNode> list, JsonNode v) {
        for (JsonNode e : list) {
            if (scalarEquals(e, v)) {
                return true;
            }
        }
        return false;
    }

    private static void addScalarOnce(List<JsonNode> list, JsonNode v) {
        if (!containsScalar(list, v)) {
            list.add(v);
        }
    }

    private static String jsonKind(JsonNode v) {
        if (v.isArray()) {
            return "array";
        }
        if (v.isTextual()) {
            return "string";
        }
        if (v.isNumber()) {
            return "number";
        }
        if (v.isBoolean()) {
            return "bool";
        }
        return "object";
    }

    // ---- errors ----

    /** Errors upstream returns as plain Go errors, which the server reports as 500 with the bare message. */
    private static StatusException failure(String message) {
        return StatusException.unknown(message);
    }

    private static StatusException badRetainKeys() {
        return StatusException.badRequest("invalid patch format of retainKeys");
    }

    private static StatusException noMergeKey(JsonNode map, String mergeKey) {
        return failure("map: " + goValue(map) + " does not contain declared merge key: " + mergeKey);
    }

    private static String badArgType(JsonNode actual) {
        String t = switch (goType(actual)) {
            case "map" -> "map[string]interface {}";
            case "slice" -> "[]interface {}";
            case "nil" -> "<nil>";
            default -> goType(actual);
        };
        return "expected a []interface {}, but received a " + t;
    }

    /** Renders a value the way Go's {@code %v} prints decoded JSON, for error messages. */
    static String goValue(JsonNode v) {
        if (v == null || v.isNull()) {
            return "<nil>";
        }
        if (v.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            v.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
            StringBuilder sb = new StringBuilder("map[");
            String sep = "";
            for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
                sb.append(sep).append(e.getKey()).append(':').append(goValue(e.getValue()));
                sep = " ";
            }
            return sb.append(']').toString();
        }
        if (v.isArray()) {
            StringBuilder sb = new StringBuilder("[");
            String sep = "";
            for (JsonNode e : v) {
                sb.append(sep).append(goValue(e));
                sep = " ";
            }
            return sb.append(']').toString();
        }
        if (v.isTextual()) {
            return v.asText();
        }
        return v.toString();
    }
}
