package io.kube4j.controllers.pvprotection;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kube4j.apiserver.resources.admission.AdmissionPlugins;
import io.kube4j.controllers.InProcessCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The pv-protection controller against an in-process API server with the StorageObjectInUseProtection admission. */
class PvProtectionControllerTest {
    @TempDir
    Path dir;
    InProcessCluster cluster;
    KubernetesClient client;

    @BeforeEach
    void start() throws Exception {
        cluster = new InProcessCluster(dir, List.of(PvProtectionController::new),
                AdmissionPlugins.without(AdmissionPlugins.SERVICE_ACCOUNT));
        client = cluster.client;
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private PersistentVolume get(String name) {
        return client.persistentVolumes().withName(name).get();
    }

    private void phase(String name, String phase) {
        PersistentVolume v = get(name);
        v.setStatus(new PersistentVolumeStatusBuilder().withPhase(phase).build());
        client.persistentVolumes().resource(v).updateStatus();
    }

    @Test
    void aBoundVolumeWaitsUntilItIsReleased() {
        client.persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName("pv1")
                .endMetadata().withNewSpec().withCapacity(Map.of("storage", new Quantity("1Gi")))
                .withAccessModes("ReadWriteOnce").withNewHostPath().withPath("/tmp/pv1").endHostPath().endSpec()
                .build()).create();
        assertThat(get("pv1").getMetadata().getFinalizers()).containsExactly(PvProtectionController.FINALIZER);
        phase("pv1", "Bound");
        client.persistentVolumes().withName("pv1").delete();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> {
            PersistentVolume v = get("pv1");
            return v != null && v.getMetadata().getDeletionTimestamp() != null;
        });
        phase("pv1", "Released");
        await().atMost(Duration.ofSeconds(30)).until(() -> get("pv1") == null);
    }

    @Test
    void anUnboundVolumeGoesAtOnce() {
        client.persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName("pv2")
                .endMetadata().withNewSpec().withCapacity(Map.of("storage", new Quantity("1Gi")))
                .withAccessModes("ReadWriteOnce").withNewHostPath().withPath("/tmp/pv2").endHostPath().endSpec()
                .build()).create();
        phase("pv2", "Available");
        client.persistentVolumes().withName("pv2").delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> get("pv2") == null);
    }
}
