package io.kube4j.controllers.localpath;

import java.util.function.Function;
import io.kube4j.controllers.ControllerContext;
import io.kube4j.controllers.ControllerClusterTest;
import io.kube4j.controllers.Controller;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.kube4j.controllers.persistentvolume.PersistentVolumeController;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The provisioner and the binder together against an in-process API server; the test plays the kubelet. */
class LocalPathProvisionerTest extends ControllerClusterTest {
    @Override
    protected List<Function<ControllerContext, Controller>> controllers() {
        return List.of(PersistentVolumeController::new,
                ctx -> new LocalPathProvisioner(ctx, "/data/storage"));
    }

    private PersistentVolumeClaim claim() {
        return client.persistentVolumeClaims().inNamespace("default").withName("data").get();
    }

    @Test
    void createsTheDefaultClassProvisionsOnTheSelectedNodeAndDeletesWithAHelperPod() {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                client.storage().v1().storageClasses().withName("local-path").get() != null);
        StorageClass sc = client.storage().v1().storageClasses().withName("local-path").get();
        assertThat(sc.getProvisioner()).isEqualTo("kube4j.io/local-path");
        assertThat(sc.getVolumeBindingMode()).isEqualTo("WaitForFirstConsumer");
        assertThat(sc.getReclaimPolicy()).isEqualTo("Delete");
        assertThat(sc.getMetadata().getAnnotations()).containsEntry("storageclass.kubernetes.io/is-default-class",
                "true");

        // no class named: the DefaultStorageClass admission gives it local-path
        client.persistentVolumeClaims().inNamespace("default").resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName("data").endMetadata().withNewSpec().withAccessModes("ReadWriteOnce")
                .withNewResources().withRequests(Map.of("storage", new Quantity("2Gi"))).endResources().endSpec()
                .build()).create();
        assertThat(claim().getSpec().getStorageClassName()).isEqualTo("local-path");
        String uid = claim().getMetadata().getUid();
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> client.persistentVolumes().list().getItems().isEmpty());

        client.persistentVolumeClaims().inNamespace("default").withName("data").edit(c -> {
            c.getMetadata().getAnnotations().put("volume.kubernetes.io/selected-node", "node-1");
            return c;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> claim().getStatus() != null
                && "Bound".equals(claim().getStatus().getPhase()));
        PersistentVolume v = client.persistentVolumes().withName("pvc-" + uid).get();
        assertThat(claim().getSpec().getVolumeName()).isEqualTo("pvc-" + uid);
        assertThat(v.getSpec().getHostPath().getPath()).isEqualTo("/data/storage/pvc-" + uid + "_default_data");
        assertThat(v.getSpec().getHostPath().getType()).isEqualTo("DirectoryOrCreate");
        assertThat(v.getSpec().getCapacity().get("storage")).isEqualTo(new Quantity("2Gi"));
        assertThat(v.getSpec().getPersistentVolumeReclaimPolicy()).isEqualTo("Delete");
        assertThat(v.getMetadata().getAnnotations()).containsEntry("pv.kubernetes.io/provisioned-by",
                "kube4j.io/local-path");
        assertThat(LocalPathVolumes.node(v)).contains("node-1");
        assertThat(client.v1().events().inNamespace("default").list().getItems()).anyMatch(e ->
                "ProvisioningSucceeded".equals(e.getReason())
                        && ("Successfully provisioned volume pvc-" + uid).equals(e.getMessage()));

        client.persistentVolumeClaims().inNamespace("default").withName("data").delete();
        String helper = "helper-pod-delete-pvc-" + uid;
        await().atMost(Duration.ofSeconds(30)).until(() ->
                client.pods().inNamespace("kube-system").withName(helper).get() != null);
        Pod pod = client.pods().inNamespace("kube-system").withName(helper).get();
        assertThat(pod.getSpec().getNodeName()).isEqualTo("node-1");
        assertThat(pod.getSpec().getContainers().getFirst().getImage()).isEqualTo("kube4j.local/busybox:1.36");
        assertThat(pod.getSpec().getVolumes().getFirst().getHostPath().getPath()).isEqualTo("/data/storage");
        assertThat(client.persistentVolumes().withName("pvc-" + uid).get()).isNotNull();

        pod.getStatus().setPhase("Succeeded");
        client.pods().inNamespace("kube-system").resource(pod).updateStatus();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                client.persistentVolumes().withName("pvc-" + uid).get() == null
                        && client.pods().inNamespace("kube-system").withName(helper).get() == null);
    }
}
