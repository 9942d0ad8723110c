package io.kube4j.bench;

import java.util.Map;

/**
 * One benchmark: a bounded program that drives a child kube4j server over loopback and measures it.
 * Called by {@link Bench} on its main thread, one benchmark at a time; it must stop every process it starts.
 */
interface Benchmark {
    /** The name given on the command line, e.g. {@code cold-start}. */
    String name();

    /** How it measures, in one or two sentences, printed before it runs. */
    String method();

    /** The goal it is judged against, in words. */
    String goal();

    /**
     * True for a benchmark that only reports numbers: it has no goal to meet, and its result's {@code goalMet} says
     * only whether its correctness checks passed.
     */
    default boolean reportOnly() {
        return false;
    }

    Result run(BenchContext ctx) throws Exception;

    /**
     * Parameters and measurements of one run; {@code goalMet} says whether the goal was reached (for a
     * {@link #reportOnly()} benchmark: whether its checks passed).
     */
    record Result(Map<String, Object> params, Map<String, Object> results, boolean goalMet) {
    }
}
