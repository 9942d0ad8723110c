package io.kube4j.apiserver.resources.core.pod;

import io.kube4j.apimachinery.errors.StatusException;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Function;

/**
 * The query options of {@code GET pods/NAME/log} (upstream's PodLogOptions), decoded from the
 * query as upstream's parameter codec does: a boolean is true unless it is {@code 0} or
 * {@code false}; numbers are base-10 64-bit integers; {@code sinceTime} is RFC 3339.
 */
public record PodLogOptions(String container, boolean follow, boolean previous, boolean timestamps, Long sinceSeconds,
                            OffsetDateTime sinceTime, Long tailLines, Long limitBytes) {

    /** Decodes the options; {@code query} gives every value of a parameter (empty when absent). 400 on a malformed value. */
    public static PodLogOptions fromQuery(Function<String, List<String>> query) {
        return new PodLogOptions(first(query, "container"), bool(query, "follow"), bool(query, "previous"),
                bool(query, "timestamps"), int64(query, "sinceSeconds"), time(query, "sinceTime"),
                int64(query, "tailLines"), int64(query, "limitBytes"));
    }

    static String first(Function<String, List<String>> query, String name) {
        List<String> v = query.apply(name);
        return v == null || v.isEmpty() ? "" : v.get(0);
    }

    static boolean bool(Function<String, List<String>> query, String name) {
        List<String> v = query.apply(name);
        if (v == null || v.isEmpty()) {
            return false;
        }
        return !(v.get(0).equals("0") || v.get(0).equalsIgnoreCase("false"));
    }

    static Long int64(Function<String, List<String>> query, String name) {
        List<String> v = query.apply(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(v.get(0));
        } catch (NumberFormatException e) {
            throw StatusException.badRequest("strconv.ParseInt: parsing \"" + v.get(0) + "\": invalid syntax");
        }
    }

    private static OffsetDateTime time(Function<String, List<String>> query, String name) {
        List<String> v = query.apply(name);
        if (v == null || v.isEmpty() || v.get(0).isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(v.get(0), DateTimeFormatter.ISO_OFFSET_DATE_TIME).truncatedTo(ChronoUnit.SECONDS);
        } catch (DateTimeParseException e) {
            throw StatusException.badRequest("parsing time \"" + v.get(0) + "\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \""
                    + v.get(0) + "\" as \"2006\"");
        }
    }
}
