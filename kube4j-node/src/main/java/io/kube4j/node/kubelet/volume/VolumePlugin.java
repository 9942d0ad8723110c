package io.kube4j.node.kubelet.volume;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;

import java.nio.file.Path;

/**
 * One kind of pod volume (upstream's volume plugin, cut to what this kubelet needs). Called by {@link VolumeManager}
 * from the pod's worker only, so calls for one pod never overlap; a plugin holding state across pods must make it
 * thread-safe.
 */
public interface VolumePlugin {
    /** The plugin's directory under {@code PODS/<uid>/volumes/}, e.g. {@code kubernetes.io~configmap}. */
    String dirName();

    /** Whether this plugin handles the volume. */
    boolean supports(Volume volume);

    /**
     * Sets the volume up (idempotent: called again on every container start and, for plugins that
     * {@link #updatesInPlace()}, on resyncs) and returns the host path to bind into containers.
     *
     * @param dir the volume's own directory {@code PODS/<uid>/volumes/<dirName>/<name>} (may not exist yet)
     */
    Path setUp(Pod pod, Volume volume, Path dir) throws VolumeManager.MountException;

    /** Whether containers always see this volume read-only (API data volumes, a read-only claim). */
    default boolean readOnly(Volume volume) {
        return false;
    }

    /** Whether the kubelet rewrites the volume on resyncs, so running containers see new data. */
    default boolean updatesInPlace() {
        return false;
    }

    /** Drops what the plugin remembers about a pod whose volumes are gone (files and mounts are the manager's). */
    default void forget(String podUid) {
    }
}
