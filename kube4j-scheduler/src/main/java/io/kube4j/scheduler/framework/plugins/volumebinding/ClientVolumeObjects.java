package io.kube4j.scheduler.framework.plugins.volumebinding;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * {@link VolumeObjects} straight from the API server. Only pods with claims pay for the reads. Thread-safe.
 */
public final class ClientVolumeObjects implements VolumeObjects {
    private final KubernetesClient client;

    public ClientVolumeObjects(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public PersistentVolumeClaim claim(String namespace, String name) {
        return client.persistentVolumeClaims().inNamespace(namespace).withName(name).get();
    }

    @Override
    public PersistentVolume volume(String name) {
        return client.persistentVolumes().withName(name).get();
    }

    @Override
    public StorageClass storageClass(String name) {
        return client.storage().v1().storageClasses().withName(name).get();
    }

    @Override
    public java.util.List<PersistentVolume> volumes() {
        return client.persistentVolumes().list().getItems();
    }

    @Override
    public void bindVolume(PersistentVolume volume, PersistentVolumeClaim claim) {
        PersistentVolume copy = new io.fabric8.kubernetes.api.model.PersistentVolumeBuilder(volume).build();
        copy.getSpec().setClaimRef(new io.fabric8.kubernetes.api.model.ObjectReferenceBuilder()
                .withKind("PersistentVolumeClaim").withApiVersion("v1")
                .withNamespace(claim.getMetadata().getNamespace()).withName(claim.getMetadata().getName())
                .withUid(claim.getMetadata().getUid()).withResourceVersion(claim.getMetadata().getResourceVersion())
                .build());
        if (copy.getMetadata().getAnnotations() == null) {
            copy.getMetadata().setAnnotations(new java.util.HashMap<>());
        }
        copy.getMetadata().getAnnotations().put("pv.kubernetes.io/bound-by-controller", "yes");
        client.persistentVolumes().resource(copy).update();
    }

    @Override
    public void selectNode(String namespace, String name, String node) {
        String patch = "{\"metadata\":{\"annotations\":{\"" + VolumeBinding.ANN_SELECTED_NODE + "\":\"" + node + "\"}}}";
        client.persistentVolumeClaims().inNamespace(namespace).withName(name)
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    }
}
