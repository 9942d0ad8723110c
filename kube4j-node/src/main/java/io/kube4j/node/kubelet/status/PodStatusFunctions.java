package io.kube4j.node.kubelet.status;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateRunning;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.HostIP;
import io.kube4j.node.kubelet.pod.PodActions;
import io.kube4j.node.kubelet.runtime.RuntimeContainer;
import io.kube4j.node.kubelet.runtime.RuntimePodStatus;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pod's API status as plain functions of its spec, what the runtime reports and what the probes say: phase,
 * conditions, IPs and one status per container. Called by the pod workers after each sync; no state of its own.
 */
public final class PodStatusFunctions {
    public static final String CONTAINERD_PREFIX = "containerd://";

    private PodStatusFunctions() {
    }

    /** What the kubelet knows about one pod, besides the runtime: probe results and waiting reasons. */
    public record Inputs(Pod pod, RuntimePodStatus runtime, String hostIp, boolean hostNetwork,
                         Map<String, PodActions.Waiting> waiting, Readiness readiness, Instant now) {
    }

    /** The probes' view: is a running container instance ready / started. */
    public interface Readiness {
        boolean ready(Container container, RuntimeContainer instance);

        boolean started(Container container, RuntimeContainer instance);
    }

    public static PodStatus generate(Inputs in) {
        Pod pod = in.pod();
        PodStatus old = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
        PodStatus s = new PodStatus();
        s.setQosClass(old.getQosClass());
        s.setNominatedNodeName(old.getNominatedNodeName());
        s.setStartTime(old.getStartTime() != null ? old.getStartTime() : time(in.now()));
        s.setHostIP(in.hostIp());
        s.setHostIPs(in.hostIp() == null ? null : List.of(new HostIP(in.hostIp())));
        String ip = in.hostNetwork() ? in.hostIp() : in.runtime().podIp();
        if (ip == null || ip.isEmpty()) {
            ip = old.getPodIP();
        }
        s.setPodIP(ip);
        s.setPodIPs(ip == null ? List.of() : List.of(new PodIP(ip)));

        List<Container> inits = pod.getSpec().getInitContainers() == null ? List.of() : pod.getSpec().getInitContainers();
        List<ContainerStatus> initStatuses = new ArrayList<>();
        for (Container c : inits) {
            initStatuses.add(containerStatus(in, c, true, old.getInitContainerStatuses()));
        }
        List<ContainerStatus> appStatuses = new ArrayList<>();
        for (Container c : pod.getSpec().getContainers()) {
            appStatuses.add(containerStatus(in, c, false, old.getContainerStatuses()));
        }
        s.setInitContainerStatuses(initStatuses.isEmpty() ? null : initStatuses);
        s.setContainerStatuses(appStatuses);
        s.setPhase(phase(pod, initStatuses, appStatuses, old.getPhase()));
        s.setConditions(conditions(in, old, initStatuses, appStatuses, s.getPhase()));
        return s;
    }

    /** Upstream's getPhase: Pending until init containers finish, then from the app containers' states. */
    static String phase(Pod pod, List<ContainerStatus> inits, List<ContainerStatus> apps, String oldPhase) {
        if ("Failed".equals(oldPhase) || "Succeeded".equals(oldPhase)) {
            return oldPhase;
        }
        String policy = PodActions.restartPolicy(pod);
        boolean initsDone = true;
        for (ContainerStatus st : inits) {
            ContainerStateTerminated t = st.getState().getTerminated();
            if (t != null && t.getExitCode() == 0) {
                continue;
            }
            initsDone = false;
            boolean failed = (t != null && t.getExitCode() != 0) || (st.getLastState() != null
                    && st.getLastState().getTerminated() != null && st.getLastState().getTerminated().getExitCode() != 0
                    && st.getState().getWaiting() != null);
            if (failed && policy.equals("Never")) {
                return "Failed";
            }
        }
        if (!initsDone) {
            return "Pending";
        }
        int running = 0, waiting = 0, stopped = 0, succeeded = 0;
        for (ContainerStatus st : apps) {
            ContainerState state = st.getState();
            if (state.getRunning() != null) {
                running++;
            } else if (state.getTerminated() != null) {
                stopped++;
                if (state.getTerminated().getExitCode() == 0) {
                    succeeded++;
                }
            } else if (state.getWaiting() != null) {
                if (st.getLastState() != null && st.getLastState().getTerminated() != null) {
                    stopped++;
                } else {
                    waiting++;
                }
            }
        }
        if (waiting > 0) {
            return "Pending";
        }
        if (running > 0) {
            return "Running";
        }
        if (stopped > 0) {
            if (policy.equals("Always")) {
                return "Running";
            }
            if (stopped == succeeded) {
                return "Succeeded";
            }
            if (policy.equals("Never")) {
                return "Failed";
            }
            return "Running";
        }
        return "Pending";
    }

