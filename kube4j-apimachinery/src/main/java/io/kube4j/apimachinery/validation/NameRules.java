package io.kube4j.apimachinery.validation;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Upstream's name, label and annotation rules, with their messages word for word. */
public final class NameRules {
    private static final String DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final String DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";
    private static final String DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private static final String QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private static final String LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?";

    static final Pattern DNS1123_LABEL = Pattern.compile("^" + DNS1123_LABEL_FMT + "$");
    static final Pattern DNS1123_SUBDOMAIN = Pattern.compile("^" + DNS1123_SUBDOMAIN_FMT + "$");
    private static final Pattern DNS1035_LABEL = Pattern.compile("^" + DNS1035_LABEL_FMT + "$");
    static final Pattern QUALIFIED_NAME = Pattern.compile("^" + QUALIFIED_NAME_FMT + "$");
    static final Pattern LABEL_VALUE = Pattern.compile("^" + LABEL_VALUE_FMT + "$");
    static final Pattern C_IDENTIFIER = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");
    private static final Pattern IANA_SVC_NAME = Pattern.compile("^[-a-z0-9]+$");

    public static final int DNS1123_LABEL_MAX = 63;
    public static final int DNS1123_SUBDOMAIN_MAX = 253;
    public static final int TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

    private NameRules() {
    }

    private static String regexError(String msg, String fmt, String... examples) {
        StringBuilder s = new StringBuilder(msg).append(" (");
        if (examples.length > 0) {
            s.append("e.g. '").append(examples[0]).append("'");
            for (int i = 1; i < examples.length; i++) {
                s.append(",  or '").append(examples[i]).append("'");
            }
            s.append(", ");
        }
        s.append("regex used for validation is '").append(fmt).append("')");
        return s.toString();
    }

    // Hand-written forms of the hot patterns (every name, label and annotation key of every write is checked):
    // each accepts exactly the strings its pattern matches in full (NameRulesTest compares them).

    private static boolean lowerAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static boolean alnum(char c) {
        return lowerAlnum(c) || (c >= 'A' && c <= 'Z');
    }

    /** {@code [a-z0-9]([-a-z0-9]*[a-z0-9])?} over {@code v[from, to)}. */
    static boolean dns1123Label(String v, int from, int to) {
        if (to <= from || !lowerAlnum(v.charAt(from)) || !lowerAlnum(v.charAt(to - 1))) {
            return false;
        }
        for (int i = from + 1; i < to - 1; i++) {
            char c = v.charAt(i);
            if (c != '-' && !lowerAlnum(c)) {
                return false;
            }
        }
        return true;
    }

    /** DNS-1123 labels joined by dots. */
    static boolean dns1123Subdomain(String v) {
        int start = 0;
        for (int i = 0; i <= v.length(); i++) {
            if (i == v.length() || v.charAt(i) == '.') {
                if (!dns1123Label(v, start, i)) {
                    return false;
                }
                start = i + 1;
            }
        }
        return true;
    }

    /** {@code ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]}. */
    static boolean qualifiedNamePart(String v) {
        int n = v.length();
        if (n == 0 || !alnum(v.charAt(0)) || !alnum(v.charAt(n - 1))) {
            return false;
        }
        for (int i = 1; i < n - 1; i++) {
            char c = v.charAt(i);
            if (c != '-' && c != '_' && c != '.' && !alnum(c)) {
                return false;
            }
        }
        return true;
    }

    /** {@code [A-Za-z_][A-Za-z0-9_]*}. */
    static boolean cIdentifier(String v) {
        if (v.isEmpty()) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean ok = c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String maxLen(int n) {
        return "must be no more than " + n + " characters";
    }

    public static List<String> isDns1123Label(String v) {
        List<String> errs = new ArrayList<>();
        if (v.length() > DNS1123_LABEL_MAX) {
            errs.add(maxLen(DNS1123_LABEL_MAX));
        }
        if (!dns1123Label(v, 0, v.length())) {
            errs.add(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
                    + "and must start and end with an alphanumeric character", DNS1123_LABEL_FMT, "my-name", "123-abc"));
        }
        return errs;
    }

