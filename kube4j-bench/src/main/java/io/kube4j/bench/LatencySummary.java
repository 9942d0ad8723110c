package io.kube4j.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Min, median, p99 and max of a set of durations, in milliseconds (nearest-rank percentiles).
 * A value; built once from measured nanoseconds.
 */
record LatencySummary(int count, double minMs, double p50Ms, double p99Ms, double maxMs) {

    /** Summarises the first {@code n} entries of {@code nanos}; negative entries (never measured) are skipped. */
    static LatencySummary of(long[] nanos, int n) {
        long[] v = Arrays.stream(nanos, 0, n).filter(x -> x >= 0).sorted().toArray();
        if (v.length == 0) {
            return new LatencySummary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new LatencySummary(v.length, ms(v[0]), ms(rank(v, 0.50)), ms(rank(v, 0.99)), ms(v[v.length - 1]));
    }

    static LatencySummary of(long[] nanos) {
        return of(nanos, nanos.length);
    }

    private static long rank(long[] sorted, double p) {
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static double ms(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", count);
        m.put("minMs", minMs);
        m.put("p50Ms", p50Ms);
        m.put("p99Ms", p99Ms);
        m.put("maxMs", maxMs);
        return m;
    }
}
