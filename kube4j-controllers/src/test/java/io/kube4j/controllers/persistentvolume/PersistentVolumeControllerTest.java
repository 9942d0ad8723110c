package io.kube4j.controllers.persistentvolume;

import java.util.function.Function;
import io.kube4j.controllers.ControllerContext;
import io.kube4j.controllers.ControllerClusterTest;
import io.kube4j.controllers.Controller;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The binder against an in-process API server (fake clock). */
class PersistentVolumeControllerTest extends ControllerClusterTest {
    @Override
    protected List<Function<ControllerContext, Controller>> controllers() {
        return List.of(PersistentVolumeController::new);
    }

    private void pv(String name, String size, String policy, String cls) {
        client.persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName(name)
                .endMetadata().withNewSpec().withCapacity(Map.of("storage", new Quantity(size)))
                .withAccessModes("ReadWriteOnce").withPersistentVolumeReclaimPolicy(policy)
                .withStorageClassName(cls).withNewHostPath().withPath("/tmp/" + name).endHostPath().endSpec()
                .build()).create();
    }

    private void pvc(String name, String size, String cls) {
        client.persistentVolumeClaims().inNamespace("default").resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(name).endMetadata().withNewSpec().withAccessModes("ReadWriteOnce")
                .withStorageClassName(cls).withNewResources().withRequests(Map.of("storage", new Quantity(size)))
                .endResources().endSpec().build()).create();
    }

    private PersistentVolumeClaim claim(String name) {
        return client.persistentVolumeClaims().inNamespace("default").withName(name).get();
    }

    private PersistentVolume volume(String name) {
        return client.persistentVolumes().withName(name).get();
    }

    private static String phase(PersistentVolumeClaim c) {
        return c == null || c.getStatus() == null ? null : c.getStatus().getPhase();
    }

    private static String phase(PersistentVolume v) {
        return v == null || v.getStatus() == null ? null : v.getStatus().getPhase();
    }

    private boolean event(String object, String reason, String message) {
        return client.v1().events().inNamespace("default").list().getItems().stream()
                .anyMatch(e -> object.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason())
                        && message.equals(e.getMessage()));
    }

    @Test
    void bindsTheSmallestFittingVolumeAndReleasesItWhenTheClaimGoes() {
        pv("pv-big", "10Gi", "Retain", "");
        pv("pv-small", "1Gi", "Retain", "");
        await().atMost(Duration.ofSeconds(30)).until(() -> "Available".equals(phase(volume("pv-small"))));
        pvc("data", "1Gi", "");
        await().atMost(Duration.ofSeconds(30)).until(() -> "Bound".equals(phase(claim("data")))
                && "Bound".equals(phase(volume("pv-small"))));
        PersistentVolumeClaim c = claim("data");
        assertThat(c.getSpec().getVolumeName()).isEqualTo("pv-small");
        assertThat(c.getMetadata().getAnnotations()).containsEntry("pv.kubernetes.io/bind-completed", "yes")
                .containsEntry("pv.kubernetes.io/bound-by-controller", "yes");
        assertThat(c.getStatus().getCapacity().get("storage")).isEqualTo(new Quantity("1Gi"));
        assertThat(c.getStatus().getAccessModes()).containsExactly("ReadWriteOnce");
        PersistentVolume v = volume("pv-small");
        assertThat(v.getSpec().getClaimRef().getUid()).isEqualTo(c.getMetadata().getUid());
        assertThat(v.getMetadata().getAnnotations()).containsEntry("pv.kubernetes.io/bound-by-controller", "yes");
        assertThat(phase(volume("pv-big"))).isEqualTo("Available");
        assertThat(v.getStatus().getLastPhaseTransitionTime())
                .isEqualTo(cluster.clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());

        client.persistentVolumeClaims().inNamespace("default").withName("data").delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> "Released".equals(phase(volume("pv-small"))));
        assertThat(volume("pv-small").getSpec().getClaimRef().getName()).isEqualTo("data");
        // a Released volume is not bound again to a new claim of the same name
        pvc("data", "1Gi", "");
        await().atMost(Duration.ofSeconds(30)).until(() -> "pv-big".equals(claim("data").getSpec().getVolumeName()));
    }

    @Test
    void aClaimWithoutVolumeOrClassWaitsWithUpstreamsEvent() {
        pvc("lonely", "1Gi", "");
        await().atMost(Duration.ofSeconds(30)).until(() -> event("lonely", "FailedBinding",
                "no persistent volumes available for this claim and no storage class is set"));
        assertThat(phase(claim("lonely"))).isEqualTo("Pending");
        pv("late", "2Gi", "Delete", "");
        await().atMost(Duration.ofSeconds(30)).until(() -> "Bound".equals(phase(claim("lonely"))));
        client.persistentVolumeClaims().inNamespace("default").withName("lonely").delete();
        // Delete without a provisioner: no plugin can delete a hostPath volume
        await().atMost(Duration.ofSeconds(30)).until(() -> "Failed".equals(phase(volume("late"))));
    }

    @Test
    void waitForFirstConsumerClaimsWaitForTheScheduler() {
        client.storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata()
                .withName("local").endMetadata().withProvisioner("kube4j.io/local-path")
                .withVolumeBindingMode("WaitForFirstConsumer").build()).create();
        pv("free", "1Gi", "Retain", "local");
        pvc("wait", "1Gi", "local");
        await().atMost(Duration.ofSeconds(30)).until(() -> event("wait", "WaitForFirstConsumer",
                "waiting for first consumer to be created before binding"));
        assertThat(claim("wait").getSpec().getVolumeName()).isNull();
        assertThat(phase(claim("wait"))).isEqualTo("Pending");
        client.persistentVolumeClaims().inNamespace("default").withName("wait").edit(c -> {
            c.getMetadata().setAnnotations(Map.of("volume.kubernetes.io/selected-node", "node-1"));
            return c;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> "kube4j.io/local-path".equals(claim("wait")
                .getMetadata().getAnnotations().get("volume.kubernetes.io/storage-provisioner")));
    }

    @Test
    void aClaimNamingAVolumeBindsToIt() {
        pv("exact", "5Gi", "Retain", "");
        pv("smaller", "1Gi", "Retain", "");
        client.persistentVolumeClaims().inNamespace("default").resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName("named").endMetadata().withNewSpec().withAccessModes("ReadWriteOnce")
                .withStorageClassName("").withVolumeName("exact").withNewResources()
                .withRequests(Map.of("storage", new Quantity("1Gi"))).endResources().endSpec().build()).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> "Bound".equals(phase(claim("named")))
                && "Bound".equals(phase(volume("exact"))));
        assertThat(claim("named").getMetadata().getAnnotations()).doesNotContainKey(
                "pv.kubernetes.io/bound-by-controller");
        assertThat(volume("exact").getSpec().getClaimRef().getName()).isEqualTo("named");
    }
}
