package io.kube4j.controllers.pvprotection;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.ControllerContext;
import io.kube4j.controllers.StorageProtectionClusterTest;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** The pv-protection controller against an in-process API server with the StorageObjectInUseProtection admission. */
class PvProtectionControllerTest extends StorageProtectionClusterTest {
    @Override
    protected Function<ControllerContext, Controller> controller() {
        return PvProtectionController::new;
    }

    private void volume(String name) {
        client.persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName(name)
                .endMetadata().withNewSpec().withCapacity(Map.of("storage", new Quantity("1Gi")))
                .withAccessModes("ReadWriteOnce").withNewHostPath().withPath("/tmp/" + name).endHostPath().endSpec()
                .build()).create();
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
        volume("pv1");
        assertThat(get("pv1").getMetadata().getFinalizers()).containsExactly(PvProtectionController.FINALIZER);
        phase("pv1", "Bound");
        client.persistentVolumes().withName("pv1").delete();
        awaitHeld(() -> get("pv1"));
        phase("pv1", "Released");
        awaitGone(() -> get("pv1"));
    }

    @Test
    void anUnboundVolumeGoesAtOnce() {
        volume("pv2");
        phase("pv2", "Available");
        client.persistentVolumes().withName("pv2").delete();
        awaitGone(() -> get("pv2"));
    }
}
