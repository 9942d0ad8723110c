package io.kube4j.node.kubelet.server;

import java.util.List;

/**
 * Asks the container runtime for streaming URLs (CRI Exec, Attach and PortForward return them).
 * Implemented by the kubelet, which resolves the pod and container first. The URL is the
 * runtime's streaming server, e.g. {@code http://127.0.0.1:PORT/exec/TOKEN}; the kubelet server
 * connects to it with SPDY/3.1.
 *
 * <p>Called on a virtual thread per request, concurrently: must be thread-safe; may block.
 * Errors: throw {@link KubeletStatusException} with upstream's status and message (404
 * {@code pod does not exist} for an unknown pod, 404 for a CRI NotFound, else 500 with the
 * runtime's message); other exceptions become a 500 with their message.
 */
public interface StreamingRuntime {

    /** CRI Exec. {@code opts} is already normalized (no stderr with a tty). */
    String execUrl(String namespace, String pod, String container, List<String> command, StreamOptions opts);

    /** CRI Attach. */
    String attachUrl(String namespace, String pod, String container, StreamOptions opts);

    /** CRI PortForward; the ports travel in the streams, not in the URL. */
    String portForwardUrl(String namespace, String pod);
}
