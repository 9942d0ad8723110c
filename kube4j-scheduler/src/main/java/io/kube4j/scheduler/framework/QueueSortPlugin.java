package io.kube4j.scheduler.framework;

import io.kube4j.scheduler.queue.QueuedPodInfo;

/** Orders the active queue: {@code less(a, b)} is true when {@code a} should be scheduled before {@code b}. Pure. */
public interface QueueSortPlugin extends Plugin {
    boolean less(QueuedPodInfo a, QueuedPodInfo b);
}
