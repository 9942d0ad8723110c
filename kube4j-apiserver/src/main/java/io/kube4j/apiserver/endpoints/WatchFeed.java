package io.kube4j.apiserver.endpoints;

import io.kube4j.apiserver.registry.ResourceInfo;
import io.kube4j.apiserver.registry.cache.CacheEvent;
import io.kube4j.apiserver.registry.cache.CacheWatcher;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The source of a plain JSON watch fed by a {@link Exchange.Pump}: each call hands over what the watcher
 * has queued (the event lines every watcher of a change shares, up to {@code maxEvents} per write), then
 * a bookmark when one is due and nothing is queued, and null once the watcher is closed (it fell behind,
 * so the client must re-list). The list returned is reused by the next call. Called on the connection's I/O thread, one call at a time; {@link
 * #bookmarkDue} may be called from any thread.
 */
final class WatchFeed implements Supplier<List<byte[]>> {
    private final CacheWatcher watcher;
    private final ResourceInfo info;
    private final LongSupplier currentRevision;
    private final int maxEvents;
    private long lastRv;
    private volatile boolean bookmarkDue;

    WatchFeed(CacheWatcher watcher, ResourceInfo info, LongSupplier currentRevision, long lastRv, int maxEvents) {
        this.watcher = watcher;
        this.info = info;
        this.currentRevision = currentRevision;
        this.lastRv = lastRv;
        this.maxEvents = maxEvents;
    }

    /** Asks for a bookmark once the queued events are written. */
    void bookmarkDue() {
        bookmarkDue = true;
    }

    /** Reused by every call: the pump writes what one call returned before it makes the next. */
    private final ArrayList<byte[]> out = new ArrayList<>(4);

    @Override
    public List<byte[]> get() {
        out.clear();
        CacheEvent e;
        while ((e = watcher.poll()) != null) {
            lastRv = Math.max(lastRv, e.revision());
            out.add(e.line());
            if (out.size() >= maxEvents) {
                return out;
            }
        }
        if (!out.isEmpty()) {
            return out;
        }
        if (watcher.isClosed()) {
            return null;
        }
        if (bookmarkDue) {
            bookmarkDue = false;
            return List.of(ResourceHandler.bookmark(info, Math.max(lastRv, currentRevision.getAsLong())));
        }
        return List.of();
    }
}
