package io.kube4j.apiserver.validation.core;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A short diff of two JSON trees, appended to "may not change" messages the way upstream appends
 * a struct diff: one {@code -}/{@code +} pair per changed leaf, named by its JSON path. Upstream
 * prints Go struct diffs, which kube4j cannot reproduce; the lines only help a reader. Stateless.
 */
public final class SpecDiff {
    private SpecDiff() {
    }

    public static String diff(JsonNode before, JsonNode after) {
        List<String> lines = new ArrayList<>();
        walk("", before, after, lines);
        StringBuilder s = new StringBuilder("  {\n");
        for (String l : lines) {
            s.append(l).append('\n');
        }
        return s.append("  }\n").toString();
    }

    private static void walk(String path, JsonNode a, JsonNode b, List<String> out) {
        if (a != null && b != null && a.equals(b)) {
            return;
        }
        if (a != null && b != null && a.isObject() && b.isObject()) {
            Set<String> keys = new TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                walk(path.isEmpty() ? k : path + "." + k, a.get(k), b.get(k), out);
            }
            return;
        }
        if (a != null && b != null && a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                walk(path + "[" + i + "]", a.get(i), b.get(i), out);
            }
            return;
        }
        if (a != null) {
            out.add("- \t" + path + ": " + a);
        }
        if (b != null) {
            out.add("+ \t" + path + ": " + b);
        }
    }
}
