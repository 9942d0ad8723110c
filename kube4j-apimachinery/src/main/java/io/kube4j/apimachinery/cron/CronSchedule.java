package io.kube4j.apimachinery.cron;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed CronJob schedule, accepting what Kubernetes accepts: five fields (minute, hour,
 * day of month, month, day of week) with lists, ranges, steps, {@code *}/{@code ?} and month/day
 * names; the descriptors {@code @yearly @annually @monthly @weekly @daily @midnight @hourly}; and
 * {@code @every <duration>}. A leading {@code TZ=<zone>} or {@code CRON_TZ=<zone>} is parsed too
 * (the API server rejects it in new CronJobs, but older objects may carry it).
 *
 * <p>Used by CronJob validation (the error messages match upstream's) and by the CronJob
 * controller to compute fire times. Immutable and thread-safe.
 */
public final class CronSchedule {
    private static final long STAR = 1L << 63;
    private static final Field MINUTES = new Field(0, 59, Map.of());
    private static final Field HOURS = new Field(0, 23, Map.of());
    private static final Field DOM = new Field(1, 31, Map.of());
    private static final Field MONTHS = new Field(1, 12, Map.ofEntries(
            Map.entry("jan", 1), Map.entry("feb", 2), Map.entry("mar", 3), Map.entry("apr", 4),
            Map.entry("may", 5), Map.entry("jun", 6), Map.entry("jul", 7), Map.entry("aug", 8),
            Map.entry("sep", 9), Map.entry("oct", 10), Map.entry("nov", 11), Map.entry("dec", 12)));
    private static final Field DOW = new Field(0, 6, Map.of(
            "sun", 0, "mon", 1, "tue", 2, "wed", 3, "thu", 4, "fri", 5, "sat", 6));
    private static final int YEARS_SEARCHED = 5;

    private final String spec;
    private final long minute;
    private final long hour;
    private final long dom;
    private final long month;
    private final long dow;
    private final Duration every;
    private final ZoneId zone;

    private CronSchedule(String spec, long minute, long hour, long dom, long month, long dow, Duration every,
                         ZoneId zone) {
        this.spec = spec;
        this.minute = minute;
        this.hour = hour;
        this.dom = dom;
        this.month = month;
        this.dow = dow;
        this.every = every;
        this.zone = zone;
    }

    /**
     * Parses a schedule.
     *
     * @throws CronSyntaxException with upstream's message when the schedule is not valid
     */
    public static CronSchedule parse(String spec) {
        if (spec == null || spec.isEmpty()) {
            throw new CronSyntaxException("empty spec string");
        }
        String rest = spec;
        ZoneId zone = null;
        if (rest.startsWith("TZ=") || rest.startsWith("CRON_TZ=")) {
            int space = rest.indexOf(' ');
            if (space < 0) {
                // the misspelling is upstream's
                throw new CronSyntaxException("invalid location descriptior: " + spec);
            }
            String name = rest.substring(rest.indexOf('=') + 1, space);
            zone = loadZone(name).orElseThrow(() -> new CronSyntaxException(
                    "provided bad location " + name + ": unknown time zone " + name));
            rest = rest.substring(space).strip();
        }
        if (rest.startsWith("@")) {
            return descriptor(spec, rest, zone);
        }
        String[] fields = rest.isBlank() ? new String[0] : rest.strip().split("\\s+");
        if (fields.length != 5) {
            throw new CronSyntaxException("expected exactly 5 fields, found " + fields.length + ": ["
                    + String.join(" ", fields) + "]");
        }
        return new CronSchedule(spec, field(fields[0], MINUTES), field(fields[1], HOURS), field(fields[2], DOM),
                field(fields[3], MONTHS), field(fields[4], DOW), null, zone);
    }

    /**
     * Resolves a time zone name the way Go's {@code time.LoadLocation} does: IANA names, plus
     * {@code UTC} and the empty name (UTC). {@code Local} is the system zone.
     */
    public static Optional<ZoneId> loadZone(String name) {
        if (name.isEmpty() || name.equals("UTC")) {
            return Optional.of(ZoneOffset.UTC);
        }
        if (name.equals("Local")) {
            return Optional.of(ZoneId.systemDefault());
        }
        if (ZoneId.getAvailableZoneIds().contains(name)) {
            return Optional.of(ZoneId.of(name));
        }
        return Optional.empty();
    }

    /** The zone named by a {@code TZ=} or {@code CRON_TZ=} prefix, if the schedule had one. */
    public Optional<ZoneId> zone() {
        return Optional.ofNullable(zone);
    }

    /** The schedule text as given. */
    public String spec() {
        return spec;
    }

    /**
     * The first fire time strictly after {@code after}, evaluated in the schedule's own zone when it
     * has a {@code TZ=} prefix, else in {@code defaultZone}. Empty when the schedule never fires
     * within five years (e.g. {@code 0 0 30 2 *}).
     */
    public Optional<Instant> next(Instant after, ZoneId defaultZone) {
        if (every != null) {
            // a constant delay from the given time, aligned to whole seconds
            return Optional.of(after.truncatedTo(ChronoUnit.SECONDS).plus(every));
        }
        ZoneId loc = zone != null ? zone : defaultZone;
        ZonedDateTime t = after.atZone(loc).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        boolean aligned = false;
        int yearLimit = t.getYear() + YEARS_SEARCHED;
        wrap:
        while (true) {
            if (t.getYear() > yearLimit) {
                return Optional.empty();
            }
            while (!has(month, t.getMonthValue())) {
                if (!aligned) {
                    aligned = true;
                    t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS);
                }
                t = t.plusMonths(1);
                if (t.getMonthValue() == 1) {
                    continue wrap;
                }
            }
            while (!dayMatches(t)) {
                if (!aligned) {
                    aligned = true;
                    t = t.truncatedTo(ChronoUnit.DAYS);
                }
                t = t.plusDays(1).truncatedTo(ChronoUnit.DAYS);
                if (t.getDayOfMonth() == 1) {
                    continue wrap;
                }
            }
            while (!has(hour, t.getHour())) {
                if (!aligned) {
                    aligned = true;
                    t = t.truncatedTo(ChronoUnit.HOURS);
                }
                // hours advance on the instant timeline so DST transitions are neither skipped nor repeated
                t = t.plusHours(1);
                if (t.getHour() == 0) {
                    continue wrap;
                }
            }
            while (!has(minute, t.getMinute())) {
                if (!aligned) {
                    aligned = true;
                    t = t.truncatedTo(ChronoUnit.MINUTES);
                }
                t = t.plusMinutes(1);
                if (t.getMinute() == 0) {
                    continue wrap;
                }
            }
            if (t.getSecond() != 0) {
                aligned = true;
                t = t.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
                continue;
            }
            return Optional.of(t.toInstant());
        }
    }

    private boolean dayMatches(ZonedDateTime t) {
        boolean domMatch = has(dom, t.getDayOfMonth());
        boolean dowMatch = has(dow, t.getDayOfWeek().getValue() % 7);
        // a star in either field means both must match; otherwise either may (as cron has always done)
        if ((dom & STAR) != 0 || (dow & STAR) != 0) {
            return domMatch && dowMatch;
        }
        return domMatch || dowMatch;
    }

    private static boolean has(long bits, int v) {
        return (bits & (1L << v)) != 0;
    }

    @Override
    public String toString() {
        return spec;
    }

    // ---------------------------------------------------------------- parsing

    private record Field(int min, int max, Map<String, Integer> names) {
        long all() {
            return bits(min, max, 1) | STAR;
        }
    }

    private static CronSchedule descriptor(String spec, String d, ZoneId zone) {
        long first = 1L;
        return switch (d) {
            case "@yearly", "@annually" -> new CronSchedule(spec, first, first, 1L << 1, 1L << 1, DOW.all(), null, zone);
            case "@monthly" -> new CronSchedule(spec, first, first, 1L << 1, MONTHS.all(), DOW.all(), null, zone);
            case "@weekly" -> new CronSchedule(spec, first, first, DOM.all(), MONTHS.all(), first, null, zone);
            case "@daily", "@midnight" -> new CronSchedule(spec, first, first, DOM.all(), MONTHS.all(), DOW.all(), null, zone);
            case "@hourly" -> new CronSchedule(spec, first, HOURS.all(), DOM.all(), MONTHS.all(), DOW.all(), null, zone);
            default -> {
                if (d.startsWith("@every ")) {
                    Duration delay = GoDuration.parse(d.substring("@every ".length()), d);
                    // at least one second, whole seconds only
                    Duration whole = Duration.ofSeconds(delay.getSeconds());
                    if (whole.compareTo(Duration.ofSeconds(1)) < 0) {
                        whole = Duration.ofSeconds(1);
                    }
                    yield new CronSchedule(spec, 0, 0, 0, 0, 0, whole, zone);
                }
                throw new CronSyntaxException("unrecognized descriptor: " + d);
            }
        };
    }

    private static long field(String text, Field f) {
        long bits = 0;
        for (String range : text.split(",")) {
            if (!range.isEmpty()) {
                bits |= range(range, f);
            }
        }
        return bits;
    }

    private static long range(String expr, Field f) {
        String[] rangeAndStep = expr.split("/", -1);
        String[] lowAndHigh = rangeAndStep[0].split("-", -1);
        boolean single = lowAndHigh.length == 1;
        long start;
        long end;
        long extra = 0;
        if (lowAndHigh[0].equals("*") || lowAndHigh[0].equals("?")) {
            start = f.min();
            end = f.max();
            extra = STAR;
        } else {
            start = intOrName(lowAndHigh[0], f.names());
            end = switch (lowAndHigh.length) {
                case 1 -> start;
                case 2 -> intOrName(lowAndHigh[1], f.names());
                default -> throw new CronSyntaxException("too many hyphens: " + expr);
            };
        }
        long step;
        switch (rangeAndStep.length) {
            case 1 -> step = 1;
            case 2 -> {
                step = nonNegativeInt(rangeAndStep[1]);
                if (single) {
                    // "N/step" means "N-max/step"
                    end = f.max();
                }
                if (step > 1) {
                    extra = 0;
                }
            }
            default -> throw new CronSyntaxException("too many slashes: " + expr);
        }
        if (start < f.min()) {
            throw new CronSyntaxException("beginning of range (" + start + ") below minimum (" + f.min() + "): " + expr);
        }
        if (end > f.max()) {
            throw new CronSyntaxException("end of range (" + end + ") above maximum (" + f.max() + "): " + expr);
        }
        if (start > end) {
            throw new CronSyntaxException("beginning of range (" + start + ") beyond end of range (" + end + "): " + expr);
        }
        if (step == 0) {
            throw new CronSyntaxException("step of range should be a positive number: " + expr);
        }
        return bits((int) start, (int) end, (int) step) | extra;
    }

    private static long bits(int min, int max, int step) {
        long b = 0;
        for (int i = min; i <= max; i += step) {
            b |= 1L << i;
        }
        return b;
    }

    private static long intOrName(String expr, Map<String, Integer> names) {
        Integer named = names.get(expr.toLowerCase());
        return named != null ? named : nonNegativeInt(expr);
    }

    private static long nonNegativeInt(String expr) {
        long n = atoi(expr);
        if (n < 0) {
            throw new CronSyntaxException("negative number (" + n + ") not allowed: " + expr);
        }
        return n;
    }

    /** Go's {@code strconv.Atoi}: optional sign, decimal digits, 64-bit range. */
    private static long atoi(String s) {
        String digits = s.startsWith("+") || s.startsWith("-") ? s.substring(1) : s;
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new CronSyntaxException("failed to parse int from " + s + ": strconv.Atoi: parsing "
                    + GoDuration.quote(s) + ": invalid syntax");
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new CronSyntaxException("failed to parse int from " + s + ": strconv.Atoi: parsing "
                    + GoDuration.quote(s) + ": value out of range");
        }
    }

    /** Go's {@code time.ParseDuration}, for {@code @every}. */
    static final class GoDuration {
        private static final Map<String, BigDecimal> UNITS = Map.of(
                "ns", BigDecimal.ONE,
                "us", BigDecimal.valueOf(1_000),
                "\u00b5s", BigDecimal.valueOf(1_000),
                "\u03bcs", BigDecimal.valueOf(1_000),
                "ms", BigDecimal.valueOf(1_000_000),
                "s", BigDecimal.valueOf(1_000_000_000L),
                "m", BigDecimal.valueOf(60_000_000_000L),
                "h", BigDecimal.valueOf(3_600_000_000_000L));
        private static final Set<Character> SIGNS = Set.of('+', '-');

        private GoDuration() {
        }

        static Duration parse(String text, String descriptor) {
            String s = text;
            boolean negative = false;
            if (!s.isEmpty() && SIGNS.contains(s.charAt(0))) {
                negative = s.charAt(0) == '-';
                s = s.substring(1);
            }
            if (s.equals("0")) {
                return Duration.ZERO;
            }
            if (s.isEmpty()) {
                throw invalid(text, descriptor);
            }
            BigDecimal nanos = BigDecimal.ZERO;
            int i = 0;
            while (i < s.length()) {
                int numStart = i;
                while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                    i++;
                }
                String number = s.substring(numStart, i);
                if (number.isEmpty() || number.equals(".") || number.chars().filter(c -> c == '.').count() > 1) {
                    throw invalid(text, descriptor);
                }
                int unitStart = i;
                while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                    i++;
                }
                String unit = s.substring(unitStart, i);
                if (unit.isEmpty()) {
                    throw new CronSyntaxException("failed to parse duration " + descriptor
                            + ": time: missing unit in duration " + quote(text));
                }
                BigDecimal scale = UNITS.get(unit);
                if (scale == null) {
                    throw new CronSyntaxException("failed to parse duration " + descriptor + ": time: unknown unit "
                            + quote(unit) + " in duration " + quote(text));
                }
                nanos = nanos.add(new BigDecimal(number.startsWith(".") ? "0" + number : number).multiply(scale));
            }
            if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                throw new CronSyntaxException("failed to parse duration " + descriptor + ": time: invalid duration "
                        + quote(text));
            }
            Duration d = Duration.ofNanos(nanos.longValue());
            return negative ? d.negated() : d;
        }

        private static CronSyntaxException invalid(String text, String descriptor) {
            return new CronSyntaxException("failed to parse duration " + descriptor + ": time: invalid duration "
                    + quote(text));
        }

        static String quote(String s) {
            StringBuilder b = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                if (c == '"' || c == '\\') {
                    b.append('\\');
                }
                b.append(c);
            }
            return b.append('"').toString();
        }
    }
}
