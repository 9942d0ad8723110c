package io.kube4j.scheduler.framework.plugins.queuesort;

import io.kube4j.scheduler.framework.QueueSortPlugin;
import io.kube4j.scheduler.queue.QueuedPodInfo;

/** Queue order: higher {@code spec.priority} first, then the pod that entered the queue first. Pure. */
public final class PrioritySort implements QueueSortPlugin {
    public static final String NAME = "PrioritySort";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean less(QueuedPodInfo a, QueuedPodInfo b) {
        int pa = a.podInfo().priority();
        int pb = b.podInfo().priority();
        return pa > pb || (pa == pb && a.timestamp().isBefore(b.timestamp()));
    }
}
