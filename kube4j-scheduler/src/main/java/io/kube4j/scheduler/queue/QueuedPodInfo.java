package io.kube4j.scheduler.queue;

import io.kube4j.scheduler.framework.PodInfo;

import java.time.Instant;

/**
 * A pod in the scheduling queue: the latest pod, when it (re-)entered the queue, and how often it was tried.
 * Changed only under the queue's lock or by the one scheduling thread that popped it.
 */
public final class QueuedPodInfo {
    private PodInfo podInfo;
    private Instant timestamp;
    private int attempts;
    private final Instant initialAttemptTimestamp;

    public QueuedPodInfo(PodInfo podInfo, Instant timestamp) {
        this.podInfo = podInfo;
        this.timestamp = timestamp;
        this.initialAttemptTimestamp = timestamp;
    }

    public PodInfo podInfo() {
        return podInfo;
    }

    void podInfo(PodInfo p) {
        this.podInfo = p;
    }

    /** When the pod last entered the queue (or was last moved back after a failure). */
    public Instant timestamp() {
        return timestamp;
    }

    void timestamp(Instant t) {
        this.timestamp = t;
    }

    /** Scheduling attempts so far. */
    public int attempts() {
        return attempts;
    }

    void attempt() {
        attempts++;
    }

    public Instant initialAttemptTimestamp() {
        return initialAttemptTimestamp;
    }

    public String uid() {
        return podInfo.uid();
    }

    @Override
    public String toString() {
        return podInfo.key() + "#" + attempts;
    }
}
