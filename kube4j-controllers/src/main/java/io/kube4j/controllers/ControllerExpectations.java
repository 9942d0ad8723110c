package io.kube4j.controllers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a controller expects its informers to show next, per controller key, as upstream's
 * UIDTrackingControllerExpectations: the number of creations in flight and the keys of the pods whose deletion is in
 * flight. A controller acts on a key only while {@link #satisfied} holds, so it never creates or deletes twice
 * because its cache has not caught up with its own writes. Expectations older than five minutes count as satisfied,
 * so a lost watch event cannot wedge a controller. Thread-safe: writers are the controller's workers (expect) and its
 * informer handlers (observed).
 */
public final class ControllerExpectations {
    /** Upstream's ExpectationsTimeout. */
    public static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    private static final class Entry {
        int adds;
        int anonymousDeletes;
        final Set<String> deletes = new HashSet<>();
        Instant since;

        Entry(Instant since) {
            this.since = since;
        }
    }

    public ControllerExpectations(Clock clock) {
        this.clock = clock;
    }

    /** True when nothing is in flight for the key (or it never had expectations, or they expired). */
    public boolean satisfied(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            return true;
        }
        synchronized (e) {
            return (e.adds <= 0 && e.anonymousDeletes <= 0 && e.deletes.isEmpty())
                    || !clock.instant().isBefore(e.since.plus(TIMEOUT));
        }
    }

    /** Before creating {@code n} objects for the key; replaces what the key expected before. */
    public void expectCreations(String key, int n) {
        Entry e = new Entry(clock.instant());
        e.adds = n;
        entries.put(key, e);
    }

    /** Before deleting the pods with these {@code namespace/name} keys; replaces what the key expected before. */
    public void expectDeletions(String key, Set<String> podKeys) {
        Entry e = new Entry(clock.instant());
        e.deletes.addAll(podKeys);
        entries.put(key, e);
    }

    /**
     * Before creating {@code adds} and deleting {@code deletes} objects counted, not named (upstream's plain
     * ControllerExpectations, as the Job and DaemonSet controllers use them); replaces earlier expectations.
     */
    public void expect(String key, int adds, int deletes) {
        Entry e = new Entry(clock.instant());
        e.adds = adds;
        e.anonymousDeletes = deletes;
        entries.put(key, e);
    }

    /** An informer saw one of the counted deletions, or it failed. */
    public void deletionObserved(String key) {
        Entry e = entries.get(key);
        if (e != null) {
            synchronized (e) {
                e.anonymousDeletes--;
            }
        }
    }

    /** An informer saw a creation for the key, or a creation failed and will never be seen. */
    public void creationObserved(String key) {
        Entry e = entries.get(key);
        if (e != null) {
            synchronized (e) {
                e.adds--;
            }
        }
    }

    /** An informer saw the pod go (or start terminating), or its deletion failed. */
    public void deletionObserved(String key, String podKey) {
        Entry e = entries.get(key);
        if (e != null) {
            synchronized (e) {
                e.deletes.remove(podKey);
            }
        }
    }

    /** The controller's object is gone: forget its expectations. */
    public void delete(String key) {
        entries.remove(key);
    }

    /** Creations still expected for the key (for tests and logs). */
    public int pendingCreations(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            return 0;
        }
        synchronized (e) {
            return Math.max(0, e.adds);
        }
    }
}
