package io.kube4j.node.kubelet.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.kube4j.node.kubelet.runtime.RuntimeContainer;
import io.kube4j.node.kubelet.runtime.RuntimePodStatus;
import io.kube4j.node.kubelet.runtime.RuntimeSandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one sync of a pod must do, computed from its spec and what the runtime reports: kill the pod and make a new
 * sandbox, start the next init container, start or restart app containers, kill unhealthy or changed ones. A plain
 * function of its inputs, so the whole restart policy is unit-testable without a runtime.
 *
 * @param killPod         stop every container and the sandbox first
 * @param createSandbox   start a new sandbox (after killing the pod)
 * @param sandboxAttempt  attempt number of the sandbox to create
 * @param nextInit        init container to start now, if any
 * @param toStart         app containers to start now
 * @param toKill          running containers to stop, with the reason
 * @param waiting         containers that stay down for now, with the reason shown in their waiting state
 * @param podFailed       the pod failed for good (an init container failed under restartPolicy Never)
 */
public record PodActions(boolean killPod, boolean createSandbox, int sandboxAttempt, Container nextInit,
                         List<Container> toStart, List<Kill> toKill, Map<String, Waiting> waiting,
                         boolean podFailed) {

    /** A running container to stop, and why (e.g. a failed liveness probe). */
    public record Kill(RuntimeContainer container, String message) {
    }

    /** Why a container is not started now: CrashLoopBackOff and its message. */
    public record Waiting(String reason, String message) {
    }

    /** What the probes say about one running container instance. */
    public interface ProbeVerdicts {
        /** A message when the liveness or startup probe says restart, else empty. */
        Optional<String> restartReason(Pod pod, Container container, RuntimeContainer instance);
    }

    public boolean nothingToDo() {
        return !killPod && !createSandbox && nextInit == null && toStart.isEmpty() && toKill.isEmpty();
    }

    /** Computes the actions for one sync; {@code backOff} is advanced for every restart it allows. */
    public static PodActions compute(Pod pod, RuntimePodStatus status, ProbeVerdicts probes, BackOff backOff) {
        String policy = restartPolicy(pod);
        Optional<RuntimeSandbox> sandbox = status.latestSandbox();
        boolean sandboxOk = sandbox.isPresent() && sandbox.get().ready();
        List<Container> inits = pod.getSpec().getInitContainers() == null ? List.of() : pod.getSpec().getInitContainers();
        List<Container> apps = pod.getSpec().getContainers();
        java.util.LinkedHashMap<String, Waiting> waiting = new java.util.LinkedHashMap<>();

        if (!sandboxOk) {
            int attempt = sandbox.map(s -> s.attempt() + 1).orElse(0);
            boolean ranBefore = !status.containers().isEmpty();
            if (ranBefore && policy.equals("Never") && allAppsTerminated(apps, status)) {
                // A finished pod under Never keeps its dead sandbox; nothing runs again.
                return new PodActions(!status.running().isEmpty(), false, attempt, null, List.of(), List.of(), waiting,
                        false);
            }
            Container first = inits.isEmpty() ? null : inits.get(0);
            List<Container> start = inits.isEmpty() ? List.copyOf(apps) : List.of();
            return new PodActions(sandbox.isPresent(), true, attempt, first, start, List.of(), waiting, false);
        }

        // Init containers run one at a time, in order; app containers wait until every one has succeeded.
        for (Container init : inits) {
            Optional<RuntimeContainer> latest = status.latest(init.getName());
            if (latest.isEmpty()) {
                return new PodActions(false, false, 0, init, List.of(), List.of(), waiting, false);
            }
            RuntimeContainer c = latest.get();
            if (c.running() || c.state() == io.kube4j.node.kubelet.runtime.ContainerState.CREATED) {
                return new PodActions(false, false, 0, null, List.of(), List.of(), waiting, false);
            }
            if (c.exited() && c.exitCode() == 0) {
                continue;
            }
            if (policy.equals("Never")) {
                return new PodActions(true, false, 0, null, List.of(), List.of(), waiting, true);
            }
            Optional<Waiting> backing = backOff(pod, init, c, backOff);
            if (backing.isPresent()) {
                waiting.put(init.getName(), backing.get());
                return new PodActions(false, false, 0, null, List.of(), List.of(), waiting, false);
            }
            return new PodActions(false, false, 0, init, List.of(), List.of(), waiting, false);
        }

        List<Container> start = new ArrayList<>();
        List<Kill> kill = new ArrayList<>();
        for (Container app : apps) {
            Optional<RuntimeContainer> latest = status.latest(app.getName());
            if (latest.isEmpty()) {
                start.add(app);
                continue;
            }
            RuntimeContainer c = latest.get();
            if (c.running()) {
                String hash = ContainerHash.of(app);
                if (!hash.equals(c.hash())) {
                    kill.add(new Kill(c, "Container " + app.getName() + " definition changed, will be restarted"));
                    continue;
                }
                Optional<String> restart = probes.restartReason(pod, app, c);
                if (restart.isPresent()) {
                    kill.add(new Kill(c, restart.get()));
                    if (!policy.equals("Never")) {
                        // Restarted in the same sync, right after the kill: a probe failure is not a crash.
                        start.add(app);
                    }
                }
                continue;
            }
            if (c.state() == io.kube4j.node.kubelet.runtime.ContainerState.CREATED) {
                continue;
            }
            boolean restart = switch (policy) {
                case "Never" -> false;
                case "OnFailure" -> c.exitCode() != 0;
                default -> true;
            };
            if (!restart) {
                continue;
            }
            Optional<Waiting> backing = backOff(pod, app, c, backOff);
            if (backing.isPresent()) {
                waiting.put(app.getName(), backing.get());
            } else {
                start.add(app);
            }
        }
        return new PodActions(false, false, 0, null, start, kill, waiting, false);
    }

    private static Optional<Waiting> backOff(Pod pod, Container container, RuntimeContainer exited, BackOff backOff) {
        String key = pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace() + "_"
                + pod.getMetadata().getUid() + "_" + container.getName() + "_" + ContainerHash.of(container);
        java.time.Instant since = exited.finishedAt() != null ? exited.finishedAt() : exited.createdAt();
        if (backOff.inBackOffSince(key, since)) {
            long seconds = backOff.current(key).toSeconds();
            String msg = "back-off " + formatDuration(seconds) + " restarting failed container=" + container.getName()
                    + " pod=" + pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace() + "("
                    + pod.getMetadata().getUid() + ")";
            return Optional.of(new Waiting("CrashLoopBackOff", msg));
        }
        backOff.next(key);
        return Optional.empty();
    }

    /** Go's time.Duration formatting for whole seconds: 10s, 1m20s, 5m0s. */
    static String formatDuration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        return (seconds / 60) + "m" + (seconds % 60) + "s";
    }

    private static boolean allAppsTerminated(List<Container> apps, RuntimePodStatus status) {
        return apps.stream().allMatch(a -> status.latest(a.getName()).map(RuntimeContainer::exited).orElse(false));
    }

    public static String restartPolicy(Pod pod) {
        String p = pod.getSpec().getRestartPolicy();
        return p == null ? "Always" : p;
    }
}
