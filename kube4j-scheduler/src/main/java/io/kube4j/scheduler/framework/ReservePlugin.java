package io.kube4j.scheduler.framework;

/**
 * Told when a node was chosen for a pod, before binding, so a stateful plugin can hold what it gave away;
 * {@link #unreserve} undoes it when a later step fails. Both idempotent; called on the scheduling thread
 * ({@code unreserve} also from binding threads).
 */
public interface ReservePlugin extends Plugin {
    Status reserve(CycleState state, PodInfo pod, String nodeName);

    void unreserve(CycleState state, PodInfo pod, String nodeName);
}
