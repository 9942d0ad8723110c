package io.kube4j.node.kubelet.prober;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import io.kube4j.client.events.EventRecorder;
import io.kube4j.node.kubelet.pod.PodActions;
import io.kube4j.node.kubelet.runtime.RuntimeContainer;
import io.kube4j.node.kubelet.runtime.RuntimePodStatus;
import io.kube4j.node.kubelet.status.PodStatusFunctions;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs the liveness, readiness and startup probes of every pod on the node: one worker (a virtual thread) per
 * container and probe, results kept per container instance. Pod workers ask it whether a container is ready, has
 * started, or must be restarted; it tells them (through {@code onChange}) when a result flips. Thread-safe.
 */
public final class ProbeManager implements PodActions.ProbeVerdicts, PodStatusFunctions.Readiness, AutoCloseable {
    private final Prober prober;
    private final EventRecorder events;
    private final Clock clock;
    private final Function<String, RuntimePodStatus> runtimeStatus;
    private final Consumer<String> onChange;
    private final Map<String, Worker> workers = new ConcurrentHashMap<>();
    /** Result per container instance and probe: key is containerId + "/" + type. */
    private final Map<String, Boolean> results = new ConcurrentHashMap<>();

    /**
     * @param runtimeStatus the pod workers' latest runtime view of a pod, by uid
     * @param onChange      called with a pod uid when one of its probe results changed
     */
    public ProbeManager(Prober prober, EventRecorder events, Clock clock,
                        Function<String, RuntimePodStatus> runtimeStatus, Consumer<String> onChange) {
        this.prober = prober;
        this.events = events;
        this.clock = clock;
        this.runtimeStatus = runtimeStatus;
        this.onChange = onChange;
    }

    /** Starts workers for the pod's probes that have none yet. */
    public void addPod(Pod pod) {
        for (Container c : pod.getSpec().getContainers()) {
            start(pod, c, ProbeType.LIVENESS, c.getLivenessProbe());
            start(pod, c, ProbeType.READINESS, c.getReadinessProbe());
            start(pod, c, ProbeType.STARTUP, c.getStartupProbe());
        }
    }

    public void removePod(String uid) {
        workers.entrySet().removeIf(e -> {
            if (e.getKey().startsWith(uid + "/")) {
                e.getValue().thread.interrupt();
                return true;
            }
            return false;
        });
    }

    private void start(Pod pod, Container c, ProbeType type, Probe probe) {
        if (probe == null) {
            return;
        }
        String key = pod.getMetadata().getUid() + "/" + c.getName() + "/" + type;
        workers.computeIfAbsent(key, k -> {
            Worker w = new Worker(pod, c, type, probe);
            w.thread = Thread.ofVirtual().name("probe-" + pod.getMetadata().getName() + "-" + c.getName() + "-"
                    + type.title()).start(w::run);
            return w;
        });
    }

    @Override
    public boolean ready(Container container, RuntimeContainer instance) {
        if (container.getReadinessProbe() == null) {
            return true;
        }
        return Boolean.TRUE.equals(results.get(instance.id() + "/" + ProbeType.READINESS));
    }

    @Override
    public boolean started(Container container, RuntimeContainer instance) {
        if (container.getStartupProbe() == null) {
            return true;
        }
        return Boolean.TRUE.equals(results.get(instance.id() + "/" + ProbeType.STARTUP));
    }

    @Override
    public Optional<String> restartReason(Pod pod, Container container, RuntimeContainer instance) {
        if (Boolean.FALSE.equals(results.get(instance.id() + "/" + ProbeType.LIVENESS))) {
            return Optional.of("Container " + container.getName() + " failed liveness probe, will be restarted");
        }
        if (Boolean.FALSE.equals(results.get(instance.id() + "/" + ProbeType.STARTUP))) {
            return Optional.of("Container " + container.getName() + " failed startup probe, will be restarted");
        }
        return Optional.empty();
    }

    /** Drops results of container instances that no longer exist. */
    public void forgetContainer(String containerId) {
        for (ProbeType t : ProbeType.values()) {
            results.remove(containerId + "/" + t);
        }
    }

    @Override
    public void close() {
        workers.values().forEach(w -> w.thread.interrupt());
        workers.clear();
    }

    private final class Worker {
        final Pod pod;
        final Container container;
        final ProbeType type;
        final Probe probe;
        Thread thread;
        String instanceId;
        int successes;
        int failures;
        boolean onHold;

        Worker(Pod pod, Container container, ProbeType type, Probe probe) {
            this.pod = pod;
            this.container = container;
            this.type = type;
            this.probe = probe;
        }

        void run() {
            long period = Math.max(1, probe.getPeriodSeconds() == null ? 10 : probe.getPeriodSeconds()) * 1000L;
            try {
                Thread.sleep(ThreadLocalRandom.current().nextLong(Math.min(period, 1000)));
                while (!Thread.currentThread().isInterrupted()) {
                    tick();
                    Thread.sleep(period);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void tick() {
            RuntimePodStatus status = runtimeStatus.apply(pod.getMetadata().getUid());
            if (status == null) {
                return;
            }
            Optional<RuntimeContainer> latest = status.latest(container.getName()).filter(RuntimeContainer::running);
            if (latest.isEmpty()) {
                instanceId = null;
                return;
            }
            RuntimeContainer c = latest.get();
            if (!c.id().equals(instanceId)) {
                instanceId = c.id();
                successes = 0;
                failures = 0;
                onHold = false;
            }
            String resultKey = c.id() + "/" + type;
            if (onHold) {
                return;
            }
            if (type != ProbeType.STARTUP && container.getStartupProbe() != null
                    && !Boolean.TRUE.equals(results.get(c.id() + "/" + ProbeType.STARTUP))) {
                return;
            }
            if (type == ProbeType.STARTUP && Boolean.TRUE.equals(results.get(resultKey))) {
                return;
            }
            int initialDelay = probe.getInitialDelaySeconds() == null ? 0 : probe.getInitialDelaySeconds();
            if (c.startedAt() != null && clock.instant().isBefore(c.startedAt().plus(Duration.ofSeconds(initialDelay)))) {
                return;
            }
            Prober.Result r = prober.probe(probe, container, c.id(), status.podIp());
            int successThreshold = probe.getSuccessThreshold() == null ? 1 : probe.getSuccessThreshold();
            int failureThreshold = probe.getFailureThreshold() == null ? 3 : probe.getFailureThreshold();
            if (r.success()) {
                failures = 0;
                successes++;
                if (successes >= successThreshold) {
                    set(resultKey, true);
                }
            } else {
                successes = 0;
                failures++;
                events.warning(pod, "spec.containers{" + container.getName() + "}", "Unhealthy",
                        type.title() + " probe failed: " + r.output());
                if (failures >= failureThreshold) {
                    set(resultKey, false);
                    if (type != ProbeType.READINESS) {
                        onHold = true;
                    }
                }
            }
        }

        private void set(String key, boolean value) {
            Boolean old = results.put(key, value);
            if (old == null || old != value) {
                onChange.accept(pod.getMetadata().getUid());
            }
        }
    }
}
