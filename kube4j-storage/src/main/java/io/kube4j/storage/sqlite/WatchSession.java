package io.kube4j.storage.sqlite;

import io.kube4j.storage.WatchEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One watch: it is registered for live events before its history is read, holds live events back
 * while the history is delivered, then delivers the held events and goes live. Delivery skips
 * anything at or below the newest revision already delivered, so the seam between history and live
 * events has neither gap nor duplicate.
 */
final class WatchSession {
    private static final Logger log = LoggerFactory.getLogger(WatchSession.class);

    private final Consumer<WatchEvent> listener;
    private final ReentrantLock lock = new ReentrantLock();
    private List<WatchEvent> held = new ArrayList<>(); // null once live
    private long delivered;
    private volatile boolean closed;

    WatchSession(Consumer<WatchEvent> listener, long afterRevision) {
        this.listener = listener;
        this.delivered = afterRevision;
    }

    /** Called by the writer thread, in revision order, for each committed event under the prefix. */
    void onLive(WatchEvent e) {
        lock.lock();
        try {
            if (held != null) {
                held.add(e);
            } else {
                deliver(e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Called once by the thread that opened the watch, with the history in revision order. */
    void replayThenGoLive(List<WatchEvent> history) {
        for (WatchEvent e : history) {
            deliver(e);
        }
        lock.lock();
        try {
            for (WatchEvent e : held) {
                deliver(e);
            }
            held = null;
        } finally {
            lock.unlock();
        }
    }

    void close() {
        closed = true;
    }

    private void deliver(WatchEvent e) {
        if (closed || e.revision() <= delivered) {
            return;
        }
        delivered = e.revision();
        try {
            listener.accept(e);
        } catch (RuntimeException ex) {
            log.debug("watch listener failed key={} rv={} error={}", e.kv().key(), e.revision(), ex.toString());
        }
    }
}
