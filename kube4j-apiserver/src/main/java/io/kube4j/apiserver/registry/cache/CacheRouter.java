package io.kube4j.apiserver.registry.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.errors.StatusReason;
import io.kube4j.storage.KeyValue;
import io.kube4j.storage.ListResult;
import io.kube4j.storage.Storage;
import io.kube4j.storage.StorageException;
import io.kube4j.storage.WatchEvent;
import io.kube4j.storage.WatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Holds one storage watch over the whole registry and routes each change, in revision order, to the
 * {@link WatchCache} of its resource. Because it sees every revision, it also knows how fresh all
 * caches are, which consistent reads wait for.
 * <p>
 * When the storage watch ends on its own (a remote store whose history was compacted while it could not
 * resume), the router recovers as upstream's cacher does: it marks the caches not ready, ends every open
 * watcher, re-lists at the current revision, replaces each cache's contents, and watches again from that
 * revision. Reads that need fresh data wait for the recovery meanwhile, and answer 429 "storage is
 * (re)initializing" if it takes longer than their budget. Thread-safe.
 */
public final class CacheRouter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CacheRouter.class);
    private static final long MAX_RETRY_MILLIS = 2_000;

    private final Storage storage;
    private final String root;
    private final Function<KeyValue, ObjectNode> decoder;
    private final Function<KeyValue, byte[]> json;
    private final Map<String, WatchCache> caches = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    private volatile long revision;
    /** False until the first list and while re-listing after the storage watch ended. */
    private volatile boolean ready;
    private volatile boolean closed;
    private final AtomicInteger recoveries = new AtomicInteger();
    /** Set while a virtual thread re-lists, so one end of the watch starts one recovery. */
    private final AtomicBoolean recovering = new AtomicBoolean();
    /** The listener of the storage watch the caches follow; events of any other are dropped. */
    private volatile Follower current;
    private AutoCloseable watch;

    public CacheRouter(Storage storage, String root, Function<KeyValue, ObjectNode> decoder) {
        this(storage, root, decoder, kv -> null);
    }

    /**
     * A router whose events carry their object's JSON from the start: {@code json} gives, for a stored value, the
     * bytes {@code Json.bytes} would give for {@code decoder}'s object (or null when it cannot, and the event
     * serializes its object when a watcher first needs it). It is cheaper than serializing the decoded object.
     */
    public CacheRouter(Storage storage, String root, Function<KeyValue, ObjectNode> decoder,
                       Function<KeyValue, byte[]> json) {
        this.storage = storage;
        this.root = root;
        this.decoder = decoder;
        this.json = json;
    }

    /** Registers a cache for {@code prefix}; all caches must be registered before {@link #start}. */
    public WatchCache register(String prefix, int capacity) {
        return caches.computeIfAbsent(prefix, p -> new WatchCache(p, capacity));
    }

    /** Loads every cache from one consistent read, then follows the storage watch. */
    public void start() {
        int objects = load();
        LOG.info("watch cache started caches={} objects={} rv={}", caches.size(), objects, revision);
    }

    /**
     * Lists everything at the current revision, replaces every cache with it and watches from that
     * revision. Returns the number of objects listed; fails when the store cannot be read or the new
     * watch ended at once.
     */
    private synchronized int load() {
        if (closed) {
            return 0;
        }
        if (watch != null) {
            current = null;
            closeQuietly(watch);
            watch = null;
        }
        ListResult all = storage.list(root, null, 0, 0);
        Map<WatchCache, Map<String, ObjectNode>> state = new HashMap<>();
        for (KeyValue kv : all.items()) {
            WatchCache c = cacheFor(kv.key());
            if (c != null) {
                try {
                    state.computeIfAbsent(c, x -> new HashMap<>()).put(kv.key(), decoder.apply(kv));
                } catch (RuntimeException ex) {
                    LOG.error("cannot decode stored object key={} rv={}", kv.key(), kv.modRevision(), ex);
                }
            }
        }
        for (WatchCache c : caches.values()) {
            c.replace(state.getOrDefault(c, Map.of()), all.revision());
        }
        synchronized (progress) {
            // a re-list never goes back: the store read at least what the old watch delivered
            revision = all.revision();
            progress.notifyAll();
        }
        Follower follower = new Follower();
        current = follower;
        watch = storage.watch(root, all.revision(), follower);
        synchronized (progress) {
            if (follower.ended) {
                throw new StorageException(StorageException.Code.UNAVAILABLE, root, revision,
                        "storage watch ended as it started");
            }
            ready = true;
            progress.notifyAll();
        }
        return all.items().size();
    }

    /** Follows one storage watch; the router drops its events once it follows another. */
    private final class Follower implements WatchListener {
        /** Written under {@code progress}. */
        volatile boolean ended;

        @Override
        public void accept(WatchEvent e) {
            if (this == current) {
                onEvent(e);
            }
        }

        @Override
        public void onTerminated(StorageException cause) {
            terminated(this, cause);
        }
    }

    /** The storage watch ended: reads wait, watchers end, and a virtual thread re-lists until it succeeds. */
    private void terminated(Follower follower, StorageException cause) {
        synchronized (progress) {
            follower.ended = true;
            if (closed || follower != current) {
                return;
            }
            ready = false;
        }
        if (!recovering.compareAndSet(false, true)) {
            // the running recovery sees the end when it finishes
            return;
        }
        LOG.warn("storage watch ended, re-listing caches rv={} cause={}", revision, cause.getMessage());
        for (WatchCache c : caches.values()) {
            c.terminateWatchers();
        }
        Thread.ofVirtual().name("watch-cache-relist").start(this::recover);
    }

    private void recover() {
        long t0 = System.nanoTime();
        long pause = 100;
        while (!closed) {
            try {
                int objects = load();
                recoveries.incrementAndGet();
                LOG.info("watch cache re-listed objects={} rv={} millis={}", objects, revision,
                        (System.nanoTime() - t0) / 1_000_000);
                recovering.set(false);
                Follower f = current;
                if (f == null || !f.ended || !recovering.compareAndSet(false, true)) {
                    return;
                }
                // the new watch ended while this recovery finished: go again
                continue;
            } catch (RuntimeException e) {
                LOG.warn("watch cache re-list failed, retrying inMillis={} error={}", pause, e.toString());
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException ie) {
                return;
            }
            pause = Math.min(pause * 2, MAX_RETRY_MILLIS);
        }
    }

    /** Whether the caches follow the store (false while they re-list). */
    public boolean ready() {
        return ready;
    }

    /** How many times the caches re-listed after their storage watch ended. */
    public int recoveries() {
        return recoveries.get();
    }

    private WatchCache cacheFor(String key) {
        // keys are /registry/<group>/<resource>/...; the cache prefix is /registry/<group>/<resource>/
        int i = key.indexOf('/', root.length());
        if (i < 0) {
            return null;
        }
        int j = key.indexOf('/', i + 1);
        if (j < 0) {
            return null;
        }
        return caches.get(key.substring(0, j + 1));
    }

    private void onEvent(WatchEvent e) {
        WatchCache c = cacheFor(e.kv().key());
        if (c != null) {
            try {
                CacheEvent ce = switch (e.type()) {
                    case ADDED -> new CacheEvent(CacheEvent.Type.ADDED, e.kv().key(), decoder.apply(e.kv()), null,
                            e.revision(), json.apply(e.kv()));
                    case MODIFIED -> new CacheEvent(CacheEvent.Type.MODIFIED, e.kv().key(), decoder.apply(e.kv()),
                            previous(c, e.prev()), e.revision(), json.apply(e.kv()));
                    case DELETED -> new CacheEvent(CacheEvent.Type.DELETED, e.kv().key(), decoder.apply(e.kv()),
                            previous(c, e.prev()), e.revision(), json.apply(e.kv()));
                };
                c.apply(ce);
            } catch (RuntimeException ex) {
                LOG.error("cannot decode stored object key={} rv={}", e.kv().key(), e.revision(), ex);
            }
        }
        synchronized (progress) {
            revision = e.revision();
            progress.notifyAll();
        }
    }

    /**
     * The object before a change: the cache's own object when it is that revision of the key (it was decoded from
     * the same stored value, and cached objects are never changed), so an update is decoded once, not twice.
     */
    private ObjectNode previous(WatchCache c, KeyValue prev) {
        ObjectNode cached = c.get(prev.key());
        if (cached != null && cached.get("metadata") instanceof ObjectNode meta
                && meta.get("resourceVersion") instanceof com.fasterxml.jackson.databind.node.TextNode rv
                && rv.textValue().equals(Long.toString(prev.modRevision()))) {
            return cached;
        }
        return decoder.apply(prev);
    }

    /** The revision up to which every cache has applied all changes. */
    public long revision() {
        return revision;
    }

    /**
     * Blocks until the caches are ready and have seen {@code rv}, for consistent reads. Fails after
     * {@code timeoutMillis} with 504 Timeout, as upstream does for a resourceVersion that is too large,
     * or with 429 while the caches are still re-listing, as upstream's cacher does when not ready.
     */
    public void waitFor(long rv, long timeoutMillis) {
        if (ready && revision >= rv) {
            return;
        }
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        synchronized (progress) {
            while (!ready || revision < rv) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    if (!ready) {
                        throw new StatusException(StatusReason.TOO_MANY_REQUESTS, 429,
                                "storage is (re)initializing", null, null, null, null, 1);
                    }
                    throw new StatusException(StatusReason.TIMEOUT, 504,
                            "Too large resource version: " + rv + ", current: " + revision,
                            null, null, null, null, null);
                }
                try {
                    progress.wait(left);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw StatusException.internal("interrupted");
                }
            }
        }
    }

    /** Waits until the caches reflect every write committed so far. */
    public void waitForFresh() {
        waitFor(storage.currentRevision(), 5_000);
    }

    @Override
    public void close() {
        synchronized (progress) {
            closed = true;
            progress.notifyAll();
        }
        closeWatch();
    }

    private synchronized void closeWatch() {
        current = null;
        if (watch != null) {
            closeQuietly(watch);
            watch = null;
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("closing storage watch", e);
        }
    }
}
