package io.kube4j.scheduler.framework;

/**
 * Ranks a node that passed the filters, 0..{@link #MAX_NODE_SCORE} after {@link #normalize}. Called on the
 * scheduling thread for each feasible node, then {@code normalize} once with all of them.
 */
public interface ScorePlugin extends Plugin {
    long MAX_NODE_SCORE = 100;

    long score(CycleState state, PodInfo pod, NodeInfo node);

    /** Rescales the raw scores (same order as the nodes) in place; by default they are already 0..100. */
    default void normalize(CycleState state, PodInfo pod, long[] scores) {
    }

    /**
     * Upstream's DefaultNormalizeScore: scales scores to 0..100 by the highest one; {@code reverse} turns a count of
     * bad things into a score (fewest = 100).
     */
    static void defaultNormalize(long[] scores, boolean reverse) {
        long max = 0;
        for (long s : scores) {
            max = Math.max(max, s);
        }
        if (max == 0) {
            if (reverse) {
                java.util.Arrays.fill(scores, MAX_NODE_SCORE);
            }
            return;
        }
        for (int i = 0; i < scores.length; i++) {
            long s = MAX_NODE_SCORE * scores[i] / max;
            scores[i] = reverse ? MAX_NODE_SCORE - s : s;
        }
    }
}
