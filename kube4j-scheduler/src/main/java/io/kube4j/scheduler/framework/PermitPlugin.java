package io.kube4j.scheduler.framework;

/**
 * The last say before binding: approve ({@link Status#SUCCESS}) or reject. kube4j has no waiting permits (upstream's
 * Wait code); a plugin that needs to hold a pod back rejects it and lets the queue retry. Called on the scheduling
 * thread.
 */
public interface PermitPlugin extends Plugin {
    Status permit(CycleState state, PodInfo pod, String nodeName);
}
