package io.kube4j.node.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.kube4j.node.kubelet.runtime.PodRuntime;
import io.kube4j.node.kubelet.runtime.RuntimeContainer;
import io.kube4j.node.kubelet.runtime.RuntimePodStatus;
import io.kube4j.node.kubelet.runtime.RuntimeSandbox;
import io.kube4j.node.kubelet.server.ContainerLocator;
import io.kube4j.node.kubelet.server.KubeletStatusException;
import io.kube4j.node.kubelet.server.StreamOptions;
import io.kube4j.node.kubelet.server.StreamingRuntime;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the kubelet's HTTPS server asks of the kubelet: where a container's log file is, and the runtime's streaming
 * URLs for exec, attach and port-forward, found from the pods bound to this node and what the runtime reports.
 * Stateless; thread-safe.
 */
final class KubeletStreaming implements ContainerLocator, StreamingRuntime {
    private final Kubelet kubelet;
    private final PodRuntime runtime;

    KubeletStreaming(Kubelet kubelet, PodRuntime runtime) {
        this.kubelet = kubelet;
        this.runtime = runtime;
    }

    private Pod pod(String namespace, String name) {
        Pod pod = kubelet.pod(namespace, name);
        if (pod == null) {
            throw KubeletStatusException.podNotFound(name);
        }
        return pod;
    }

    private RuntimePodStatus status(Pod pod) {
        var md = pod.getMetadata();
        return runtime.podStatus(new PodRuntime.PodRef(md.getUid(), md.getName(), md.getNamespace()));
    }

    private static void requireInSpec(Pod pod, String container) {
        boolean known = Stream.concat(pod.getSpec().getContainers().stream(),
                        pod.getSpec().getInitContainers() == null ? Stream.<Container>empty()
                                : pod.getSpec().getInitContainers().stream())
                .anyMatch(c -> c.getName().equals(container));
        if (!known) {
            throw KubeletStatusException.containerNotFound(container, pod.getMetadata().getName());
        }
    }

    @Override
    public ContainerLog locate(String namespace, String podName, String container, boolean previous) {
        Pod pod = pod(namespace, podName);
        requireInSpec(pod, container);
        RuntimePodStatus rs = status(pod);
        Optional<RuntimeContainer> instance = previous ? rs.previous(container) : rs.latest(container);
        if (instance.isEmpty()) {
            if (previous) {
                throw KubeletStatusException.previousNotFound(container, podName);
            }
            throw new KubeletStatusException(400, noLogYet(container, podName, kubelet.lastStatus(pod)));
        }
        RuntimeContainer c = instance.get();
        String id = c.id();
        return new ContainerLog(Path.of(c.logPath()), () -> status(pod).containers().stream()
                .anyMatch(x -> x.id().equals(id) && x.running()));
    }

    /**
     * Why a container that the runtime has no instance of has no log, in upstream's words: the waiting reason from
     * the pod's status, with image pull failures spelled out.
     */
    static String noLogYet(String container, String podName, PodStatus status) {
        String prefix = "container \"" + container + "\" in pod \"" + podName + "\"";
        Optional<ContainerStatus> cs = status == null ? Optional.empty()
                : Stream.of(status.getContainerStatuses(), status.getInitContainerStatuses(),
                                status.getEphemeralContainerStatuses())
                        .filter(l -> l != null).flatMap(List::stream)
                        .filter(c -> container.equals(c.getName())).findFirst();
        if (cs.isEmpty()) {
            return prefix + " is not available";
        }
        ContainerStateWaiting waiting = cs.get().getState() == null ? null : cs.get().getState().getWaiting();
        if (waiting == null) {
            return prefix + " is waiting to start - no logs yet";
        }
        String reason = waiting.getReason() == null ? "" : waiting.getReason();
        return prefix + " is waiting to start: " + switch (reason) {
            case "ErrImagePull" -> "image can't be pulled";
            case "ImagePullBackOff" -> "trying and failing to pull image";
            default -> reason;
        };
    }

    private RuntimeContainer running(String namespace, String podName, String container) {
        Pod pod = pod(namespace, podName);
        requireInSpec(pod, container);
        // upstream looks among running containers only, and answers 500 with this text when there is none
        return status(pod).latest(container).filter(RuntimeContainer::running)
                .orElseThrow(() -> new KubeletStatusException(500, "container not found (\"" + container + "\")"));
    }

    @Override
    public String execUrl(String namespace, String pod, String container, List<String> command, StreamOptions o) {
        return runtime.execUrl(running(namespace, pod, container).id(), command, o.tty(), o.stdin(), o.stdout(),
                o.stderr());
    }

    @Override
    public String attachUrl(String namespace, String pod, String container, StreamOptions o) {
        return runtime.attachUrl(running(namespace, pod, container).id(), o.tty(), o.stdin(), o.stdout(), o.stderr());
    }

    @Override
    public String portForwardUrl(String namespace, String podName) {
        Pod pod = pod(namespace, podName);
        String sandbox = status(pod).latestSandbox().filter(RuntimeSandbox::ready).map(RuntimeSandbox::id)
                .orElseThrow(() -> new KubeletStatusException(400, "pod " + podName + " is not running"));
        return runtime.portForwardUrl(sandbox);
    }
}
