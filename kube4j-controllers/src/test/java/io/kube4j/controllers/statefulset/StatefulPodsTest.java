package io.kube4j.controllers.statefulset;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StatefulPodsTest {
    static StatefulSet set(String whenDeleted) {
        PersistentVolumeClaim t = new PersistentVolumeClaimBuilder().withNewMetadata().withName("data")
                .addToLabels("tier", "db").endMetadata().withNewSpec().withAccessModes("ReadWriteOnce")
                .withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build();
        StatefulSetBuilder b = new StatefulSetBuilder(StatefulSetPlanTest.set(3, "OrderedReady", "RollingUpdate", 0, 0))
                .editSpec().withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withVolumeClaimTemplates(t).editTemplate().editSpec().addNewVolume().withName("data")
                .withNewEmptyDir().endEmptyDir().endVolume().addNewVolume().withName("tmp").withNewEmptyDir()
                .endEmptyDir().endVolume().endSpec().endTemplate().endSpec();
        if (whenDeleted != null) {
            b.editSpec().withNewPersistentVolumeClaimRetentionPolicy().withWhenDeleted(whenDeleted)
                    .withWhenScaled("Retain").endPersistentVolumeClaimRetentionPolicy().endSpec();
        }
        return b.build();
    }

    @Test
    void ordinalsComeOnlyFromNamesOfTheSet() {
        StatefulSet s = set(null);
        assertThat(StatefulPods.ordinal(s, "web-0")).isZero();
        assertThat(StatefulPods.ordinal(s, "web-12")).isEqualTo(12);
        assertThat(StatefulPods.ordinal(s, "web-01")).isEqualTo(-1);
        assertThat(StatefulPods.ordinal(s, "web-x")).isEqualTo(-1);
        assertThat(StatefulPods.ordinal(s, "webby-1")).isEqualTo(-1);
        assertThat(StatefulPods.ordinal(s, "web-")).isEqualTo(-1);
    }

    @Test
    void aPodHasItsIdentityAndItsClaims() {
        StatefulSet s = set(null);
        Pod p = StatefulPods.newPod(s, s.getSpec().getTemplate(), "web-abc", 2);
        assertThat(p.getMetadata().getName()).isEqualTo("web-2");
        assertThat(p.getMetadata().getLabels()).containsEntry("app", "web")
                .containsEntry("statefulset.kubernetes.io/pod-name", "web-2")
                .containsEntry("apps.kubernetes.io/pod-index", "2")
                .containsEntry("controller-revision-hash", "web-abc");
        assertThat(p.getMetadata().getOwnerReferences().get(0).getKind()).isEqualTo("StatefulSet");
        assertThat(p.getSpec().getHostname()).isEqualTo("web-2");
        assertThat(p.getSpec().getSubdomain()).isEqualTo("nginx");
        // the claim replaces the template's volume of the same name
        assertThat(p.getSpec().getVolumes()).hasSize(2);
        assertThat(p.getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName()).isEqualTo("data-web-2");
        assertThat(p.getSpec().getVolumes().get(1).getName()).isEqualTo("tmp");
        // the template itself is left alone
        assertThat(s.getSpec().getTemplate().getSpec().getHostname()).isNull();

        List<PersistentVolumeClaim> claims = StatefulPods.claims(s, 2);
        assertThat(claims).hasSize(1);
        assertThat(claims.get(0).getMetadata().getName()).isEqualTo("data-web-2");
        assertThat(claims.get(0).getMetadata().getLabels()).containsEntry("tier", "db").containsEntry("app", "web");
        assertThat(claims.get(0).getMetadata().getOwnerReferences()).isNullOrEmpty();
        assertThat(StatefulPods.claims(set("Delete"), 0).get(0).getMetadata().getOwnerReferences())
                .singleElement().satisfies(r -> assertThat(r.getUid()).isEqualTo("u1"));
    }

    @Test
    void statusCountsRevisionsAndCompletesARollingUpdate() {
        StatefulSet s = set(null);
        s.getMetadata().setGeneration(4L);
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        Pod readyOld = new PodBuilder().withNewMetadata().withName("web-0").addToLabels(StatefulPods.REVISION_HASH,
                "r1").endMetadata().withNewStatus().withPhase("Running").addNewCondition().withType("Ready")
                .withStatus("True").withLastTransitionTime("2025-12-31T00:00:00Z").endCondition().endStatus().build();
        Pod pendingNew = new PodBuilder().withNewMetadata().withName("web-1")
                .addToLabels(StatefulPods.REVISION_HASH, "r2").endMetadata().withNewStatus().withPhase("Pending")
                .endStatus().build();
        var st = StatefulSetStatusFunctions.status(s, List.of(readyOld, pendingNew), "r1", "r2", 0, now);
        assertThat(st.getReplicas()).isEqualTo(2);
        assertThat(st.getReadyReplicas()).isEqualTo(1);
        assertThat(st.getAvailableReplicas()).isEqualTo(1);
        assertThat(st.getCurrentReplicas()).isEqualTo(1);
        assertThat(st.getUpdatedReplicas()).isEqualTo(1);
        assertThat(st.getCurrentRevision()).isEqualTo("r1");
        assertThat(st.getObservedGeneration()).isEqualTo(4L);
        Pod readyNew = new PodBuilder(readyOld).editMetadata().withName("web-1")
                .addToLabels(StatefulPods.REVISION_HASH, "r2").endMetadata().build();
        Pod readyNew0 = new PodBuilder(readyNew).editMetadata().withName("web-0").endMetadata().build();
        st = StatefulSetStatusFunctions.status(s, List.of(readyNew0, readyNew), "r1", "r2", 0, now);
        assertThat(st.getCurrentRevision()).isEqualTo("r2");
        assertThat(st.getCurrentReplicas()).isEqualTo(2);
    }
}
