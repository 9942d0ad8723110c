package io.kube4j.controllers;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kube4j.client.events.EventRecorder;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every controller of one controller manager shares: the API client, the clock (injectable, so tests of
 * time-driven controllers run in seconds), one informer per resource type (created on first use, started by the
 * manager once every controller asked for its own), and event recorders per component. Thread-safe.
 */
public final class ControllerContext implements AutoCloseable {
    private final KubernetesClient client;
    private final Clock clock;
    private final String host;
    private final Map<Class<?>, SharedIndexInformer<?>> informers = new ConcurrentHashMap<>();
    private final Map<String, EventRecorder> recorders = new ConcurrentHashMap<>();

    public ControllerContext(KubernetesClient client, Clock clock, String host) {
        this.client = client;
        this.clock = clock;
        this.host = host;
    }

    public KubernetesClient client() {
        return client;
    }

    public Clock clock() {
        return clock;
    }

    /** The shared informer of a resource type, in every namespace; not started until the manager starts them. */
    @SuppressWarnings("unchecked")
    public <T extends HasMetadata> SharedIndexInformer<T> informer(Class<T> type) {
        return (SharedIndexInformer<T>) informers.computeIfAbsent(type,
                t -> client.resources(type).inAnyNamespace().runnableInformer(0));
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
