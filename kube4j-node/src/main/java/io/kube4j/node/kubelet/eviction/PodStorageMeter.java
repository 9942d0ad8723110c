package io.kube4j.node.kubelet.eviction;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.kube4j.node.kubelet.runtime.PodRuntime;
import io.kube4j.node.kubelet.volume.VolumeManager;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Measures a pod's local ephemeral storage: its on-disk emptyDir volumes (a walk of each directory, see
 * {@link DiskUsage}), and each container's writable layer (as the runtime reports it) plus its log files. Memory
 * emptyDirs are tmpfs mounts bounded by their size, so they are not measured. Thread-safe; called by
 * {@link EvictionManager}'s loop.
 */
public final class PodStorageMeter {
    private final VolumeManager volumes;
    private final PodRuntime runtime;
    private final Path podLogsDir;
    private final int maxEntries;

    public PodStorageMeter(VolumeManager volumes, PodRuntime runtime, Path podLogsDir, int maxEntries) {
        this.volumes = volumes;
        this.runtime = runtime;
        this.podLogsDir = podLogsDir;
        this.maxEntries = maxEntries;
    }

    public PodStorageUsage measure(Pod pod) {
        var md = pod.getMetadata();
        Map<String, Long> emptyDirs = new HashMap<>();
        if (pod.getSpec().getVolumes() != null) {
            for (Volume v : pod.getSpec().getVolumes()) {
                if (v.getEmptyDir() != null && !"Memory".equals(v.getEmptyDir().getMedium())) {
                    emptyDirs.put(v.getName(), DiskUsage.of(volumes.emptyDirPath(md.getUid(), v.getName()),
                            maxEntries));
                }
            }
        }
        Map<String, Long> writable = Map.of();
        try {
            writable = runtime.writableLayerBytes(new PodRuntime.PodRef(md.getUid(), md.getName(),
                    md.getNamespace()));
        } catch (RuntimeException e) {
            // the runtime could not say: count logs only this time
        }
        Map<String, Long> containers = new HashMap<>();
        Path logs = podLogsDir.resolve(md.getNamespace() + "_" + md.getName() + "_" + md.getUid());
        for (Container c : pod.getSpec().getContainers()) {
            long used = DiskUsage.of(logs.resolve(c.getName()), maxEntries) + writable.getOrDefault(c.getName(), 0L);
            containers.put(c.getName(), used);
        }
        return new PodStorageUsage(emptyDirs, containers, 0);
    }
}
