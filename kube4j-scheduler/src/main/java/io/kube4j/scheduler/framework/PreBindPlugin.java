package io.kube4j.scheduler.framework;

/**
 * Runs after a node was chosen and permitted, before the bind plugins: prepares what the pod needs on that node
 * (VolumeBinding writes the claims' selected node and waits for their volumes). Called off the scheduling thread,
 * once per scheduled pod; may block. A failure unreserves the pod and retries it. Thread-safe.
 */
public interface PreBindPlugin extends Plugin {
    Status preBind(CycleState state, PodInfo pod, String nodeName);
}
