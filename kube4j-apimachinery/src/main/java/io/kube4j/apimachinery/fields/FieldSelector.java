package io.kube4j.apimachinery.fields;

import io.kube4j.apimachinery.errors.StatusException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A parsed field selector ({@code ?fieldSelector=}): terms of {@code field=value},
 * {@code field==value} or {@code field!=value}, all of which must hold. Immutable.
 */
public final class FieldSelector {
    /** One term; {@code negated} for {@code !=}. */
    public record Term(String field, String value, boolean negated) {
    }

    private static final FieldSelector EVERYTHING = new FieldSelector(List.of());
    private final List<Term> terms;

    private FieldSelector(List<Term> terms) {
        this.terms = List.copyOf(terms);
    }

    public static FieldSelector everything() {
        return EVERYTHING;
    }

    public List<Term> terms() {
        return terms;
    }

    public boolean isEmpty() {
        return terms.isEmpty();
    }

    /** Parses the string form; backslash escapes {@code \,} {@code \=} and {@code \\} are honoured. */
    public static FieldSelector parse(String text) {
        if (text == null || text.isBlank()) {
            return EVERYTHING;
        }
        List<Term> terms = new ArrayList<>();
        for (String part : splitUnescaped(text, ',')) {
            if (part.isEmpty()) {
                continue;
            }
            int ne = indexUnescaped(part, "!=");
            int eqeq = indexUnescaped(part, "==");
            int eq = indexUnescaped(part, "=");
            Term t;
            if (ne >= 0 && (eq < 0 || ne < eq)) {
                t = new Term(part.substring(0, ne), unescape(part.substring(ne + 2)), true);
            } else if (eqeq >= 0 && eqeq == eq) {
                t = new Term(part.substring(0, eqeq), unescape(part.substring(eqeq + 2)), false);
            } else if (eq >= 0) {
                t = new Term(part.substring(0, eq), unescape(part.substring(eq + 1)), false);
            } else {
                throw StatusException.badRequest("invalid selector: '" + text + "'; can't understand '" + part + "'");
            }
            terms.add(t);
        }
        return new FieldSelector(terms);
    }

    /** Rejects fields outside {@code supported}, with upstream's message. */
    public void check(Set<String> supported) {
        for (Term t : terms) {
            if (!supported.contains(t.field)) {
                throw StatusException.badRequest("field label not supported: " + t.field);
            }
        }
    }

    /** Whether every term holds, given a lookup of field values (absent fields read as ""). */
    public boolean matches(Function<String, String> fields) {
        for (Term t : terms) {
            String v = fields.apply(t.field);
            if (v == null) {
                v = "";
            }
            if (t.negated == v.equals(t.value)) {
                return false;
            }
        }
        return true;
    }

    public boolean matches(Map<String, String> fields) {
        return matches(fields::get);
    }

    /** The value a term requires for {@code field} with {@code =}, or null. */
    public String requiredValue(String field) {
        for (Term t : terms) {
            if (t.field.equals(field) && !t.negated) {
                return t.value;
            }
        }
        return null;
    }

    private static List<String> splitUnescaped(String s, char sep) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                cur.append(c).append(s.charAt(++i));
            } else if (c == sep) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    private static int indexUnescaped(String s, String op) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\\') {
                i++;
                continue;
            }
            if (s.startsWith(op, i)) {
                return i;
            }
        }
        return -1;
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                b.append(s.charAt(++i));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (Term t : terms) {
            parts.add(t.field + (t.negated ? "!=" : "=") + t.value);
        }
        return String.join(",", parts);
    }
}
