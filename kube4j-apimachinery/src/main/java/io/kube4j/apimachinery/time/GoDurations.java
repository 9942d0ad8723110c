package io.kube4j.apimachinery.time;

import java.time.Duration;
import java.util.Map;

/**
 * Go's duration syntax ({@code time.ParseDuration}), as Kubernetes components take it in flags and annotations:
 * a sequence of decimal numbers with units {@code ns us µs ms s m h}, e.g. {@code 40s}, {@code 1m30s}, {@code 1.5h},
 * {@code 500ms}; an optional sign; {@code 0} alone. Stateless and thread-safe.
 */
public final class GoDurations {
    private static final Map<String, Long> UNIT_NANOS = Map.of("ns", 1L, "us", 1_000L, "µs", 1_000L, "ms", 1_000_000L,
            "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

    private GoDurations() {
    }

    /** Parses {@code text}; throws IllegalArgumentException with Go's message when it is not a duration. */
    public static Duration parse(String text) {
        String s = text == null ? "" : text.strip();
        String orig = s;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("time: invalid duration \"" + orig + "\"");
        }
        double nanos = 0;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            if (start == i) {
                throw new IllegalArgumentException("time: invalid duration \"" + orig + "\"");
            }
            double value;
            try {
                value = Double.parseDouble(s.substring(start, i));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("time: invalid duration \"" + orig + "\"");
            }
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            String unit = s.substring(unitStart, i);
            if (unit.isEmpty()) {
                throw new IllegalArgumentException("time: missing unit in duration \"" + orig + "\"");
            }
            Long factor = UNIT_NANOS.get(unit);
            if (factor == null) {
                throw new IllegalArgumentException("time: unknown unit \"" + unit + "\" in duration \"" + orig + "\"");
            }
            nanos += value * factor;
        }
        long n = Math.round(nanos);
        return Duration.ofNanos(negative ? -n : n);
    }
}
