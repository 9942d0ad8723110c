package io.kube4j.node.kubelet.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The kubelet's view of the container runtime, pod by pod: what the pod workers call to create sandboxes, start and
 * kill containers, and read back what runs. {@code CriPodRuntime} implements it over CRI. Implementations are
 * thread-safe; calls block (pod workers run on virtual threads).
 */
public interface PodRuntime {
    /** Runtime name and version, e.g. {@code containerd://1.6.20}, for the node's nodeInfo. */
    String versionString();

    /**
     * Every pod that has a sandbox or container in the runtime, each with a fingerprint of its sandboxes' and
     * containers' ids and states: cheap list calls only, for the relist loop (PLEG) to spot changes.
     */
    List<PodSnapshot> relist();

    /** Sandboxes and container instances of one pod, newest first. */
    RuntimePodStatus podStatus(PodRef pod);

    /** Creates and starts a sandbox for the pod; returns its id. {@code attempt} counts earlier sandboxes. */
    String runSandbox(Pod pod, int attempt) throws StartException;

    /** The image's reference (id) when it is present on the node, else null. */
    String imageRef(String image);

    /** The size in bytes the runtime reports for a present image (0 when absent), for the Pulled event. */
    default long imageSize(String image) {
        return 0;
    }

    /**
     * Pulls an image, with the registry login when {@code credentials} is not null; returns its reference. Throws
     * with the runtime's message when the pull fails.
     */
    String pullImage(String image, Pod pod, io.kube4j.node.kubelet.credentials.DockerKeyring.Credentials credentials)
            throws StartException;

    /**
     * Creates and starts one instance of a container, from an image already present.
     *
     * @param env the container's resolved environment, in order
     */
    String startContainer(Pod pod, Container container, String sandboxId, int restartCount,
                          List<Map.Entry<String, String>> env, List<String> command, List<String> args,
                          List<io.kube4j.node.kubelet.volume.VolumeManager.Mount> mounts)
            throws StartException;

    /** Sends SIGTERM, then SIGKILL after the grace period; returns when the container stopped. */
    void stopContainer(String containerId, Duration gracePeriod);

    void stopSandbox(String sandboxId);

    void removeContainer(String containerId);

    void removeSandbox(String sandboxId);

    /** Runs a command in a container and waits for it (probes, hooks). */
    ExecResult execSync(String containerId, List<String> command, Duration timeout);

    /** The runtime's streaming URL for exec, attach and port-forward. */
    String execUrl(String containerId, List<String> command, boolean tty, boolean stdin, boolean stdout,
                   boolean stderr);

    String attachUrl(String containerId, boolean tty, boolean stdin, boolean stdout, boolean stderr);

    String portForwardUrl(String sandboxId);

    /**
     * Bytes each running container of the pod uses in its writable layer, by container name, as the runtime reports
     * them (CRI ContainerStats); containers the runtime has no figure for are absent. For the eviction manager.
     */
    default Map<String, Long> writableLayerBytes(PodRef pod) {
        return Map.of();
    }

    /** Images present on the node, with their names and size, for the node status. */
    List<ImageInfo> listImages();

    /** A pod's identity in the runtime: the labels the kubelet put on its sandbox. */
    record PodRef(String uid, String name, String namespace) {
    }

    /** One pod in a relist, see {@link #relist()}. */
    record PodSnapshot(PodRef ref, String fingerprint) {
    }

    /** A command's outcome. {@code exitCode} is -1 when it could not run or timed out. */
    record ExecResult(int exitCode, String output, boolean timedOut) {
    }

    record ImageInfo(List<String> names, long sizeBytes) {
    }

    /** A start that failed for a reason that belongs in the container's waiting state, e.g. ErrImagePull. */
    final class StartException extends Exception {
        private final String reason;

        public StartException(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }
}
