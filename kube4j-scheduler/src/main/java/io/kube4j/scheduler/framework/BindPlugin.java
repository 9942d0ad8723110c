package io.kube4j.scheduler.framework;

import java.util.concurrent.CompletionStage;

/**
 * Writes the decision to the API server. Called off the scheduling thread, once per scheduled pod; returns a stage
 * that completes with the outcome ({@link Code#SKIP} lets the next bind plugin try). Thread-safe.
 */
public interface BindPlugin extends Plugin {
    CompletionStage<Status> bind(CycleState state, PodInfo pod, String nodeName);
}