    public static List<String> isDns1123Subdomain(String v) {
        List<String> errs = new ArrayList<>();
        if (v.length() > DNS1123_SUBDOMAIN_MAX) {
            errs.add(maxLen(DNS1123_SUBDOMAIN_MAX));
        }
        if (!dns1123Subdomain(v)) {
            errs.add(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                    + "and must start and end with an alphanumeric character", DNS1123_SUBDOMAIN_FMT, "example.com"));
        }
        return errs;
    }

    public static List<String> isDns1035Label(String v) {
        List<String> errs = new ArrayList<>();
        if (v.length() > DNS1123_LABEL_MAX) {
            errs.add(maxLen(DNS1123_LABEL_MAX));
        }
        if (!DNS1035_LABEL.matcher(v).matches()) {
            errs.add(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
                    + "start with an alphabetic character, and end with an alphanumeric character",
                    DNS1035_LABEL_FMT, "my-name", "abc-123"));
        }
        return errs;
    }

    public static List<String> isCIdentifier(String v) {
        if (cIdentifier(v)) {
            return List.of();
        }
        return List.of(regexError("a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'",
                "[A-Za-z_][A-Za-z0-9_]*", "my_name", "MY_NAME", "MyName"));
    }

    /** Port names: an IANA service name. */
    public static List<String> isValidPortName(String port) {
        List<String> errs = new ArrayList<>();
        if (port.length() > 15) {
            errs.add("must be no more than 15 characters");
        }
        if (!IANA_SVC_NAME.matcher(port).matches()) {
            errs.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        }
        if (port.contains("--")) {
            errs.add("must not contain consecutive hyphens");
        }
        if (!port.isEmpty() && !port.matches(".*[a-z].*")) {
            errs.add("must contain at least one letter (a-z)");
        }
        if (port.startsWith("-") || port.endsWith("-")) {
            errs.add("must not begin or end with a hyphen");
        }
        return errs;
    }

    public static List<String> isQualifiedName(String value) {
        List<String> errs = new ArrayList<>();
        String[] parts = value.split("/", -1);
        String name;
        if (parts.length == 1) {
            name = parts[0];
        } else if (parts.length == 2) {
            String prefix = parts[0];
            name = parts[1];
            if (prefix.isEmpty()) {
                errs.add("prefix part must be non-empty");
            } else {
                for (String m : isDns1123Subdomain(prefix)) {
                    errs.add("prefix part " + m);
                }
            }
        } else {
            errs.add(regexError("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                    QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
            return errs;
        }
        if (name.isEmpty()) {
            errs.add("name part must be non-empty");
        } else if (name.length() > 63) {
            errs.add("name part " + maxLen(63));
        }
        if (!qualifiedNamePart(name)) {
            errs.add("name part " + regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                    QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc"));
        }
        return errs;
    }

    public static List<String> isValidLabelValue(String value) {
        List<String> errs = new ArrayList<>();
        if (value.length() > 63) {
            errs.add(maxLen(63));
        }
        if (!value.isEmpty() && !qualifiedNamePart(value)) {
            errs.add(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                    LABEL_VALUE_FMT, "MyValue", "my_value", "12345"));
        }
        return errs;
    }

    public static List<FieldError> validateQualifiedName(String value, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        for (String m : isQualifiedName(value)) {
            errs.add(FieldError.invalid(path, value, m));
        }
        return errs;
    }

    public static List<FieldError> validateLabels(JsonNode labels, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (labels == null || !labels.isObject()) {
            return errs;
        }
        Iterator<Map.Entry<String, JsonNode>> it = labels.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            errs.addAll(validateQualifiedName(e.getKey(), path));
            String v = e.getValue().isNull() ? "" : e.getValue().asText();
            for (String m : isValidLabelValue(v)) {
                errs.add(FieldError.invalid(path, v, m));
            }
        }
        return errs;
    }

    public static List<FieldError> validateAnnotations(JsonNode annotations, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (annotations == null || !annotations.isObject()) {
            return errs;
        }
        long total = 0;
        Iterator<Map.Entry<String, JsonNode>> it = annotations.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            for (String m : isQualifiedName(e.getKey().toLowerCase())) {
                errs.add(FieldError.invalid(path, e.getKey(), m));
            }
            total += e.getKey().getBytes(StandardCharsets.UTF_8).length
                    + e.getValue().asText().getBytes(StandardCharsets.UTF_8).length;
        }
        if (total > TOTAL_ANNOTATION_SIZE_LIMIT) {
            errs.add(new FieldError(ErrorType.TOO_LONG, path.toString(), FieldError.OMIT,
                    "must have at most " + TOTAL_ANNOTATION_SIZE_LIMIT + " bytes"));
        }
        return errs;
    }

    /** Checks that a name is usable as a URL path segment, as upstream's IsValidPathSegmentName. */
    public static List<String> isValidPathSegmentName(String name) {
        if (name.equals(".") || name.equals("..")) {
            return List.of("may not be '" + name + "'");
        }
        List<String> errs = new ArrayList<>();
        for (String illegal : new String[]{"/", "%"}) {
            if (name.contains(illegal)) {
                errs.add("may not contain '" + illegal + "'");
            }
        }
        return errs;
    }
}
