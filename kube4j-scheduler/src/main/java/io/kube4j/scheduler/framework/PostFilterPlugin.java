package io.kube4j.scheduler.framework;

import java.util.List;
import java.util.Map;

/**
 * Runs when no node passed the filters (upstream: preemption). Returns a status whose message becomes the last
 * part of the FailedScheduling message. Called on the scheduling thread.
 */
public interface PostFilterPlugin extends Plugin {
    Status postFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes, Map<String, Status> filteredNodeStatuses);
}
