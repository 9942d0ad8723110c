package io.kube4j.node.kubelet.pod;

import io.fabric8.kubernetes.api.model.Pod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One worker per pod, each a virtual thread that runs {@link PodSyncer#sync} whenever the pod changes, the runtime
 * reports a change (the relist), a probe result flips, or its resync timer fires. Syncs of one pod never overlap;
 * wake-ups that arrive during a sync collapse into one more sync. Thread-safe.
 */
public final class PodWorkers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PodWorkers.class);

    private final PodSyncer syncer;
    private final Map<String, Worker> workers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public PodWorkers(PodSyncer syncer) {
        this.syncer = syncer;
    }

    /** The pod was added or changed in the API server. */
    public void update(Pod pod) {
        if (closed) {
            return;
        }
        Worker w = workers.computeIfAbsent(pod.getMetadata().getUid(), uid -> new Worker(pod));
        w.pod = pod;
        w.wake();
    }

    /**
     * The pod changed in the API server, but only in its status (most often the status this kubelet just wrote):
     * the worker keeps the newer object without another sync, as upstream's kubelet ignores status-only updates.
     */
    public void statusChanged(Pod pod) {
        Worker w = workers.get(pod.getMetadata().getUid());
        if (w != null) {
            w.pod = pod;
        } else {
            update(pod);
        }
    }

    /** True when two versions of a pod differ only in what the kubelet does not act on (status, versions). */
    public static boolean onlyStatusChanged(Pod oldPod, Pod pod) {
        var a = oldPod.getMetadata();
        var b = pod.getMetadata();
        return java.util.Objects.equals(oldPod.getSpec(), pod.getSpec())
                && java.util.Objects.equals(a.getDeletionTimestamp(), b.getDeletionTimestamp())
                && java.util.Objects.equals(a.getDeletionGracePeriodSeconds(), b.getDeletionGracePeriodSeconds())
                && java.util.Objects.equals(a.getLabels(), b.getLabels())
                && java.util.Objects.equals(a.getAnnotations(), b.getAnnotations());
    }

    /** The pod is gone from the API server (a forced delete, or the end of a graceful one). */
    public void removed(Pod pod) {
        Worker w = workers.get(pod.getMetadata().getUid());
        if (w != null) {
            w.removed = true;
            w.wake();
        }
    }

    /** Kills the pod for an eviction on its worker, the way every kill goes (see {@link PodSyncer.Eviction}). */
    public void evict(String uid, PodSyncer.Eviction eviction) {
        syncer.requestEviction(uid, eviction);
        poke(uid);
    }

    /** Something about the pod changed in the runtime or the probes. */
    public void poke(String uid) {
        Worker w = workers.get(uid);
        if (w != null) {
            w.wake();
        }
    }

    public Set<String> uids() {
        return workers.keySet();
    }

    public boolean has(String uid) {
        return workers.containsKey(uid);
    }

    @Override
    public void close() {
        closed = true;
        workers.values().forEach(w -> w.thread.interrupt());
    }

    private final class Worker {
        volatile Pod pod;
        volatile boolean removed;
        final Semaphore signal = new Semaphore(0);
        final Thread thread;

        Worker(Pod pod) {
            this.pod = pod;
            this.thread = Thread.ofVirtual().name("pod-" + pod.getMetadata().getNamespace() + "-"
                    + pod.getMetadata().getName()).unstarted(this::run);
            this.thread.start();
        }

        void wake() {
            if (signal.availablePermits() == 0) {
                signal.release();
            }
        }

        private void run() {
            Duration wait = Duration.ZERO;
            try {
                while (!closed) {
                    if (signal.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                        signal.drainPermits();
                    }
                    PodSyncer.Outcome out;
                    try {
                        out = syncer.sync(pod, removed);
                    } catch (RuntimeException e) {
                        LOG.warn("sync of pod {}/{} failed: {}", pod.getMetadata().getNamespace(),
                                pod.getMetadata().getName(), e.toString(), e);
                        out = new PodSyncer.Outcome(false, Duration.ofSeconds(2));
                    }
                    if (out.finished()) {
                        workers.remove(pod.getMetadata().getUid(), this);
                        return;
                    }
                    wait = out.resyncAfter();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
