package io.kube4j.client.informers;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.informers.cache.Store;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * One user's view of a pooled informer ({@link SharedInformerPool#acquire}). Reads (store, indexer, sync state) go
 * to the shared informer. Handlers added here are registered on the shared informer through a forwarder that hands
 * each event to this view's {@link SerialDelivery}, so this view's handlers see events in the informer's order, one
 * at a time, on their own thread. {@link #close} (or {@link #stop}) removes them and the indexers added here, and
 * releases the view; it is idempotent. The informer-wide settings ({@code initialState}, {@code itemStore},
 * {@code exceptionHandler}) belong to the pool and are refused. Thread-safe.
 */
final class PooledInformer<T extends HasMetadata> implements SharedIndexInformer<T> {
    private final SharedInformerPool pool;
    private final SharedInformerPool.Entry<T> entry;
    private final SharedIndexInformer<T> shared;
    private final SerialDelivery delivery;
    private final Map<ResourceEventHandler<? super T>, Forwarder<T>> handlers = new IdentityHashMap<>();
    private final Set<String> indexers = new HashSet<>();
    private boolean closed;
    /** Bumped by every handler added: each may have been handed a replay that is not delivered yet. */
    private long handlersAdded;
    /** The {@link #handlersAdded} whose sync mark is queued behind the events handed in before it. */
    private long markQueued = -1;
    /** The {@link #handlersAdded} whose sync mark was delivered: every event handed in before it was handled. */
    private volatile long markDelivered = -1;

    PooledInformer(SharedInformerPool pool, SharedInformerPool.Entry<T> entry) {
        this.pool = pool;
        this.entry = entry;
        this.shared = entry.informer;
        this.delivery = new SerialDelivery("informer-" + entry.type.getSimpleName());
    }

    /** Hands each callback to the view's delivery thread. */
    private record Forwarder<T>(ResourceEventHandler<? super T> handler, SerialDelivery delivery)
            implements ResourceEventHandler<T> {
        @Override
        public void onAdd(T obj) {
            delivery.execute(() -> handler.onAdd(obj));
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
            delivery.execute(() -> handler.onUpdate(oldObj, newObj));
        }

        @Override
        public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            delivery.execute(() -> handler.onDelete(obj, deletedFinalStateUnknown));
        }

        @Override
        public void onNothing() {
            delivery.execute(handler::onNothing);
        }

        @Override
        public void onBeforeList(String resourceVersion) {
            delivery.execute(() -> handler.onBeforeList(resourceVersion));
        }

        @Override
        public void onList(String resourceVersion, boolean hasSynced) {
            delivery.execute(() -> handler.onList(resourceVersion, hasSynced));
        }
    }

    @Override
    public SharedIndexInformer<T> addEventHandler(ResourceEventHandler<? super T> handler) {
        return addEventHandlerWithResyncPeriod(handler, 0);
    }

    @Override
    public synchronized SharedIndexInformer<T> addEventHandlerWithResyncPeriod(ResourceEventHandler<? super T> handler,
                                                                             long resyncPeriod) {
        if (closed) {
            throw new IllegalStateException("this view of the " + entry.type.getSimpleName() + " informer is closed");
        }
        if (handlers.containsKey(handler)) {
            return this;
        }
        Forwarder<T> f = new Forwarder<>(handler, delivery);
        handlers.put(handler, f);
        handlersAdded++;
        // on a running informer fabric8 replays its store to the new handler as adds, here on this thread
        shared.addEventHandlerWithResyncPeriod(f, resyncPeriod);
        return this;
    }

    @Override
    public synchronized SharedIndexInformer<T> removeEventHandler(ResourceEventHandler<? super T> handler) {
        Forwarder<T> f = handlers.remove(handler);
        if (f != null) {
            shared.removeEventHandler(f);
        }
        return this;
    }

    @Override
    public synchronized SharedIndexInformer<T> addIndexers(Map<String, Function<T, List<String>>> indexers) {
        if (closed) {
            throw new IllegalStateException("this view of the " + entry.type.getSimpleName() + " informer is closed");
        }
        Map<String, Function<T, List<String>>> mine = new java.util.HashMap<>(indexers);
        mine.keySet().removeAll(this.indexers);
        pool.addIndexers(entry, mine);
        this.indexers.addAll(mine.keySet());
        return this;
    }

    @Override
    public synchronized SharedIndexInformer<T> removeIndexer(String name) {
        if (indexers.remove(name)) {
            pool.removeIndexer(entry, name);
        }
        return this;
    }

    @Override
    public Indexer<T> getIndexer() {
        return shared.getIndexer();
    }

    @Override
    public Store<T> getStore() {
        return shared.getStore();
    }

    @Override
    public synchronized CompletionStage<Void> start() {
        if (closed) {
            throw new IllegalStateException("this view of the " + entry.type.getSimpleName() + " informer is closed");
        }
        return pool.start(entry);
    }

    /** Starts the shared informer if needed and blocks until it has synced. */
    @Override
    public SharedIndexInformer<T> run() {
        start().toCompletableFuture().join();
        return this;
    }

    /** Same as {@link #close}: this view ends; the shared informer stops only with its last view. */
    @Override
    public void stop() {
        close();
    }

    @Override
    public void close() {
        List<Forwarder<T>> forwarders;
        List<String> names;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            forwarders = new ArrayList<>(handlers.values());
            handlers.clear();
            names = new ArrayList<>(indexers);
            indexers.clear();
        }
        forwarders.forEach(shared::removeEventHandler);
        delivery.close();
        names.forEach(n -> pool.removeIndexer(entry, n));
        pool.release(entry);
    }

    /**
     * True once the shared informer has listed its objects and this view's handlers were handed everything before
     * that: for a handler added to a running informer, the replay of its store. Without the second half a
     * leadership term that joins a running informer would start work before its caches were filled.
     */
    @Override
    public boolean hasSynced() {
        if (!shared.hasSynced()) {
            return false;
        }
        synchronized (this) {
            long added = handlersAdded;
            if (markDelivered == added) {
                return true;
            }
            if (markQueued != added) {
                // queued after whatever fabric8 handed this view so far, replays included
                markQueued = added;
                delivery.execute(() -> markDelivered = added);
            }
            return false;
        }
    }

    @Override
    public String lastSyncResourceVersion() {
        return shared.lastSyncResourceVersion();
    }

    @Override
    public boolean isRunning() {
        return shared.isRunning();
    }

    @Override
    public Class<T> getApiTypeClass() {
        return shared.getApiTypeClass();
    }

    @Override
    public boolean isWatching() {
        return shared.isWatching();
    }

    @Override
    public CompletionStage<Void> stopped() {
        return shared.stopped();
    }

    @Override
    public SharedIndexInformer<T> initialState(Stream<T> items) {
        throw new UnsupportedOperationException("a pooled informer's initial state is the pool's");
    }

    @Override
    public SharedIndexInformer<T> itemStore(ItemStore<T> itemStore) {
        throw new UnsupportedOperationException("a pooled informer's store is the pool's");
    }

    @Override
    public SharedIndexInformer<T> exceptionHandler(ExceptionHandler handler) {
        throw new UnsupportedOperationException("a pooled informer's exception handler is the pool's");
    }
}
