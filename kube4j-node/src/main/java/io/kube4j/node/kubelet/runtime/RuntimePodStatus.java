package io.kube4j.node.kubelet.runtime;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Everything the runtime knows about one pod, newest first: its sandboxes and every container instance, live or exited.
 * Built by {@link PodRuntime#podStatus}; immutable.
 */
public record RuntimePodStatus(String uid, String name, String namespace, List<RuntimeSandbox> sandboxes,
                               List<RuntimeContainer> containers) {
    public RuntimePodStatus {
        sandboxes = sandboxes.stream().sorted(Comparator.comparing(RuntimeSandbox::createdAt).reversed()).toList();
        containers = containers.stream()
                .sorted(Comparator.comparing(RuntimeContainer::createdAt).reversed()).toList();
    }

    public static RuntimePodStatus empty(String uid, String name, String namespace) {
        return new RuntimePodStatus(uid, name, namespace, List.of(), List.of());
    }

    public Optional<RuntimeSandbox> latestSandbox() {
        return sandboxes.stream().findFirst();
    }

    /** The newest instance of the named container, if any ran. */
    public Optional<RuntimeContainer> latest(String containerName) {
        return containers.stream().filter(c -> c.name().equals(containerName)).findFirst();
    }

    /** The instance before the newest one: what {@code lastState} and {@code logs --previous} show. */
    public Optional<RuntimeContainer> previous(String containerName) {
        return containers.stream().filter(c -> c.name().equals(containerName)).skip(1).findFirst();
    }

    public List<RuntimeContainer> running() {
        return containers.stream().filter(RuntimeContainer::running).toList();
    }

    public String podIp() {
        return latestSandbox().map(RuntimeSandbox::ip).orElse(null);
    }
}
