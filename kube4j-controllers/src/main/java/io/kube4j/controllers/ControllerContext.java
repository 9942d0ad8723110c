package io.kube4j.controllers;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kube4j.client.events.EventRecorder;
import io.kube4j.client.informers.SharedInformerPool;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every controller of one controller manager shares during one leadership term: the API client, the clock
 * (injectable, so tests of time-driven controllers run in seconds), one informer per resource type, and event
 * recorders per component. The informers are views of a {@link SharedInformerPool}'s (taken on first use, started
 * by the manager once every controller asked for its own): in {@code kube4j server} the pool the scheduler uses too,
 * so a Pod or Node is held once for both. Their objects are shared: copy before changing. {@link #close} closes the
 * views (the handlers and indexers the controllers added go; the informers stay while another user holds them).
 * Thread-safe.
 */
public final class ControllerContext implements AutoCloseable {
    private final KubernetesClient client;
    private final Clock clock;
    private final String host;
    private final SharedInformerPool pool;
    private final Map<Class<?>, SharedIndexInformer<?>> informers = new ConcurrentHashMap<>();
    private final Map<String, EventRecorder> recorders = new ConcurrentHashMap<>();

    /** A context whose informers come from a pool of its own, which it empties when it closes. */
    public ControllerContext(KubernetesClient client, Clock clock, String host) {
        this(client, clock, host, new SharedInformerPool(client));
    }

    /** A context whose informers are views of {@code pool}'s, shared with the pool's other users. */
    public ControllerContext(KubernetesClient client, Clock clock, String host, SharedInformerPool pool) {
        this.client = client;
        this.clock = clock;
        this.host = host;
        this.pool = pool;
    }

    public KubernetesClient client() {
        return client;
    }

    public Clock clock() {
        return clock;
    }

    /**
     * The informer of a resource type, in every namespace, one view for all controllers of this context; not started
     * by this call (the manager starts them) unless another user of the pool runs it already.
     */
    @SuppressWarnings("unchecked")
    public <T extends HasMetadata> SharedIndexInformer<T> informer(Class<T> type) {
        return (SharedIndexInformer<T>) informers.computeIfAbsent(type, t -> pool.acquire(type));
    }

    /** The event recorder of a component, e.g. {@code replicaset-controller}. */
    public EventRecorder events(String component) {
        return recorders.computeIfAbsent(component, c -> new EventRecorder(client, c, host, clock));
    }

    /** Starts every informer created so far and waits until each has listed its resources. */
    void startInformers(Duration timeout) throws InterruptedException {
        List<SharedIndexInformer<?>> all = new ArrayList<>(informers.values());
        all.forEach(SharedIndexInformer::start);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (SharedIndexInformer<?> i : all) {
            while (!i.hasSynced()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("informers did not sync within " + timeout);
                }
                Thread.sleep(20);
            }
        }
    }

    @Override
    public void close() {
        informers.values().forEach(SharedIndexInformer::close);
        recorders.values().forEach(EventRecorder::close);
    }
}
