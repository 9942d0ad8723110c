package io.kube4j.controllers;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.kube4j.client.workqueue.RateLimitingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A controller in upstream's shape: informers feed keys ({@code namespace/name}) into a rate-limited work queue,
 * and workers (virtual threads) call the idempotent {@link #sync(String)} with them, never two at once for the same
 * key. A sync that throws is retried with back-off; one that returns normally resets the key's back-off.
 * Subclasses register their informer handlers in {@link #register()} and keep all their state in the informers'
 * caches. Started and stopped by the {@link ControllerManager}.
 */
public abstract class Controller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);

    protected final ControllerContext ctx;
    protected final RateLimitingQueue<String> queue = new RateLimitingQueue<>();
    private final List<Thread> workers = new ArrayList<>();

    protected Controller(ControllerContext ctx) {
        this.ctx = ctx;
    }

    /** The name in logs and flags, e.g. {@code replicaset}. */
    public abstract String name();

    /** How many keys are synced in parallel. */
    protected int workers() {
        return 2;
    }

    /** Registers the informer handlers; called before the informers start. */
    protected abstract void register();

    /** Brings the object with this key to its desired state; throws to be retried with back-off. */
    protected abstract void sync(String key) throws Exception;

    /** The key of an object: {@code namespace/name}, or {@code name} when cluster-scoped. */
    public static String key(HasMetadata obj) {
        return Cache.metaNamespaceKeyFunc(obj);
    }

    /** A handler that queues the key {@code keyOf} gives for every added, changed or deleted object. */
    protected <T extends HasMetadata> void enqueueOn(SharedIndexInformer<T> informer, Function<T, String> keyOf) {
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                enqueue(keyOf.apply(obj));
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                enqueue(keyOf.apply(newObj));
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                enqueue(keyOf.apply(obj));
            }
        });
    }

    protected void enqueue(String key) {
        if (key != null) {
            queue.add(key);
        }
    }

    final void startWorkers() {
        for (int i = 0; i < workers(); i++) {
            workers.add(Thread.ofVirtual().name(name() + "-worker-" + i).start(this::work));
        }
    }

    private void work() {
        try {
            while (true) {
                Optional<String> next = queue.get();
                if (next.isEmpty()) {
                    return;
                }
                String key = next.get();
                try {
                    sync(key);
                    queue.forget(key);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    LOG.warn("{} sync of {} failed (retry {}): {}", name(), key, queue.numRequeues(key), e.toString());
                    queue.addRateLimited(key);
                } finally {
                    queue.done(key);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        queue.shutDown();
        workers.forEach(Thread::interrupt);
    }

    /**
     * Waits until the workers stopped by {@link #close} have returned, or until {@code deadlineNanos}
     * ({@link System#nanoTime}). The manager calls it before it closes the term's informer views, so no sync still
     * running reads an index the views have removed. True when every worker is gone.
     */
    final boolean awaitWorkers(long deadlineNanos) throws InterruptedException {
        for (Thread w : workers) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 || !w.join(java.time.Duration.ofNanos(left))) {
                return false;
            }
        }
        return true;
    }
}
