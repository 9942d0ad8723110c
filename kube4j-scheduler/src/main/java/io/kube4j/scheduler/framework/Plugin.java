package io.kube4j.scheduler.framework;

/**
 * The base of every scheduler plugin: only a name. A plugin takes part in an extension point by implementing that
 * point's own small interface ({@link FilterPlugin}, {@link ScorePlugin}...). Plugins are built once per
 * {@link Framework} and called from the scheduling thread (binding plugins from binding threads): they keep no
 * per-pod state outside the {@link CycleState}.
 */
public interface Plugin {
    /** The name in profiles, statuses and logs, e.g. {@code NodeResourcesFit}. */
    String name();
}
