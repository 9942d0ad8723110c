package io.kube4j.scheduler.framework.plugins.volumebinding;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.storage.StorageClass;

/**
 * What {@link VolumeBinding} reads and writes: claims, volumes and classes, and the claim's selected node. Called
 * from the scheduling thread (reads) and binding threads (writes); implementations are thread-safe. Getters return
 * null when the object does not exist.
 */
public interface VolumeObjects {
    PersistentVolumeClaim claim(String namespace, String name);

    PersistentVolume volume(String name);

    StorageClass storageClass(String name);

    /** Every PersistentVolume. */
    java.util.List<PersistentVolume> volumes();

    /** Pre-binds the volume to the claim (its claimRef), for the binder to finish; fails on a stale volume. */
    void bindVolume(PersistentVolume volume, PersistentVolumeClaim claim);

    /** Sets {@code volume.kubernetes.io/selected-node} on the claim. */
    void selectNode(String namespace, String name, String node);
}
