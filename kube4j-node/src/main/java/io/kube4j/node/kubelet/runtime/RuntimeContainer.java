package io.kube4j.node.kubelet.runtime;

import java.time.Instant;

/**
 * One container instance as the runtime knows it. The kubelet labels each instance with its pod and container name and
 * annotates it with the restart count and the spec hash, so that after a restart it can tell which instance is current.
 *
 * @param id           runtime container id (without the {@code containerd://} prefix)
 * @param name         the container's name in the pod spec
 * @param restartCount how many instances of this container ran before this one
 * @param hash         hash of the container spec the instance was created from
 * @param exitCode     exit code; meaningful when {@link #state()} is EXITED
 * @param reason       the runtime's reason for an exit, e.g. Completed, Error, OOMKilled
 */
public record RuntimeContainer(String id, String sandboxId, String name, int restartCount, String hash,
                               ContainerState state, Instant createdAt, Instant startedAt, Instant finishedAt,
                               int exitCode, String reason, String message, String image, String imageRef,
                               String logPath) {
    public boolean running() {
        return state == ContainerState.RUNNING;
    }

    public boolean exited() {
        return state == ContainerState.EXITED;
    }
}
