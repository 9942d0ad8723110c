package io.kube4j.node.kubelet.runtime;

import java.time.Instant;

/** A pod sandbox as the runtime knows it: the pod's network, IPC and UTS namespaces held by the pause container. */
public record RuntimeSandbox(String id, boolean ready, int attempt, Instant createdAt, String ip) {
}
