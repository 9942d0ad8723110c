package io.kube4j.client.informers;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One informer per resource type (all namespaces), shared by the components of one process: in {@code kube4j server}
 * the scheduler and the controller manager take their Pod and Node informers from one pool, so each pod is listed,
 * watched, decoded and held once, not once per component.
 *
 * <p>{@link #acquire} hands out a {@link SharedIndexInformer} view ({@link PooledInformer}) of the type's informer,
 * creating that informer on the first acquire. The view's {@code start()} starts the informer if nobody has; its
 * {@code close()} removes the handlers and indexers added through it and releases it. The last release stops the
 * informer, and the next acquire creates a new one (a stopped fabric8 informer cannot be restarted). A handler added
 * to a view of a running informer first gets the informer's current objects as adds, as with any fabric8 informer.
 * Each view delivers its handlers' events on a thread of its own ({@link SerialDelivery}), so one user that is slow
 * does not delay another. A view reports {@code hasSynced()} once the informer has synced and the events handed to
 * its handlers before then, a replay included, were handled.
 *
 * <p>The objects the informers hold are shared by every user: nobody may change them; copy first. Callers are the
 * scheduler ({@code SchedulerServer}) and the controller manager ({@code ControllerContext}); each leadership term
 * acquires its views and closes them when it ends. Thread-safe.
 */
public final class SharedInformerPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SharedInformerPool.class);

    private final KubernetesClient client;
    private final Map<Class<?>, Entry<?>> entries = new HashMap<>();

    /** The pooled informer of one type, its views and the indexers they added. Guarded by the pool. */
    static final class Entry<T extends HasMetadata> {
        final Class<T> type;
        final SharedIndexInformer<T> informer;
        int views;
        boolean started;
        CompletableFuture<Void> synced;
        /** Index name to how many live views added it; the indexer is removed when none is left. */
        final Map<String, Integer> indexers = new HashMap<>();

        Entry(Class<T> type, SharedIndexInformer<T> informer) {
            this.type = type;
            this.informer = informer;
        }
    }

    /** @param client the client every pooled informer lists and watches with; the pool does not close it */
    public SharedInformerPool(KubernetesClient client) {
        this.client = client;
    }

    /**
     * A view of the type's informer (all namespaces), created unstarted if none runs. Close the view when done with
     * it; each acquire is one reference.
     */
    public synchronized <T extends HasMetadata> SharedIndexInformer<T> acquire(Class<T> type) {
        @SuppressWarnings("unchecked")
        Entry<T> e = (Entry<T>) entries.computeIfAbsent(type,
                t -> new Entry<>(type, client.resources(type).inAnyNamespace().runnableInformer(0)));
        e.views++;
        return new PooledInformer<>(this, e);
    }

    /** How many views of the type's informer are open; 0 when the pool runs no informer for it. For tests. */
    public synchronized int views(Class<?> type) {
        Entry<?> e = entries.get(type);
        return e == null ? 0 : e.views;
    }

    /** The informer behind the type's views, or null; for tests that check two views share one informer. */
    synchronized SharedIndexInformer<?> informerOf(Class<?> type) {
        Entry<?> e = entries.get(type);
        return e == null ? null : e.informer;
    }

    /** Starts the entry's informer on the first call; every call gets the stage that completes when it has synced. */
    synchronized CompletionStage<Void> start(Entry<?> e) {
        if (!e.started) {
            e.started = true;
            e.synced = e.informer.start().toCompletableFuture();
        }
        return e.synced;
    }

    /** Adds the indexers no live view has added yet; an index name means the same function for every view. */
    synchronized <T extends HasMetadata> void addIndexers(Entry<T> e, Map<String, Function<T, List<String>>> indexers) {
        Map<String, Function<T, List<String>>> fresh = new HashMap<>();
        indexers.forEach((name, f) -> {
            if (e.indexers.merge(name, 1, Integer::sum) == 1) {
                fresh.put(name, f);
            }
        });
        if (!fresh.isEmpty()) {
            e.informer.addIndexers(fresh);
        }
    }

    synchronized void removeIndexer(Entry<?> e, String name) {
        Integer n = e.indexers.get(name);
        if (n == null) {
            return;
        }
        if (n == 1) {
            e.indexers.remove(name);
            e.informer.removeIndexer(name);
        } else {
            e.indexers.put(name, n - 1);
        }
    }

    /** One view fewer; the last one stops the informer and forgets it. */
    void release(Entry<?> e) {
        synchronized (this) {
            if (--e.views > 0) {
                return;
            }
            entries.remove(e.type, e);
        }
        LOG.debug("pooled informer stopped type={}", e.type.getSimpleName());
        e.informer.stop();
    }

    /** Stops every informer, whoever still holds a view: for the owner's shutdown, after its users stopped. */
    @Override
    public void close() {
        List<Entry<?>> all;
        synchronized (this) {
            all = new ArrayList<>(entries.values());
            entries.clear();
        }
        all.forEach(e -> e.informer.stop());
    }
}
