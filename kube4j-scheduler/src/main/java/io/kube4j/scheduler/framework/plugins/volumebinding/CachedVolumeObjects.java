package io.kube4j.scheduler.framework.plugins.volumebinding;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/**
 * {@link VolumeObjects} read from the scheduler's informers (upstream's listers); writes go to the API server.
 * {@link #requeueOnChange} moves waiting pods back to the active queue when a claim, volume or class changes, as
 * upstream's PvcAdd/PvcUpdate/PvAdd/PvUpdate/StorageClassAdd events do. Thread-safe.
 */
public final class CachedVolumeObjects implements VolumeObjects {
    private final ClientVolumeObjects writer;
    private final SharedIndexInformer<PersistentVolumeClaim> claims;
    private final SharedIndexInformer<PersistentVolume> volumes;
    private final SharedIndexInformer<StorageClass> classes;

    public CachedVolumeObjects(KubernetesClient client, SharedIndexInformer<PersistentVolumeClaim> claims,
                               SharedIndexInformer<PersistentVolume> volumes, SharedIndexInformer<StorageClass> classes) {
        this.writer = new ClientVolumeObjects(client);
        this.claims = claims;
        this.volumes = volumes;
        this.classes = classes;
    }

    @Override
    public PersistentVolumeClaim claim(String namespace, String name) {
        return claims.getStore().getByKey(namespace + "/" + name);
    }

    @Override
    public PersistentVolume volume(String name) {
        return volumes.getStore().getByKey(name);
    }

    @Override
    public StorageClass storageClass(String name) {
        return classes.getStore().getByKey(name);
    }

    @Override
    public java.util.List<PersistentVolume> volumes() {
        return volumes.getStore().list();
    }

    @Override
    public void bindVolume(PersistentVolume volume, PersistentVolumeClaim claim) {
        writer.bindVolume(volume, claim);
    }

    @Override
    public void selectNode(String namespace, String name, String node) {
        writer.selectNode(namespace, name, node);
    }

    /** Calls {@code move} with upstream's event name whenever a claim or volume is added or changed, or a class added. */
    public void requeueOnChange(java.util.function.Consumer<String> move) {
        claims.addEventHandler(handler(move, "PvcAdd", "PvcUpdate"));
        volumes.addEventHandler(handler(move, "PvAdd", "PvUpdate"));
        classes.addEventHandler(handler(move, "StorageClassAdd", "StorageClassUpdate"));
    }

    private static <T> ResourceEventHandler<T> handler(java.util.function.Consumer<String> move, String add,
                                                       String update) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                move.accept(add);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                move.accept(update);
            }

            @Override
            public void onDelete(T obj, boolean unknown) {
            }
        };
    }
}
