package io.kube4j.node.simulated;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateRunning;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The status a simulated node reports for a pod at a given time: a pure function of the pod, its {@link PodScript},
 * when the node first saw it and its IPs, shaped as the kubelet's (phase, the five conditions in the kubelet's order,
 * container statuses with running/terminated states, restarts, IPs, startTime). Everything is derived from times,
 * so computing it twice gives the same status and the caller writes only when it changed. Stateless.
 */
public final class SimulatedPodStatus {
    /** Containers restarting under restartPolicy Always never cycle faster than this. */
    static final Duration MIN_CYCLE = Duration.ofSeconds(1);

    private SimulatedPodStatus() {
    }

    /** The status, and when it next changes by itself (null: not until the pod changes). */
    public record Result(PodStatus status, Instant nextChange) {
    }

    public static Result compute(Pod pod, PodScript script, Instant firstSeen, Instant now, String podIp,
                                 String hostIp) {
        firstSeen = firstSeen.truncatedTo(ChronoUnit.SECONDS);
        PodStatus current = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
        PodStatus s = new PodStatusBuilder(current).build();
        String policy = pod.getSpec().getRestartPolicy() == null ? "Always" : pod.getSpec().getRestartPolicy();
        List<Container> containers = pod.getSpec().getContainers();
        List<Container> inits = pod.getSpec().getInitContainers() == null ? List.of() : pod.getSpec().getInitContainers();
        String uid = pod.getMetadata().getUid() == null ? pod.getMetadata().getName() : pod.getMetadata().getUid();
        Instant t0 = firstSeen.plus(script.startDelay()).truncatedTo(ChronoUnit.SECONDS);

        s.setHostIP(hostIp);
        s.setHostIPs(List.of(new HostIP(hostIp)));
        s.setPodIP(podIp);
        s.setPodIPs(List.of(new PodIP(podIp)));
        s.setStartTime(time(firstSeen));

        List<String> names = containers.stream().map(Container::getName).toList();
        Instant nextChange;
        String phase;
        boolean ready;
        Instant readyTransition;
        boolean terminal = false;
        Instant terminalAt = null;
        List<ContainerStatus> statuses = new ArrayList<>();
        List<ContainerStatus> initStatuses = new ArrayList<>();

        if (now.isBefore(t0)) {
            phase = "Pending";
            ready = false;
            readyTransition = firstSeen;
            nextChange = t0;
            String waiting = inits.isEmpty() ? "ContainerCreating" : "PodInitializing";
            for (Container c : inits) {
                initStatuses.add(waiting(c, "PodInitializing", true));
            }
            for (Container c : containers) {
                statuses.add(waiting(c, waiting, false));
            }
        } else {
            for (Container c : inits) {
                boolean sidecar = "Always".equals(c.getRestartPolicy());
                ContainerStatus cs = base(c, uid, 0, true);
                cs.setStarted(sidecar);
                cs.setReady(sidecar);
                cs.setState(sidecar ? running(t0) : terminated(0, t0, t0, cs.getContainerID()));
                initStatuses.add(cs);
            }
            Duration exitAfter = script.exitAfter();
            boolean restarts = exitAfter != null
                    && ("Always".equals(policy) || ("OnFailure".equals(policy) && script.exitCode() != 0));
            if (exitAfter == null || restarts) {
                Duration cycle = exitAfter == null ? null : max(exitAfter, MIN_CYCLE);
                long k = cycle == null ? 0 : Duration.between(t0, now).toMillis() / cycle.toMillis();
                Instant startK = cycle == null ? t0 : t0.plus(cycle.multipliedBy(k));
                Instant readyAt = script.readyAfter() == null ? null : startK.plus(script.readyAfter());
                ready = readyAt != null && !now.isBefore(readyAt);
                readyTransition = ready ? readyAt : (k == 0 ? firstSeen : startK);
                nextChange = cycle == null ? null : startK.plus(cycle);
                if (readyAt != null && !ready && (nextChange == null || readyAt.isBefore(nextChange))) {
                    nextChange = readyAt;
                }
                phase = "Running";
                for (Container c : containers) {
                    ContainerStatus cs = base(c, uid, (int) k, true);
                    cs.setReady(ready);
                    cs.setState(running(startK));
                    if (k > 0) {
                        Instant prev = startK.minus(cycle);
                        cs.setLastState(terminated(script.exitCode(), prev, startK,
                                containerId(uid, c.getName(), (int) k - 1)));
                    }
                    statuses.add(cs);
                }
            } else {
                Instant exitAt = t0.plus(exitAfter).truncatedTo(ChronoUnit.SECONDS);
                if (now.isBefore(exitAt)) {
                    Instant readyAt = script.readyAfter() == null ? null : t0.plus(script.readyAfter());
                    ready = readyAt != null && !now.isBefore(readyAt) && readyAt.isBefore(exitAt);
                    readyTransition = ready ? readyAt : firstSeen;
                    nextChange = readyAt != null && !ready && readyAt.isBefore(exitAt) ? readyAt : exitAt;
                    phase = "Running";
                    for (Container c : containers) {
                        ContainerStatus cs = base(c, uid, 0, true);
                        cs.setReady(ready);
                        cs.setState(running(t0));
                        statuses.add(cs);
                    }
                } else {
                    terminal = true;
                    terminalAt = exitAt;
                    ready = false;
                    readyTransition = exitAt;
                    nextChange = null;
                    phase = script.exitCode() == 0 ? "Succeeded" : "Failed";
                    for (Container c : containers) {
                        ContainerStatus cs = base(c, uid, 0, false);
                        cs.setReady(false);
                        cs.setState(terminated(script.exitCode(), t0, exitAt, cs.getContainerID()));
                        statuses.add(cs);
                    }
                }
            }
        }
        s.setPhase(phase);
        s.setContainerStatuses(statuses);
        s.setInitContainerStatuses(inits.isEmpty() ? current.getInitContainerStatuses() : initStatuses);

        List<PodCondition> conditions = new ArrayList<>();
        conditions.add(condition("PodReadyToStartContainers", !terminal, terminal ? terminalAt : firstSeen, null, null));
        boolean initialized = inits.isEmpty() || !now.isBefore(t0);
        conditions.add(inits.isEmpty() ? condition("Initialized", true, firstSeen, null, null)
                : initialized ? condition("Initialized", true, t0, null, null)
                : condition("Initialized", false, firstSeen, "ContainersNotInitialized", "containers with incomplete status: "
                        + inits.stream().map(Container::getName).toList().toString().replace(",", "")));
        String notReadyReason = terminal ? "PodCompleted" : "ContainersNotReady";
        String notReadyMessage = terminal ? null : "containers with unready status: " + names.toString().replace(",", "");
        conditions.add(condition("Ready", ready, readyTransition, ready ? null : notReadyReason,
                ready ? null : notReadyMessage));
        conditions.add(condition("ContainersReady", ready, readyTransition, ready ? null : notReadyReason,
                ready ? null : notReadyMessage));
        PodCondition scheduled = null;
        if (current.getConditions() != null) {
            for (PodCondition c : current.getConditions()) {
                if ("PodScheduled".equals(c.getType())) {
                    scheduled = c;
                }
            }
        }
        conditions.add(scheduled != null ? scheduled : condition("PodScheduled", true, firstSeen, null, null));
        s.setConditions(conditions);
        return new Result(s, nextChange);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static ContainerStatus base(Container c, String uid, int restarts, boolean started) {
        ContainerStatus cs = new ContainerStatus();
        cs.setName(c.getName());
        cs.setImage(c.getImage());
        cs.setImageID(imageId(c.getImage()));
        cs.setContainerID(containerId(uid, c.getName(), restarts));
        cs.setRestartCount(restarts);
        cs.setStarted(started);
        cs.setLastState(new ContainerState());
        return cs;
    }

    private static ContainerStatus waiting(Container c, String reason, boolean init) {
        ContainerStatus cs = new ContainerStatus();
        cs.setName(c.getName());
        cs.setImage(c.getImage());
        cs.setImageID("");
        cs.setReady(false);
        cs.setStarted(false);
        cs.setRestartCount(0);
        cs.setLastState(new ContainerState());
        ContainerState st = new ContainerState();
        st.setWaiting(new ContainerStateWaiting(null, reason));
        cs.setState(st);
        return cs;
    }

    private static ContainerState running(Instant since) {
        ContainerState st = new ContainerState();
        st.setRunning(new ContainerStateRunning(time(since)));
        return st;
    }

    private static ContainerState terminated(int code, Instant started, Instant finished, String containerId) {
        ContainerState st = new ContainerState();
        ContainerStateTerminated t = new ContainerStateTerminated();
        t.setExitCode(code);
        t.setReason(code == 0 ? "Completed" : "Error");
        t.setStartedAt(time(started));
        t.setFinishedAt(time(finished));
        t.setContainerID(containerId);
        st.setTerminated(t);
        return st;
    }

    private static PodCondition condition(String type, boolean status, Instant transition, String reason,
                                          String message) {
        PodCondition c = new PodCondition();
        c.setType(type);
        c.setStatus(status ? "True" : "False");
        c.setLastTransitionTime(time(transition));
        c.setReason(reason);
        c.setMessage(message);
        return c;
    }

    static String time(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    static String containerId(String uid, String name, int restart) {
        return "kube4j-sim://" + sha256(uid + "/" + name + "/" + restart);
    }

    private static String imageId(String image) {
        return "sha256:" + sha256(image == null ? "" : image);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
