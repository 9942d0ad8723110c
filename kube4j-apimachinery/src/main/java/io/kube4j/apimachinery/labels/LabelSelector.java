package io.kube4j.apimachinery.labels;

import com.fasterxml.jackson.databind.JsonNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;
import io.kube4j.apimachinery.validation.NameRules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A parsed label selector: every requirement must match. Parses the string form of
 * {@code ?labelSelector=} ({@code =, ==, !=, in, notin, key, !key, >, <}) and the structured
 * {@code metav1.LabelSelector}. Immutable and thread-safe.
 */
public final class LabelSelector {
    private static final LabelSelector EVERYTHING = new LabelSelector(List.of(), false);
    private static final LabelSelector NOTHING = new LabelSelector(List.of(), true);

    private final List<Requirement> requirements;
    private final boolean matchesNothing;

    private LabelSelector(List<Requirement> requirements, boolean matchesNothing) {
        this.requirements = List.copyOf(requirements);
        this.matchesNothing = matchesNothing;
    }

    public static LabelSelector everything() {
        return EVERYTHING;
    }

    public static LabelSelector nothing() {
        return NOTHING;
    }

    public static LabelSelector of(List<Requirement> requirements) {
        return new LabelSelector(requirements, false);
    }

    public List<Requirement> requirements() {
        return requirements;
    }

    public boolean isEmpty() {
        return requirements.isEmpty() && !matchesNothing;
    }

