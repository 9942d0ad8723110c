package io.kube4j.scheduler.queue;

import io.kube4j.scheduler.framework.PodInfo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiPredicate;

/**
 * Upstream's PriorityQueue of pending pods, in three parts: the active queue (ordered by the QueueSort plugin, what
 * {@link #pop} takes), the back-off queue (pods that failed recently, each waiting 1 s doubling per attempt up to
 * 10 s), and the unschedulable pods (which wait for a cluster change: {@link #moveAllToActiveOrBackoffQueue}, or
 * five minutes). A pod changed while it waits as unschedulable is moved back at once. Time comes from the injected
 * clock; {@link #flushBackoffQCompleted} and {@link #flushUnschedulablePodsLeftover} are called periodically by the
 * scheduler (and directly by tests). Thread-safe: informer threads add, update and delete; one scheduling thread
 * pops.
 */
public final class SchedulingQueue implements AutoCloseable {
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);
    public static final Duration DEFAULT_MAX_IN_UNSCHEDULABLE = Duration.ofMinutes(5);

    private final Clock clock;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration maxInUnschedulable;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nonEmpty = lock.newCondition();
    private final PriorityQueue<QueuedPodInfo> activeQ;
    private final PriorityQueue<QueuedPodInfo> backoffQ;
    /** uid -> pod, for every pod in activeQ, backoffQ or unschedulable. */
    private final Map<String, QueuedPodInfo> active = new HashMap<>();
    private final Map<String, QueuedPodInfo> backoff = new HashMap<>();
    private final Map<String, QueuedPodInfo> unschedulable = new HashMap<>();
    /** Pods popped and not yet done, with the pod's latest version when it changed meanwhile. */
    private final Map<String, PodInfo> inFlight = new HashMap<>();
    private final Set<String> changedInFlight = new HashSet<>();
    private long schedulingCycle;
    private long moveRequestCycle = -1;
    private boolean closed;

    public SchedulingQueue(Clock clock, BiPredicate<QueuedPodInfo, QueuedPodInfo> less) {
        this(clock, less, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_MAX_IN_UNSCHEDULABLE);
    }

    public SchedulingQueue(Clock clock, BiPredicate<QueuedPodInfo, QueuedPodInfo> less, Duration initialBackoff,
                           Duration maxBackoff, Duration maxInUnschedulable) {
        this.clock = clock;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.maxInUnschedulable = maxInUnschedulable;
        this.activeQ = new PriorityQueue<>((a, b) -> less.test(a, b) ? -1 : less.test(b, a) ? 1 : 0);
        this.backoffQ = new PriorityQueue<>(Comparator.comparing(this::backoffExpiry));
    }

    /** A new pending pod (or one seen again): into the active queue unless it is already queued or in flight. */
    public void add(PodInfo pod) {
        lock.lock();
        try {
            String uid = pod.uid();
            if (inFlight.containsKey(uid)) {
                inFlight.put(uid, pod);
                changedInFlight.add(uid);
                return;
            }
            if (active.containsKey(uid) || backoff.containsKey(uid) || unschedulable.containsKey(uid)) {
                update(pod);
                return;
            }
            pushActive(new QueuedPodInfo(pod, clock.instant()));
        } finally {
            lock.unlock();
        }
    }

    /**
     * A queued pod changed: the new version replaces the old where it waits; an unschedulable pod whose spec or
     * labels changed is tried again (after its back-off).
     */
    public void update(PodInfo pod) {
        lock.lock();
        try {
            String uid = pod.uid();
            if (inFlight.containsKey(uid)) {
                inFlight.put(uid, pod);
                changedInFlight.add(uid);
                return;
            }
            QueuedPodInfo q = active.get(uid);
            if (q == null) {
                q = backoff.get(uid);
            }
            if (q != null) {
                q.podInfo(pod);
                return;
            }
            q = unschedulable.get(uid);
            if (q != null) {
                boolean relevant = !Objects.equals(q.podInfo().pod().getSpec(), pod.pod().getSpec())
                        || !Objects.equals(q.podInfo().pod().getMetadata().getLabels(), pod.pod().getMetadata().getLabels());
                q.podInfo(pod);
                if (relevant) {
                    unschedulable.remove(uid);
                    moveToActiveOrBackoff(q);
                }
                return;
            }
            pushActive(new QueuedPodInfo(pod, clock.instant()));
        } finally {
            lock.unlock();
        }
    }

    /** The pod was deleted, or bound: it leaves the queue wherever it is. */
    public void delete(String uid) {
        lock.lock();
        try {
            QueuedPodInfo q = active.remove(uid);
            if (q != null) {
                activeQ.remove(q);
            }
            q = backoff.remove(uid);
            if (q != null) {
                backoffQ.remove(q);
            }
            unschedulable.remove(uid);
            if (inFlight.containsKey(uid)) {
                inFlight.put(uid, null);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next pod to schedule, waiting up to {@code timeout}; null on time-out or once closed. The pod stays
     * "in flight" until {@link #done}.
     */
    public QueuedPodInfo pop(long timeout, TimeUnit unit) throws InterruptedException {
        lock.lock();
        try {
            long nanos = unit.toNanos(timeout);
            while (activeQ.isEmpty() && !closed) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = nonEmpty.awaitNanos(nanos);
            }
            if (closed) {
                return null;
            }
            QueuedPodInfo q = activeQ.poll();
            active.remove(q.uid());
            q.attempt();
            schedulingCycle++;
            inFlight.put(q.uid(), q.podInfo());
            return q;
        } finally {
            lock.unlock();
        }
    }

    /** The cycle number of the last pop; a failed pod is requeued with the cycle it was tried in. */
    public long schedulingCycle() {
        lock.lock();
        try {
            return schedulingCycle;
        } finally {
            lock.unlock();
        }
    }

    /** The pod's scheduling attempt ended (bound, requeued or dropped). */
    public void done(String uid) {
        lock.lock();
        try {
            inFlight.remove(uid);
            changedInFlight.remove(uid);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts back a pod whose attempt failed. An error, a change to the pod while it was tried, or a cluster change
     * since {@code podSchedulingCycle} sends it to back-off; otherwise it waits as unschedulable.
     * Returns false when the pod was deleted meanwhile (nothing requeued).
     */
    public boolean addUnschedulableIfNotPresent(QueuedPodInfo q, long podSchedulingCycle, boolean error) {
        lock.lock();
        try {
            String uid = q.uid();
            boolean wasInFlight = inFlight.containsKey(uid);
            PodInfo latest = inFlight.remove(uid);
            boolean changed = changedInFlight.remove(uid);
            if (wasInFlight && latest == null) {
                return false;
            }
            if (latest != null) {
                q.podInfo(latest);
            }
            if (active.containsKey(uid) || backoff.containsKey(uid) || unschedulable.containsKey(uid)) {
                return true;
            }
            q.timestamp(clock.instant());
            if (error || changed || moveRequestCycle >= podSchedulingCycle) {
                pushBackoff(q);
            } else {
                unschedulable.put(uid, q);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** A cluster change that may make unschedulable pods fit (node added or changed, pod deleted). */
    public void moveAllToActiveOrBackoffQueue(String event) {
        lock.lock();
        try {
            moveRequestCycle = schedulingCycle;
            List<QueuedPodInfo> all = new ArrayList<>(unschedulable.values());
            unschedulable.clear();
            all.forEach(this::moveToActiveOrBackoff);
        } finally {
            lock.unlock();
        }
    }

    /** Moves pods whose back-off has expired to the active queue. */
    public void flushBackoffQCompleted() {
        lock.lock();
        try {
            Instant now = clock.instant();
            while (!backoffQ.isEmpty() && !backoffExpiry(backoffQ.peek()).isAfter(now)) {
                QueuedPodInfo q = backoffQ.poll();
                backoff.remove(q.uid());
                pushActive(q);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Moves pods that waited as unschedulable longer than the limit (5 min) back, as upstream does. */
    public void flushUnschedulablePodsLeftover() {
        lock.lock();
        try {
            Instant now = clock.instant();
            List<QueuedPodInfo> stale = unschedulable.values().stream()
                    .filter(q -> !q.timestamp().plus(maxInUnschedulable).isAfter(now)).toList();
            for (QueuedPodInfo q : stale) {
                unschedulable.remove(q.uid());
                moveToActiveOrBackoff(q);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sizes of the active, back-off and unschedulable parts (for tests and metrics). */
    public int[] sizes() {
        lock.lock();
        try {
            return new int[] {activeQ.size(), backoffQ.size(), unschedulable.size()};
        } finally {
            lock.unlock();
        }
    }

    /** Where a pod waits: "active", "backoff", "unschedulable", "inflight" or null. */
    public String whereIs(String uid) {
        lock.lock();
        try {
            if (active.containsKey(uid)) {
                return "active";
            }
            if (backoff.containsKey(uid)) {
                return "backoff";
            }
            if (unschedulable.containsKey(uid)) {
                return "unschedulable";
            }
            return inFlight.containsKey(uid) ? "inflight" : null;
        } finally {
            lock.unlock();
        }
    }

    /** Back-off after {@code attempts} failures: 1 s doubling, at most 10 s. */
    public Duration backoffDuration(int attempts) {
        Duration d = initialBackoff;
        for (int i = 1; i < attempts; i++) {
            d = d.multipliedBy(2);
            if (d.compareTo(maxBackoff) >= 0) {
                return maxBackoff;
            }
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    private Instant backoffExpiry(QueuedPodInfo q) {
        return q.timestamp().plus(backoffDuration(q.attempts()));
    }

    private void moveToActiveOrBackoff(QueuedPodInfo q) {
        if (backoffExpiry(q).isAfter(clock.instant())) {
            pushBackoff(q);
        } else {
            pushActive(q);
        }
    }

    private void pushActive(QueuedPodInfo q) {
        active.put(q.uid(), q);
        activeQ.add(q);
        nonEmpty.signal();
    }

    private void pushBackoff(QueuedPodInfo q) {
        backoff.put(q.uid(), q);
        backoffQ.add(q);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            nonEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
