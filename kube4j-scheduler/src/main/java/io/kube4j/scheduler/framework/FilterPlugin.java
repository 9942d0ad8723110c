package io.kube4j.scheduler.framework;

/**
 * Says whether a pod may run on one node. Returns {@link Status#SUCCESS} or a rejection whose reasons are the words
 * users read in FailedScheduling events. Must not change the node info; called for many nodes per cycle.
 */
public interface FilterPlugin extends Plugin {
    Status filter(CycleState state, PodInfo pod, NodeInfo node);
}
