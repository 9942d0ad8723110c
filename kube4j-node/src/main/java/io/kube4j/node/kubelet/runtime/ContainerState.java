package io.kube4j.node.kubelet.runtime;

/** A container's state as the runtime reports it (CRI's ContainerState). */
public enum ContainerState { CREATED, RUNNING, EXITED, UNKNOWN }
