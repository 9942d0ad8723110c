package io.kube4j.apimachinery.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.errors.StatusReason;

import java.util.ArrayList;
import java.util.List;

/** JSON patch (RFC 6902): add, remove, replace, move, copy and test, on a copy of the target. */
public final class JsonPatch {
    private JsonPatch() {
    }

    public static JsonNode apply(JsonNode target, JsonNode patch) {
        if (!patch.isArray()) {
            throw StatusException.badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
        }
        JsonNode doc = target.deepCopy();
        for (JsonNode op : patch) {
            String name = op.path("op").asText();
            String path = op.path("path").asText(null);
            if (path == null) {
                throw invalid("missing path in operation: " + op);
            }
            switch (name) {
                case "add" -> doc = add(doc, path, value(op));
                case "remove" -> doc = remove(doc, path);
                case "replace" -> {
                    get(doc, path);
                    doc = add(remove(doc, path), path, value(op));
                }
                case "move" -> {
                    String from = op.path("from").asText();
                    JsonNode v = get(doc, from);
                    doc = add(remove(doc, from), path, v);
                }
                case "copy" -> doc = add(doc, path, get(doc, op.path("from").asText()).deepCopy());
                case "test" -> {
                    if (!get(doc, path).equals(value(op))) {
                        throw invalid("testing value " + path + " failed: test failed");
                    }
                }
                default -> throw invalid("Unexpected kind: " + name);
            }
        }
        return doc;
    }

    private static JsonNode value(JsonNode op) {
        if (!op.has("value")) {
            throw invalid("missing value in operation: " + op);
        }
        return op.get("value").deepCopy();
    }

    private static List<String> tokens(String path) {
        List<String> out = new ArrayList<>();
        if (path.isEmpty()) {
            return out;
        }
        if (!path.startsWith("/")) {
            throw invalid("invalid path: " + path);
        }
        for (String t : path.substring(1).split("/", -1)) {
            out.add(t.replace("~1", "/").replace("~0", "~"));
        }
        return out;
    }

    private static JsonNode get(JsonNode doc, String path) {
        JsonNode cur = doc;
        for (String t : tokens(path)) {
            cur = child(cur, t, path);
        }
        return cur;
    }

    private static JsonNode child(JsonNode cur, String t, String path) {
        JsonNode next;
        if (cur.isObject()) {
            next = cur.get(t);
        } else if (cur.isArray()) {
            int i = index(t, cur.size() - 1, path);
            next = cur.get(i);
        } else {
            next = null;
        }
        if (next == null) {
            throw invalid("doc is missing path: \"" + path + "\": missing value");
        }
        return next;
    }

    private static int index(String t, int max, String path) {
        try {
            int i = Integer.parseInt(t);
            if (i < 0 || i > max) {
                throw invalid("Unable to access invalid index: " + i + ": invalid index referenced");
            }
            return i;
        } catch (NumberFormatException e) {
            throw invalid("doc is missing path: \"" + path + "\": missing value");
        }
    }

    private static JsonNode add(JsonNode doc, String path, JsonNode value) {
        List<String> toks = tokens(path);
        if (toks.isEmpty()) {
            return value;
        }
        JsonNode parent = doc;
        for (int i = 0; i < toks.size() - 1; i++) {
            parent = child(parent, toks.get(i), path);
        }
        String last = toks.get(toks.size() - 1);
        if (parent instanceof ObjectNode o) {
            o.set(last, value);
        } else if (parent instanceof ArrayNode a) {
            if (last.equals("-")) {
                a.add(value);
            } else {
                a.insert(index(last, a.size(), path), value);
            }
        } else {
            throw invalid("doc is missing path: \"" + path + "\": missing value");
        }
        return doc;
    }

    private static JsonNode remove(JsonNode doc, String path) {
        List<String> toks = tokens(path);
        if (toks.isEmpty()) {
            throw invalid("unable to remove the whole document");
        }
        JsonNode parent = doc;
        for (int i = 0; i < toks.size() - 1; i++) {
            parent = child(parent, toks.get(i), path);
        }
        String last = toks.get(toks.size() - 1);
        if (parent instanceof ObjectNode o) {
            if (!o.has(last)) {
                throw invalid("Unable to remove nonexistent key: " + last + ": missing value");
            }
            o.remove(last);
        } else if (parent instanceof ArrayNode a) {
            a.remove(index(last, a.size() - 1, path));
        } else {
            throw invalid("doc is missing path: \"" + path + "\": missing value");
        }
        return doc;
    }

    private static StatusException invalid(String msg) {
        // upstream answers a failed JSON patch with its generic 422 message and no detail
        return new StatusException(StatusReason.INVALID, 422,
                "the server rejected our request due to an error in our request",
                null, null, null, null, null);
    }
}
