package io.kube4j.node.kubelet.server;

/**
 * An error the kubelet server answers with an HTTP status and a plain-text message, as upstream's
 * kubelet does ({@code response.WriteError(code, err)}): for example 404
 * {@code pod "p" does not exist}, 404 {@code container "c" not found in pod "p"}, or 400
 * {@code previous terminated container "c" in pod "p" not found}. Thrown by
 * {@link ContainerLocator} and {@link StreamingRuntime} implementations.
 */
public class KubeletStatusException extends RuntimeException {
    private final int code;

    public KubeletStatusException(int code, String message) {
        super(message);
        this.code = code;
    }

    public KubeletStatusException(int code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The HTTP status code. */
    public int code() {
        return code;
    }

    /** 404 with upstream's words for a pod the kubelet does not know. */
    public static KubeletStatusException podNotFound(String pod) {
        return new KubeletStatusException(404, "pod \"" + pod + "\" does not exist");
    }

    /** 404 with upstream's words for a container name the pod's spec does not have. */
    public static KubeletStatusException containerNotFound(String container, String pod) {
        return new KubeletStatusException(404, "container \"" + container + "\" not found in pod \"" + pod + "\"");
    }

    /** 400 with upstream's words for {@code previous=true} when there is no terminated instance. */
    public static KubeletStatusException previousNotFound(String container, String pod) {
        return new KubeletStatusException(400,
                "previous terminated container \"" + container + "\" in pod \"" + pod + "\" not found");
    }
}