    public boolean matches(Map<String, String> labels) {
        if (matchesNothing) {
            return false;
        }
        for (Requirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** Matches the {@code metadata.labels} object of a JSON object (may be null). */
    public boolean matches(JsonNode labels) {
        if (requirements.isEmpty()) {
            return !matchesNothing;
        }
        return matches(toMap(labels));
    }

    public static Map<String, String> toMap(JsonNode labels) {
        if (labels == null || !labels.isObject() || labels.isEmpty()) {
            return Collections.emptyMap();
        }
        Map<String, String> m = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = labels.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), e.getValue().asText());
        }
        return m;
    }

    /**
     * Parses the string form. Throws {@link StatusException} (400 BadRequest) with upstream's
     * wording on a malformed selector.
     */
    public static LabelSelector parse(String text) {
        if (text == null || text.isBlank()) {
            return EVERYTHING;
        }
        return new Parser(text).parse();
    }

    /**
     * Converts a structured {@code metav1.LabelSelector}. A null selector matches nothing, an empty
     * one matches everything, as upstream's {@code LabelSelectorAsSelector}.
     */
    public static LabelSelector fromJson(JsonNode selector) {
        if (selector == null || selector.isNull()) {
            return NOTHING;
        }
        List<Requirement> reqs = new ArrayList<>();
        JsonNode ml = selector.get("matchLabels");
        if (ml != null && ml.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = ml.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                reqs.add(new Requirement(e.getKey(), Operator.EQUALS, List.of(e.getValue().asText())));
            }
        }
        JsonNode me = selector.get("matchExpressions");
        if (me != null && me.isArray()) {
            for (JsonNode expr : me) {
                String key = expr.path("key").asText();
                Operator op = Operator.fromExpression(expr.path("operator").asText());
                if (op == null) {
                    throw StatusException.badRequest("\"" + expr.path("operator").asText() + "\" is not a valid label selector operator");
                }
                List<String> values = new ArrayList<>();
                expr.path("values").forEach(v -> values.add(v.asText()));
                reqs.add(new Requirement(key, op, values));
            }
        }
        return new LabelSelector(reqs, false);
    }

    /** Converts a plain map selector (as in ReplicationController or Service): empty matches everything. */
    public static LabelSelector fromMap(JsonNode map) {
        if (map == null || !map.isObject() || map.isEmpty()) {
            return EVERYTHING;
        }
        List<Requirement> reqs = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = map.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            reqs.add(new Requirement(e.getKey(), Operator.EQUALS, List.of(e.getValue().asText())));
        }
        return new LabelSelector(reqs, false);
    }

    /** Validates a structured selector's expressions, as upstream's ValidateLabelSelector. */
    public static List<FieldError> validate(JsonNode selector, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (selector == null || selector.isNull()) {
            return errs;
        }
        JsonNode ml = selector.get("matchLabels");
        if (ml != null && ml.isObject()) {
            errs.addAll(NameRules.validateLabels(ml, path.child("matchLabels")));
        }
        JsonNode me = selector.get("matchExpressions");
        if (me != null && me.isArray()) {
            int i = 0;
            for (JsonNode expr : me) {
                FieldPath p = path.child("matchExpressions").index(i++);
                String op = expr.path("operator").asText();
                int n = expr.path("values").size();
                switch (op) {
                    case "In", "NotIn" -> {
                        if (n == 0) {
                            errs.add(FieldError.required(p.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
                        }
                    }
                    case "Exists", "DoesNotExist" -> {
                        if (n > 0) {
                            errs.add(FieldError.forbidden(p.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                        }
                    }
                    default -> errs.add(FieldError.invalid(p.child("operator"), op, "not a valid selector operator"));
                }
                errs.addAll(NameRules.validateQualifiedName(expr.path("key").asText(), p.child("key")));
            }
        }
        return errs;
    }

    @Override
    public String toString() {
        if (matchesNothing) {
            return "<none>";
        }
        List<String> parts = new ArrayList<>();
        for (Requirement r : requirements) {
            parts.add(r.toString());
        }
        return String.join(",", parts);
    }

    /** A small hand-written lexer and parser for the string form. */
    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        LabelSelector parse() {
            List<Requirement> reqs = new ArrayList<>();
            while (true) {
                skipSpace();
                if (pos >= s.length()) {
                    if (!reqs.isEmpty() && s.trim().endsWith(",")) {
                        throw error("found '', expected: identifier");
                    }
                    break;
                }
                reqs.add(requirement());
                skipSpace();
                if (pos >= s.length()) {
                    break;
                }
                if (s.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                throw error("found '" + s.charAt(pos) + "', expected: ',' or 'end of string'");
            }
            return new LabelSelector(reqs, false);
        }

        private Requirement requirement() {
            skipSpace();
            boolean negated = false;
            if (peek() == '!') {
                pos++;
                negated = true;
                skipSpace();
            }
            String key = identifier();
            if (key.isEmpty()) {
                throw error("found '" + (pos < s.length() ? String.valueOf(s.charAt(pos)) : "") + "', expected: !, identifier, or 'end of string'");
            }
            checkKey(key);
            if (negated) {
                return new Requirement(key, Operator.DOES_NOT_EXIST, List.of());
            }
            skipSpace();
            if (pos >= s.length() || peek() == ',') {
                return new Requirement(key, Operator.EXISTS, List.of());
            }
            Operator op;
            if (s.startsWith("==", pos)) {
                op = Operator.DOUBLE_EQUALS;
                pos += 2;
            } else if (s.startsWith("!=", pos)) {
                op = Operator.NOT_EQUALS;
                pos += 2;
            } else if (peek() == '=') {
                op = Operator.EQUALS;
                pos++;
            } else if (peek() == '>') {
                op = Operator.GREATER_THAN;
                pos++;
            } else if (peek() == '<') {
                op = Operator.LESS_THAN;
                pos++;
            } else if (word("notin")) {
                op = Operator.NOT_IN;
            } else if (word("in")) {
                op = Operator.IN;
            } else {
                throw error("found '" + identifier() + "', expected: in, notin, =, ==, !=, gt, lt");
            }
            skipSpace();
            List<String> values = new ArrayList<>();
            if (op == Operator.IN || op == Operator.NOT_IN) {
                if (peek() != '(') {
                    throw error("found '" + identifier() + "', expected: '('");
                }
                pos++;
                TreeSet<String> set = new TreeSet<>();
                while (true) {
                    skipSpace();
                    String v = identifier();
                    checkValue(v);
                    set.add(v);
                    skipSpace();
                    if (peek() == ',') {
                        pos++;
                        continue;
                    }
                    if (peek() == ')') {
                        pos++;
                        break;
                    }
                    throw error("found '" + (pos < s.length() ? String.valueOf(s.charAt(pos)) : "") + "', expected: ',' or ')'");
                }
                values.addAll(set);
            } else {
                String v = identifier();
                if (op == Operator.GREATER_THAN || op == Operator.LESS_THAN) {
                    try {
                        Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        throw error("for 'Gt', 'Lt' operators, the value must be an integer");
                    }
                }
                checkValue(v);
                values.add(v);
            }
            return new Requirement(key, op, values);
        }

        private boolean word(String w) {
            if (s.startsWith(w, pos)) {
                int end = pos + w.length();
                if (end >= s.length() || Character.isWhitespace(s.charAt(end)) || s.charAt(end) == '(') {
                    pos = end;
                    return true;
                }
            }
            return false;
        }

        private String identifier() {
            int start = pos;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (Character.isWhitespace(c) || c == ',' || c == '=' || c == '!' || c == '(' || c == ')'
                        || c == '<' || c == '>') {
                    break;
                }
                pos++;
            }
            return s.substring(start, pos);
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private void checkKey(String key) {
            List<FieldError> errs = NameRules.validateQualifiedName(key, FieldPath.root("key"));
            if (!errs.isEmpty()) {
                throw StatusException.badRequest("unable to parse requirement: " + errs.get(0).body().replaceFirst("^", "<nil>: "));
            }
        }

        private void checkValue(String v) {
            List<String> msgs = NameRules.isValidLabelValue(v);
            if (!msgs.isEmpty()) {
                throw StatusException.badRequest("unable to parse requirement: values[0][key]: Invalid value: \"" + v + "\": " + msgs.get(0));
            }
        }

        private StatusException error(String msg) {
            return StatusException.badRequest("unable to parse requirement: " + msg);
        }
    }
}
