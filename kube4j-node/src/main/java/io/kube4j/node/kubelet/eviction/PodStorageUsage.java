package io.kube4j.node.kubelet.eviction;

import java.util.Map;

/**
 * What a pod uses of the node's local ephemeral storage, as measured on one housekeeping pass (upstream's pod stats).
 *
 * @param emptyDirs  bytes used by each on-disk emptyDir volume, by volume name; a volume not measured is absent
 * @param containers bytes used by each running container (writable layer + logs), by container name; a container
 *                   whose usage is unknown is absent
 * @param other      other bytes the pod uses on the node's disk (its /etc/hosts and similar files)
 */
public record PodStorageUsage(Map<String, Long> emptyDirs, Map<String, Long> containers, long other) {
    public PodStorageUsage {
        emptyDirs = Map.copyOf(emptyDirs);
        containers = Map.copyOf(containers);
    }

    /** The pod's total: its emptyDirs, containers and other files, what upstream compares with the pod's limit. */
    public long total() {
        return emptyDirs.values().stream().mapToLong(Long::longValue).sum()
                + containers.values().stream().mapToLong(Long::longValue).sum() + other;
    }
}
