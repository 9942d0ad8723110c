package io.kube4j.controllers.localpath;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LocalPathVolumesTest {
    private static PersistentVolumeClaim claim() {
        return new PersistentVolumeClaimBuilder().withNewMetadata().withName("data").withNamespace("shop")
                .withUid("1234").endMetadata().withNewSpec().withAccessModes("ReadWriteOnce")
                .withNewResources().withRequests(Map.of("storage", new Quantity("5Gi"))).endResources().endSpec()
                .build();
    }

    @Test
    void theVolumeLivesUnderTheDirOnTheSelectedNodeWithTheClassPolicy() {
        PersistentVolume v = LocalPathVolumes.volume(claim(), new StorageClassBuilder().withNewMetadata()
                .withName("keep").endMetadata().withReclaimPolicy("Retain").build(), "node-2", "/srv/storage/");
        assertThat(v.getMetadata().getName()).isEqualTo("pvc-1234");
        assertThat(v.getSpec().getHostPath().getPath()).isEqualTo("/srv/storage/pvc-1234_shop_data");
        assertThat(v.getSpec().getPersistentVolumeReclaimPolicy()).isEqualTo("Retain");
        assertThat(v.getSpec().getStorageClassName()).isEqualTo("keep");
        assertThat(v.getSpec().getCapacity()).containsEntry("storage", new Quantity("5Gi"));
        assertThat(v.getSpec().getClaimRef().getUid()).isEqualTo("1234");
        assertThat(LocalPathVolumes.node(v)).contains("node-2");
    }

    @Test
    void theHelperPodRemovesOnlyTheVolumesDirectoryOnItsNode() {
        PersistentVolume v = LocalPathVolumes.volume(claim(), LocalPathVolumes.storageClass(), "node-2",
                "/srv/storage");
        Pod p = LocalPathVolumes.deleterPod(v, "node-2", "kube-system");
        assertThat(p.getMetadata().getName()).isEqualTo("helper-pod-delete-pvc-1234");
        assertThat(p.getSpec().getNodeName()).isEqualTo("node-2");
        assertThat(p.getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(p.getSpec().getVolumes().getFirst().getHostPath().getPath()).isEqualTo("/srv/storage");
        assertThat(p.getSpec().getContainers().getFirst().getVolumeMounts().getFirst().getMountPath())
                .isEqualTo("/srv/storage");
        assertThat(p.getSpec().getContainers().getFirst().getEnv().getFirst().getValue())
                .isEqualTo("/srv/storage/pvc-1234_shop_data");
    }
}
