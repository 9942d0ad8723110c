package io.kube4j.scheduler.framework;

/**
 * Runs once per scheduling cycle before any node is filtered: precomputes what the plugin's filter needs into the
 * {@link CycleState}, or rejects the pod outright. Called on the scheduling thread.
 */
public interface PreFilterPlugin extends Plugin {
    Status preFilter(CycleState state, PodInfo pod);
}
