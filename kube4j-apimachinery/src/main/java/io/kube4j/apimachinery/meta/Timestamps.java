package io.kube4j.apimachinery.meta;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** RFC 3339 timestamps as the API writes them: seconds precision, UTC, {@code Z}. */
public final class Timestamps {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    /** The first second of year 10000: later instants need the formatter's wider year. */
    private static final long YEAR_10000 = 253_402_300_800L;

    public static String format(Instant t) {
        long s = t.getEpochSecond();
        if (s < 0 || s >= YEAR_10000) {
            return SECONDS.format(t.truncatedTo(ChronoUnit.SECONDS));
        }
        // every write stamps one or more times; the general formatter was a visible share of a create
        java.time.LocalDateTime d = java.time.LocalDateTime.ofEpochSecond(s, 0, ZoneOffset.UTC);
        byte[] b = new byte[20];
        put(b, 0, d.getYear(), 4);
        b[4] = '-';
        put(b, 5, d.getMonthValue(), 2);
        b[7] = '-';
        put(b, 8, d.getDayOfMonth(), 2);
        b[10] = 'T';
        put(b, 11, d.getHour(), 2);
        b[13] = ':';
        put(b, 14, d.getMinute(), 2);
        b[16] = ':';
        put(b, 17, d.getSecond(), 2);
        b[19] = 'Z';
        return new String(b, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static void put(byte[] b, int at, int v, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            b[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
    }

    /**
     * The common {@code yyyy-MM-ddTHH:mm:ssZ} form without a formatter: tables parse one per row, and
     * the general parser dominated large LIST-as-Table requests. Null when {@code s} has another form.
     */
    private static Instant parseSeconds(String s) {
        if (s.length() != 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || s.charAt(19) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        try {
            return java.time.LocalDate.of(year, month, day).atTime(hour, minute, second).toInstant(ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    private static int digits(String s, int from, int n) {
        int v = 0;
        for (int i = from; i < from + n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** {@code metav1.MicroTime}, as used by events.k8s.io and leases. */
    public static String formatMicro(Instant t) {
        return MICROS.format(t.truncatedTo(ChronoUnit.MICROS));
    }

    public static Instant parse(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        Instant fast = parseSeconds(s);
        if (fast != null) {
            return fast;
        }
        try {
            return Instant.parse(s);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Upstream's human-readable duration, as in the AGE column: 5s, 3m20s, 4h, 2d3h, 400d. */
    public static String humanDuration(java.time.Duration d) {
        // upstream truncates toward zero (int(d.Seconds())); getSeconds() floors negative durations
        long seconds = d.getSeconds();
        if (seconds < 0 && d.getNano() > 0) {
            seconds++;
        }
        if (seconds < -1) {
            return "<invalid>";
        } else if (seconds < 0) {
            return "0s";
        } else if (seconds < 60 * 2) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 10) {
            long s = seconds % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        } else if (minutes < 60 * 3) {
            return minutes + "m";
        }
        long hours = minutes / 60;
        if (hours < 8) {
            long m = minutes % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        } else if (hours < 48) {
            return hours + "h";
        } else if (hours < 24 * 8) {
            long h = hours % 24;
            return h == 0 ? (hours / 24) + "d" : (hours / 24) + "d" + h + "h";
        } else if (hours < 24 * 365 * 2) {
            return (hours / 24) + "d";
        } else if (hours < 24 * 365 * 8) {
            long dy = (hours / 24) % 365;
            return dy == 0 ? (hours / 24 / 365) + "y" : (hours / 24 / 365) + "y" + dy + "d";
        }
        return (hours / 24 / 365) + "y";
    }
}
