package io.kube4j.apiserver.validation.shared;

import com.fasterxml.jackson.databind.JsonNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks of {@code IntOrString} fields that hold a count or a percentage (maxSurge, maxUnavailable,
 * minAvailable), as upstream's ValidatePositiveIntOrPercent and IsNotMoreThan100Percent.
 * Stateless and thread-safe.
 */
public final class IntOrPercent {
    private static final Pattern PERCENT = Pattern.compile("^[0-9]+%$");
    private static final String PERCENT_MESSAGE = "a valid percent string must be a numeric string followed by an "
            + "ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

    private IntOrPercent() {
    }

    public static boolean isPercent(JsonNode v) {
        return v != null && v.isTextual() && PERCENT.matcher(v.asText()).matches();
    }

    /** The number, or the percentage as a number; 0 for anything unparsable, as upstream. */
    public static int value(JsonNode v) {
        if (v == null || v.isNull()) {
            return 0;
        }
        if (isPercent(v)) {
            String s = v.asText();
            try {
                return Integer.parseInt(s.substring(0, s.length() - 1));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        if (v.isTextual()) {
            try {
                return Integer.parseInt(v.asText());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return v.asInt();
    }

    public static void validatePositive(List<FieldError> errs, JsonNode v, FieldPath path) {
        if (v == null || v.isNull()) {
            return;
        }
        if (v.isTextual()) {
            if (!isPercent(v)) {
                errs.add(FieldError.invalid(path, GoSyntax.intOrString(v), PERCENT_MESSAGE));
            }
        } else if (v.isIntegralNumber()) {
            if (v.asLong() < 0) {
                errs.add(FieldError.invalid(path, v.asLong(), "must be greater than or equal to 0"));
            }
        } else {
            errs.add(FieldError.invalid(path, GoSyntax.intOrString(v), "must be an integer or percentage (e.g '5%%')"));
        }
    }

    public static void notMoreThan100Percent(List<FieldError> errs, JsonNode v, FieldPath path) {
        if (isPercent(v) && value(v) > 100) {
            errs.add(FieldError.invalid(path, GoSyntax.intOrString(v), "must not be greater than 100%"));
        }
    }
}
