package io.kube4j.node.kubelet.volume;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Random;

/**
 * The base of the API data volumes (configMap, secret, downwardAPI, projected): compute the files from the API,
 * then write them with an {@link AtomicWriter}. Containers see them read-only, and resyncs rewrite them in place.
 */
abstract class ProjectedFilesPlugin implements VolumePlugin {
    static final int DEFAULT_MODE = 0644;

    protected final Clock clock;
    private final Random random;

    ProjectedFilesPlugin(Clock clock, Random random) {
        this.clock = clock;
        this.random = random;
    }

    /** The files the volume must hold now; throws with the bare reason (e.g. {@code configmap "x" not found}). */
    abstract Map<String, AtomicWriter.FileProjection> payload(Pod pod, Volume v) throws PayloadException;

    /** Prepares the directory before the first write (the secret plugin mounts a tmpfs). */
    void prepare(Path dir) throws IOException {
    }

    @Override
    public Path setUp(Pod pod, Volume v, Path dir) throws VolumeManager.MountException {
        try {
            Map<String, AtomicWriter.FileProjection> files = payload(pod, v);
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
            }
            prepare(dir);
            new AtomicWriter(dir, clock, random).write(files);
        } catch (PayloadException e) {
            throw new VolumeManager.MountException(VolumeManager.failed(v, e.getMessage()));
        } catch (IOException | RuntimeException e) {
            throw new VolumeManager.MountException(VolumeManager.failed(v, String.valueOf(e.getMessage())));
        }
        return dir;
    }

    @Override
    public boolean readOnly(Volume volume) {
        return true;
    }

    @Override
    public boolean updatesInPlace() {
        return true;
    }

    static int modeOr(Integer mode, int fallback) {
        return mode == null ? fallback : mode;
    }

    /** Why a volume's files cannot be made, in upstream's words. */
    static final class PayloadException extends Exception {
        PayloadException(String message) {
            super(message);
        }
    }
}