    private static ContainerStatus containerStatus(Inputs in, Container c, boolean init, List<ContainerStatus> oldList) {
        ContainerStatus st = new ContainerStatus();
        st.setName(c.getName());
        st.setImage(c.getImage());
        st.setImageID("");
        st.setRestartCount(0);
        st.setReady(false);
        st.setStarted(init ? null : false);
        var latest = in.runtime().latest(c.getName());
        PodActions.Waiting waiting = in.waiting().get(c.getName());
        if (latest.isPresent()) {
            RuntimeContainer rc = latest.get();
            st.setContainerID(CONTAINERD_PREFIX + rc.id());
            st.setImageID(rc.imageRef() == null ? "" : rc.imageRef());
            if (rc.image() != null && !rc.image().isEmpty()) {
                st.setImage(rc.image());
            }
            st.setRestartCount(rc.restartCount());
            switch (rc.state()) {
                case RUNNING -> {
                    st.setState(new ContainerState(new ContainerStateRunning(time(rc.startedAt())), null, null));
                    boolean started = in.readiness().started(c, rc);
                    st.setStarted(init ? null : started);
                    st.setReady(!init && started && in.readiness().ready(c, rc));
                }
                case EXITED -> {
                    ContainerStateTerminated t = terminated(rc);
                    if (waiting != null) {
                        st.setState(new ContainerState(null, null, new ContainerStateWaiting(waiting.message(),
                                waiting.reason())));
                        st.setLastState(new ContainerState(null, t, null));
                    } else {
                        st.setState(new ContainerState(null, t, null));
                        st.setReady(init && t.getExitCode() == 0);
                    }
                }
                default -> st.setState(new ContainerState(null, null, new ContainerStateWaiting(null,
                        waiting != null ? waiting.reason() : "ContainerCreating")));
            }
            if (st.getLastState() == null) {
                var prev = in.runtime().previous(c.getName());
                st.setLastState(prev.map(p -> new ContainerState(null, terminated(p), null))
                        .orElse(new ContainerState()));
            }
        } else {
            // upstream's default: PodInitializing in a pod with init containers (for all its containers)
            boolean hasInits = in.pod().getSpec().getInitContainers() != null
                    && !in.pod().getSpec().getInitContainers().isEmpty();
            String reason = waiting != null ? waiting.reason() : hasInits ? "PodInitializing" : "ContainerCreating";
            String message = waiting != null ? waiting.message() : null;
            st.setState(new ContainerState(null, null, new ContainerStateWaiting(message, reason)));
            st.setLastState(new ContainerState());
            // A container that never ran keeps what earlier syncs knew (e.g. the image pull error).
            if (oldList != null) {
                oldList.stream().filter(o -> o.getName().equals(c.getName())).findFirst().ifPresent(o -> {
                    if (o.getLastState() != null && o.getLastState().getTerminated() != null) {
                        st.setLastState(o.getLastState());
                    }
                });
            }
        }
        if (init && !in.pod().getSpec().getContainers().isEmpty()) {
            st.setStarted(null);
        }
        return st;
    }

    private static ContainerStateTerminated terminated(RuntimeContainer rc) {
        ContainerStateTerminated t = new ContainerStateTerminated();
        t.setContainerID(CONTAINERD_PREFIX + rc.id());
        t.setExitCode(rc.exitCode());
        t.setReason(rc.reason() == null || rc.reason().isEmpty() ? (rc.exitCode() == 0 ? "Completed" : "Error")
                : rc.reason());
        t.setMessage(rc.message() == null || rc.message().isEmpty() ? null : rc.message());
        t.setStartedAt(time(rc.startedAt()));
        t.setFinishedAt(time(rc.finishedAt()));
        return t;
    }

    private static List<PodCondition> conditions(Inputs in, PodStatus old, List<ContainerStatus> inits,
                                                 List<ContainerStatus> apps, String phase) {
        List<PodCondition> out = new ArrayList<>();
        boolean sandboxReady = in.runtime().latestSandbox().map(sb -> sb.ready()).orElse(false) || in.hostNetwork();
        boolean terminal = "Succeeded".equals(phase) || "Failed".equals(phase);
        out.add(condition(in, old, "PodReadyToStartContainers", sandboxReady && !terminal, null, null));

        List<String> incomplete = inits.stream().filter(st -> st.getState().getTerminated() == null
                || st.getState().getTerminated().getExitCode() != 0).map(ContainerStatus::getName).toList();
        boolean initialized = incomplete.isEmpty() || "Succeeded".equals(phase);
        out.add(condition(in, old, "Initialized", initialized, initialized ? null : "ContainersNotInitialized",
                initialized ? null : "containers with incomplete status: " + goList(incomplete)));

        List<String> unready = apps.stream().filter(st -> !Boolean.TRUE.equals(st.getReady()))
                .map(ContainerStatus::getName).toList();
        boolean ready = unready.isEmpty() && !terminal;
        String reason = ready ? null : terminal ? "PodCompleted" : "ContainersNotReady";
        String message = ready || terminal ? null : "containers with unready status: " + goList(unready);
        out.add(condition(in, old, "Ready", ready, reason, message));
        out.add(condition(in, old, "ContainersReady", ready, reason, message));
        out.add(condition(in, old, "PodScheduled", true, null, null));
        return out;
    }

    private static PodCondition condition(Inputs in, PodStatus old, String type, boolean value, String reason,
                                          String message) {
        String status = value ? "True" : "False";
        PodCondition prev = old.getConditions() == null ? null
                : old.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
        String transition = prev != null && status.equals(prev.getStatus()) && prev.getLastTransitionTime() != null
                ? prev.getLastTransitionTime() : time(in.now());
        PodCondition c = new PodCondition();
        c.setType(type);
        c.setStatus(status);
        c.setLastTransitionTime(transition);
        c.setLastProbeTime(null);
        c.setReason(reason);
        c.setMessage(message);
        return c;
    }

    /** Go's fmt rendering of a string slice: [a b]. */
    private static String goList(List<String> names) {
        return "[" + String.join(" ", names) + "]";
    }

    public static String time(Instant t) {
        if (t == null || t.equals(Instant.EPOCH)) {
            return null;
        }
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }
}
