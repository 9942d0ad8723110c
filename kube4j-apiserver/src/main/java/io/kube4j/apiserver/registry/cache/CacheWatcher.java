package io.kube4j.apiserver.registry.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One client's watch on a {@link WatchCache}. The cache offers every change; the watcher turns it
 * into what its filter sees (a change that moves an object out of the filter becomes DELETED, into
 * it ADDED) and queues it. A watcher that falls more than its queue behind is closed, and the client
 * re-lists, as upstream does with slow watchers. One consumer takes the events: a thread blocking in
 * {@link #next}, or code told by a {@linkplain #onReady ready listener} and calling {@link #poll}.
 */
public final class CacheWatcher implements AutoCloseable {
    private static final CacheEvent CLOSED = new CacheEvent(CacheEvent.Type.DELETED, "", null, null, -1);

    private final ObjectFilter filter;
    private final LinkedBlockingQueue<CacheEvent> queue;
    private final WatchCache cache;
    private volatile boolean closed;
    private volatile boolean overflowed;
    private volatile Runnable ready = () -> { };

    CacheWatcher(ObjectFilter filter, int queueSize, WatchCache cache) {
        this.filter = filter;
        this.queue = new LinkedBlockingQueue<>(queueSize);
        this.cache = cache;
    }

    void offerInitial(CacheEvent e) {
        if (!queue.offer(e)) {
            overflow();
        }
    }

    void offer(CacheEvent e) {
        if (closed) {
            return;
        }
        boolean now = filter.matches(e.object() == null ? e.previous() : e.object());
        boolean before = e.previous() != null && filter.matches(e.previous());
        CacheEvent out;
        switch (e.type()) {
            case ADDED -> out = now ? e : null;
            case DELETED -> out = filter.matches(e.object()) ? e : null;
            default -> {
                if (now && before) {
                    out = e;
                } else if (now) {
                    out = e.as(CacheEvent.Type.ADDED);
                } else if (before) {
                    out = e.as(CacheEvent.Type.DELETED);
                } else {
                    out = null;
                }
            }
        }
        if (out != null) {
            if (queue.offer(out)) {
                ready.run();
            } else {
                overflow();
            }
        }
    }

    /**
     * Calls {@code listener} after each event is queued and once the watcher is closed, on the thread that
     * queued it (the cache's dispatcher: the listener must be quick and must not block), so that a consumer
     * can {@link #poll} without a thread waiting for each watcher. Set before the first {@link #poll}.
     */
    public void onReady(Runnable listener) {
        ready = listener;
    }

    private void overflow() {
        overflowed = true;
        close();
    }

    /** Waits up to {@code timeoutMillis} for the next event; null on timeout or when closed. */
    public CacheEvent next(long timeoutMillis) throws InterruptedException {
        if (closed && queue.isEmpty()) {
            return null;
        }
        CacheEvent e = queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        return e == CLOSED ? null : e;
    }

    /** The next event if one is queued, without waiting; null otherwise. */
    public CacheEvent poll() {
        CacheEvent e = queue.poll();
        if (e == CLOSED) {
            // keep the marker for the blocking reader
            queue.offer(CLOSED);
            return null;
        }
        return e;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Whether the watcher was closed because it fell behind. */
    public boolean overflowed() {
        return overflowed;
    }

    /** For tests: the filter applied to objects. */
    boolean accepts(ObjectNode o) {
        return filter.matches(o);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cache.remove(this);
            queue.clear();
            queue.offer(CLOSED);
            ready.run();
        }
    }
}
