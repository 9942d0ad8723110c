package io.kube4j.apimachinery.validation;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * One validation failure at a field path. Validators return lists of these and never throw;
 * {@link #toString()} renders upstream's wording, e.g. {@code spec.containers: Required value}.
 *
 * @param badValue the offending value; {@link #OMIT} when upstream prints none
 */
public record FieldError(ErrorType type, String field, Object badValue, String detail) {
    /** Marker for errors whose message carries no value. */
    public static final Object OMIT = new Object() {
        @Override
        public String toString() {
            return "<omitted>";
        }
    };

    public static FieldError required(FieldPath path, String detail) {
        return new FieldError(ErrorType.REQUIRED, path.toString(), OMIT, detail);
    }

    public static FieldError invalid(FieldPath path, Object value, String detail) {
        return new FieldError(ErrorType.INVALID, path.toString(), value, detail);
    }

    public static FieldError notSupported(FieldPath path, Object value, Collection<String> valid) {
        String detail = valid == null || valid.isEmpty() ? "" : "supported values: " + valid.stream()
                .map(v -> "\"" + v + "\"").collect(Collectors.joining(", "));
        return new FieldError(ErrorType.NOT_SUPPORTED, path.toString(), value, detail);
    }

    public static FieldError duplicate(FieldPath path, Object value) {
        return new FieldError(ErrorType.DUPLICATE, path.toString(), value, "");
    }

    public static FieldError forbidden(FieldPath path, String detail) {
        return new FieldError(ErrorType.FORBIDDEN, path.toString(), OMIT, detail);
    }

    public static FieldError tooLong(FieldPath path, Object value, int max) {
        return new FieldError(ErrorType.TOO_LONG, path.toString(), value, "may not be more than " + max + " bytes");
    }

    public static FieldError tooMany(FieldPath path, int actual, int max) {
        return new FieldError(ErrorType.TOO_MANY, path.toString(), actual, "must have at most " + max + " items");
    }

    public static FieldError notFound(FieldPath path, Object value) {
        return new FieldError(ErrorType.NOT_FOUND, path.toString(), value, "");
    }

    /** The error without its field path, as upstream's {@code ErrorBody}. */
    public String body() {
        StringBuilder s = new StringBuilder(type.words());
        if (badValue != OMIT && type != ErrorType.REQUIRED && type != ErrorType.FORBIDDEN
                && type != ErrorType.INTERNAL && type != ErrorType.TOO_LONG) {
            s.append(": ").append(render(badValue));
        }
        if (detail != null && !detail.isEmpty()) {
            s.append(": ").append(detail);
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return field + ": " + body();
    }

    private static String render(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof JsonNode n) {
            if (n.isTextual()) {
                return "\"" + n.asText() + "\"";
            }
            return n.toString();
        }
        if (value instanceof String s) {
            return "\"" + s + "\"";
        }
        return String.valueOf(value);
    }
}
