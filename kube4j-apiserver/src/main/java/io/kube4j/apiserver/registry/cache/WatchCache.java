package io.kube4j.apiserver.registry.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.errors.StatusReason;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The in-memory state of one resource and a window of its recent changes, fed in revision order by
 * the {@link CacheRouter}. Serves LIST and WATCH so that reads never touch storage. Objects in the
 * cache are immutable by convention: callers copy before they change one. Thread-safe.
 */
public final class WatchCache {
    private final String prefix;
    private final int capacity;
    private final ConcurrentSkipListMap<String, ObjectNode> objects = new ConcurrentSkipListMap<>();
    private final ArrayDeque<CacheEvent> window = new ArrayDeque<>();
    private final List<CacheWatcher> watchers = new CopyOnWriteArrayList<>();
    /** Revisions at or below this are not in the window; a watch from before it gets 410. */
    private long windowStart;

    public WatchCache(String prefix, int capacity) {
        this.prefix = prefix;
        this.capacity = capacity;
    }

    public String prefix() {
        return prefix;
    }

    /**
     * Replaces the whole state with a list read at {@code revision}, as upstream's watch cache does after its
     * reflector re-lists: the change window empties (a watch from before {@code revision} gets 410, so its
     * client re-lists) and every open watcher ends, since the changes it missed can no longer be told.
     * Called by the router at start and when it re-lists after its storage watch ended.
     */
    synchronized void replace(Map<String, ObjectNode> state, long revision) {
        objects.clear();
        objects.putAll(state);
        window.clear();
        windowStart = revision;
        terminateWatchers();
    }

    /** Ends every open watcher; their clients watch again from their last resourceVersion. */
    synchronized void terminateWatchers() {
        for (CacheWatcher w : watchers) {
            w.close();
        }
        watchers.clear();
    }

    /** Applies one change. Called by the router, in revision order. */
    synchronized void apply(CacheEvent event) {
        if (event.type() == CacheEvent.Type.DELETED) {
            objects.remove(event.key());
        } else {
            objects.put(event.key(), event.object());
        }
        window.addLast(event);
        if (window.size() > capacity) {
            CacheEvent evicted = window.removeFirst();
            windowStart = evicted.revision();
        }
        for (CacheWatcher w : watchers) {
            w.offer(event);
        }
    }

    /** The object stored at {@code key}, or null. */
    public ObjectNode get(String key) {
        return objects.get(key);
    }

    /** Objects under {@code keyPrefix} in key order that pass the filter. */
    public List<ObjectNode> list(String keyPrefix, ObjectFilter filter) {
        List<ObjectNode> out = new ArrayList<>();
        for (Map.Entry<String, ObjectNode> e : objects.tailMap(keyPrefix, true).entrySet()) {
            if (!e.getKey().startsWith(keyPrefix)) {
                break;
            }
            if (filter.matches(e.getValue())) {
                out.add(e.getValue());
            }
        }
        return out;
    }

    /** A page of objects under {@code keyPrefix} after {@code startAfter}, in key order. */
    public Page page(String keyPrefix, String startAfter, int limit, ObjectFilter filter) {
        List<ObjectNode> out = new ArrayList<>();
        var tail = startAfter == null ? objects.tailMap(keyPrefix, true) : objects.tailMap(startAfter, false);
        String lastKey = null;
        for (Map.Entry<String, ObjectNode> e : tail.entrySet()) {
            if (!e.getKey().startsWith(keyPrefix)) {
                return new Page(out, lastKey, false);
            }
            if (filter.matches(e.getValue())) {
                if (out.size() == limit) {
                    return new Page(out, lastKey, true);
                }
                out.add(e.getValue());
                lastKey = e.getKey();
            }
        }
        return new Page(out, lastKey, false);
    }

    /** One page of a list; {@code lastKey} is the key of the last returned object. */
    public record Page(List<ObjectNode> items, String lastKey, boolean more) {
    }

    /**
     * Starts a watch. With {@code fromRevision} null the watcher first gets an ADDED event for every
     * current object that passes the filter; otherwise it gets every change after that revision
     * (410 when the window no longer holds them).
     */
    public synchronized CacheWatcher watch(Long fromRevision, ObjectFilter filter, int queueSize, long currentRevision) {
        CacheWatcher w = new CacheWatcher(filter, queueSize, this);
        if (fromRevision == null) {
            for (Map.Entry<String, ObjectNode> e : objects.entrySet()) {
                if (e.getKey().startsWith(prefix) && filter.matches(e.getValue())) {
                    w.offerInitial(new CacheEvent(CacheEvent.Type.ADDED, e.getKey(), e.getValue(), null,
                            currentRevision));
                }
            }
        } else {
            if (fromRevision < windowStart) {
                throw new StatusException(StatusReason.GONE, 410,
                        "too old resource version: " + fromRevision + " (" + (windowStart + 1) + ")",
                        null, null, null, null, null);
            }
            for (CacheEvent e : window) {
                if (e.revision() > fromRevision) {
                    w.offer(e);
                }
            }
        }
        watchers.add(w);
        return w;
    }

    void remove(CacheWatcher w) {
        watchers.remove(w);
    }

    public int watcherCount() {
        return watchers.size();
    }

    public int size() {
        return objects.size();
    }
}
