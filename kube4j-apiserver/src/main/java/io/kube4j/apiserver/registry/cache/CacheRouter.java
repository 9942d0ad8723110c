package io.kube4j.apiserver.registry.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.errors.StatusReason;
import io.kube4j.storage.KeyValue;
import io.kube4j.storage.ListResult;
import io.kube4j.storage.Storage;
import io.kube4j.storage.WatchEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Holds one storage watch over the whole registry and routes each change, in revision order, to the
 * {@link WatchCache} of its resource. Because it sees every revision, it also knows how fresh all
 * caches are, which consistent reads wait for. Thread-safe.
 */
public final class CacheRouter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CacheRouter.class);

    private final Storage storage;
    private final String root;
    private final Function<KeyValue, ObjectNode> decoder;
    private final Map<String, WatchCache> caches = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    private volatile long revision;
    private AutoCloseable watch;

    public CacheRouter(Storage storage, String root, Function<KeyValue, ObjectNode> decoder) {
        this.storage = storage;
        this.root = root;
        this.decoder = decoder;
    }

    /** Registers a cache for {@code prefix}; all caches must be registered before {@link #start}. */
    public WatchCache register(String prefix, int capacity) {
        return caches.computeIfAbsent(prefix, p -> new WatchCache(p, capacity));
    }

    /** Loads every cache from one consistent read, then follows the storage watch. */
    public synchronized void start() {
        ListResult all = storage.list(root, null, 0, 0);
        Map<WatchCache, Map<String, ObjectNode>> initial = new HashMap<>();
        for (KeyValue kv : all.items()) {
            WatchCache c = cacheFor(kv.key());
            if (c != null) {
                initial.computeIfAbsent(c, x -> new HashMap<>()).put(kv.key(), decoder.apply(kv));
            }
        }
        for (WatchCache c : caches.values()) {
            c.initialize(initial.getOrDefault(c, Map.of()), all.revision());
        }
        revision = all.revision();
        watch = storage.watch(root, all.revision(), new io.kube4j.storage.WatchListener() {
            @Override
            public void accept(WatchEvent e) {
                onEvent(e);
            }

            @Override
            public void onTerminated(io.kube4j.storage.StorageException cause) {
                // only a remote store (etcd) ends a watch; relisting into live caches is the HA work's
                LOG.error("storage watch ended, caches stay at rv={} until restart: {}", revision, cause.getMessage());
            }
        });
        LOG.info("watch cache started caches={} objects={} rv={}", caches.size(), all.items().size(), revision);
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
                            e.revision());
                    case MODIFIED -> new CacheEvent(CacheEvent.Type.MODIFIED, e.kv().key(), decoder.apply(e.kv()),
                            decoder.apply(e.prev()), e.revision());
                    case DELETED -> new CacheEvent(CacheEvent.Type.DELETED, e.kv().key(), decoder.apply(e.kv()),
                            decoder.apply(e.prev()), e.revision());
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

    /** The revision up to which every cache has applied all changes. */
    public long revision() {
        return revision;
    }

    /**
     * Blocks until the caches have seen {@code rv}, for consistent reads. Fails with 504 Timeout
     * after {@code timeoutMillis}, as upstream does for a resourceVersion that is too large.
     */
    public void waitFor(long rv, long timeoutMillis) {
        if (revision >= rv) {
            return;
        }
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        synchronized (progress) {
            while (revision < rv) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
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
    public synchronized void close() {
        if (watch != null) {
            try {
                watch.close();
            } catch (Exception e) {
                LOG.debug("closing storage watch", e);
            }
        }
    }
}
