package io.kube4j.node.kubelet.server;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * Finds a container's CRI log file for {@code GET /containerLogs/...}. Implemented by the kubelet.
 *
 * <p>Called on a virtual thread per request, concurrently: must be thread-safe; may block
 * (CRI calls).
 */
@FunctionalInterface
public interface ContainerLocator {

    /** A log file and whether its container still runs (asked while following). */
    record ContainerLog(Path file, BooleanSupplier running) {
    }

    /**
     * @param previous the log of the previous (terminated) instance of the container
     * @throws KubeletStatusException with upstream's status and message when there is no such log
     *                                (see the factory methods there)
     */
    ContainerLog locate(String namespace, String pod, String container, boolean previous);
}
