package io.kube4j.apimachinery.protobuf;

/** Formats nanoseconds the way Go's {@code time.Duration.String} does ("1h0m0s", "1.5s", "300ms"). */
final class GoDuration {
    private GoDuration() {
    }

    static String format(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        boolean negative = nanos < 0;
        // the magnitude of Long.MIN_VALUE does not fit a long; Go prints it from the unsigned value too
        String magnitude = Long.toUnsignedString(negative ? -nanos : nanos);
        java.math.BigInteger u = new java.math.BigInteger(magnitude);
        StringBuilder sb = new StringBuilder();
        if (u.compareTo(java.math.BigInteger.valueOf(1_000_000_000L)) < 0) {
            long v = u.longValue();
            if (v < 1_000) {
                sb.append(v).append("ns");
            } else if (v < 1_000_000) {
                sb.append(fraction(v, 3)).append("µs");
            } else {
                sb.append(fraction(v, 6)).append("ms");
            }
        } else {
            java.math.BigInteger[] secs = u.divideAndRemainder(java.math.BigInteger.valueOf(1_000_000_000L));
            long totalSeconds = secs[0].longValue();
            long frac = secs[1].longValue();
            long hours = totalSeconds / 3600;
            long minutes = totalSeconds / 60 % 60;
            long seconds = totalSeconds % 60;
            if (hours > 0) {
                sb.append(hours).append('h');
            }
            if (hours > 0 || minutes > 0) {
                sb.append(minutes).append('m');
            }
            sb.append(fraction(seconds * 1_000_000_000L + frac, 9)).append('s');
        }
        return negative ? "-" + sb : sb.toString();
    }

    /** {@code v / 10^digits} with the fractional part's trailing zeros (and a bare point) dropped. */
    private static String fraction(long v, int digits) {
        long scale = 1;
        for (int i = 0; i < digits; i++) {
            scale *= 10;
        }
        long whole = v / scale;
        long frac = v % scale;
        if (frac == 0) {
            return Long.toString(whole);
        }
        String f = String.format("%0" + digits + "d", frac).replaceAll("0+$", "");
        return whole + "." + f;
    }
}
