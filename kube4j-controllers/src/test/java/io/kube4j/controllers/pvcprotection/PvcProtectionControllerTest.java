package io.kube4j.controllers.pvcprotection;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.ControllerContext;
import io.kube4j.controllers.StorageProtectionClusterTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The pvc-protection controller against an in-process API server with the StorageObjectInUseProtection admission. */
class PvcProtectionControllerTest extends StorageProtectionClusterTest {
    @Override
    protected Function<ControllerContext, Controller> controller() {
        return PvcProtectionController::new;
    }

    private void claim(String name) {
        client.persistentVolumeClaims().resource(new PersistentVolumeClaimBuilder().withNewMetadata().withName(name)
                .endMetadata().withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName("")
                .withNewResources().withRequests(Map.of("storage", new Quantity("1Gi"))).endResources().endSpec()
                .build()).create();
    }

    private PersistentVolumeClaim get(String name) {
        return client.persistentVolumeClaims().withName(name).get();
    }

    private void pod(String name, String claim, String node) {
        client.pods().resource(new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                .withNodeName(node).addNewContainer().withName("c").withImage("busybox").endContainer()
                .addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName(claim)
                .endPersistentVolumeClaim().endVolume().endSpec().build()).create();
    }

    @Test
    void aClaimInUseWaitsForItsPodThenGoes() {
        claim("used");
        assertThat(get("used").getMetadata().getFinalizers()).containsExactly(PvcProtectionController.FINALIZER);
        pod("user", "used", "n1");
        client.persistentVolumeClaims().withName("used").delete();
        awaitHeld(() -> get("used"));
        client.pods().withName("user").withGracePeriod(0).delete();
        awaitGone(() -> get("used"));
    }

    @Test
    void finishedAndUnscheduledPodsDoNotHoldAClaim() {
        claim("done");
        pod("finished", "done", "n1");
        Pod p = client.pods().withName("finished").get();
        p.getStatus().setPhase("Succeeded");
        client.pods().resource(p).updateStatus();
        pod("waiting", "done", null);
        client.persistentVolumeClaims().withName("done").delete();
        awaitGone(() -> get("done"));
    }

    @Test
    void aClaimThatLostItsFinalizerGetsItBack() {
        claim("bare");
        client.persistentVolumeClaims().withName("bare").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"finalizers\":null}}");
        await().atMost(Duration.ofSeconds(30)).until(() -> get("bare").getMetadata().getFinalizers()
                .contains(PvcProtectionController.FINALIZER));
    }

    @Test
    void claimNamesCoverClaimAndEphemeralVolumes() {
        Pod pod = new PodBuilder().withNewMetadata().withName("web-0").endMetadata().withNewSpec()
                .addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName("data-web-0")
                .endPersistentVolumeClaim().endVolume()
                .addNewVolume().withName("scratch").withNewEphemeral().endEphemeral().endVolume()
                .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume().endSpec().build();
        assertThat(PvcProtectionController.claimNames(pod)).containsExactly("data-web-0", "web-0-scratch");
    }
}
