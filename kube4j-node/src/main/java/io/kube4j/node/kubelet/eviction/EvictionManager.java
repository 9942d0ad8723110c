package io.kube4j.node.kubelet.eviction;

import io.fabric8.kubernetes.api.model.Pod;
import io.kube4j.client.events.EventRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The kubelet's eviction manager, for local storage capacity isolation only: on each housekeeping pass (every
 * {@code period}, upstream's 10 s) it measures every active pod and evicts those over an emptyDir {@code sizeLimit} or
 * an {@code ephemeral-storage} limit, as upstream's LocalStorageCapacityIsolation does. Evicting records a Warning
 * {@code Evicted} event on the pod and hands the pod to the pod's worker ({@link Evictor}), which kills it and writes
 * phase Failed, reason Evicted. Node-pressure evictions (memory, disk or pid thresholds) are not done. Runs on its
 * own virtual thread; {@link #synchronize()} is also callable directly (tests), never concurrently with the loop.
 */
public final class EvictionManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EvictionManager.class);
    /** Upstream's grace period for local-storage evictions: the pod's own is not honoured. */
    public static final Duration IMMEDIATE_GRACE = Duration.ofSeconds(1);

    /** Kills a pod for an eviction through the kubelet's own pod-kill path. Must not block for long. */
    @FunctionalInterface
    public interface Evictor {
        void evict(Pod pod, Duration grace, String reason, String message);
    }

    private final Duration period;
    private final Supplier<Collection<Pod>> activePods;
    private final Function<Pod, PodStorageUsage> meter;
    private final EventRecorder events;
    private final Evictor evictor;
    private Thread loop;

    /**
     * @param activePods the pods to check: bound to this node, not finished, not being deleted, not evicted yet
     * @param meter      measures one pod's usage (a {@link PodStorageMeter} in the kubelet)
     */
    public EvictionManager(Duration period, Supplier<Collection<Pod>> activePods,
                           Function<Pod, PodStorageUsage> meter, EventRecorder events, Evictor evictor) {
        this.period = period;
        this.activePods = activePods;
        this.meter = meter;
        this.events = events;
        this.evictor = evictor;
    }

    public EvictionManager start() {
        loop = Thread.ofVirtual().name("eviction-manager").start(this::run);
        return this;
    }

    private void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(period.toMillis());
                try {
                    synchronize();
                } catch (RuntimeException e) {
                    LOG.warn("eviction manager: failed to synchronize: {}", e.toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One housekeeping pass; returns the pods it evicted. */
    public List<Pod> synchronize() {
        List<Pod> evicted = new ArrayList<>();
        for (Pod pod : activePods.get()) {
            if (!LocalStorageEviction.hasLimits(pod)) {
                continue; // nothing to enforce: spare the walk and the runtime calls
            }
            Optional<String> message = LocalStorageEviction.decide(pod, meter.apply(pod));
            if (message.isEmpty()) {
                continue;
            }
            LOG.info("eviction manager: evicting pod={}/{} uid={} message=\"{}\"", pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName(), pod.getMetadata().getUid(), message.get());
            events.warning(pod, "", LocalStorageEviction.REASON, message.get());
            evictor.evict(pod, IMMEDIATE_GRACE, LocalStorageEviction.REASON, message.get());
            evicted.add(pod);
        }
        return evicted;
    }

    @Override
    public void close() {
        if (loop != null) {
            loop.interrupt();
        }
    }
}
