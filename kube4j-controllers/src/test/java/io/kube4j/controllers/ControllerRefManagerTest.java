package io.kube4j.controllers;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import static io.kube4j.controllers.ControllerRefManager.Decision.ADOPT;
import static io.kube4j.controllers.ControllerRefManager.Decision.IGNORE;
import static io.kube4j.controllers.ControllerRefManager.Decision.KEEP;
import static io.kube4j.controllers.ControllerRefManager.Decision.RELEASE;
import static io.kube4j.controllers.ControllerRefManager.decide;
import static org.assertj.core.api.Assertions.assertThat;

class ControllerRefManagerTest {
    static final KubernetesSerialization JSON = new KubernetesSerialization();

    static ObjectMeta pod(String controllerUid, String otherUid) {
        ObjectMetaBuilder b = new ObjectMetaBuilder().withName("p").withUid("pod-uid");
        if (otherUid != null) {
            b.addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("ConfigMap")
                    .withName("cm").withUid(otherUid).build());
        }
        if (controllerUid != null) {
            b.addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet")
                    .withName("rs").withUid(controllerUid).withController(true).build());
        }
        return b.build();
    }

    @Test
    void ownPodsAreKeptWhileTheyMatchAndReleasedOtherwise() {
        assertThat(decide("me", false, pod("me", null), true)).isEqualTo(KEEP);
        assertThat(decide("me", false, pod("me", null), false)).isEqualTo(RELEASE);
        // an owner being deleted keeps what it has and releases nothing
        assertThat(decide("me", true, pod("me", null), false)).isEqualTo(KEEP);
    }

    @Test
    void orphansAreAdoptedOnlyWhenTheyMatchAndNobodyIsGoing() {
        assertThat(decide("me", false, pod(null, null), true)).isEqualTo(ADOPT);
        // a non-controller reference does not make a pod owned
        assertThat(decide("me", false, pod(null, "cm-uid"), true)).isEqualTo(ADOPT);
        assertThat(decide("me", false, pod(null, null), false)).isEqualTo(IGNORE);
        assertThat(decide("me", true, pod(null, null), true)).isEqualTo(IGNORE);
        ObjectMeta terminating = pod(null, null);
        terminating.setDeletionTimestamp("2026-01-01T00:00:00Z");
        assertThat(decide("me", false, terminating, true)).isEqualTo(IGNORE);
    }

    @Test
    void podsOfAnotherControllerAreLeftAlone() {
        assertThat(decide("me", false, pod("other", null), true)).isEqualTo(IGNORE);
        assertThat(decide("me", false, pod("other", null), false)).isEqualTo(IGNORE);
    }

    @Test
    void controllerRefIsTheReferenceMarkedController() {
        assertThat(ControllerRefManager.controllerRef(pod(null, "cm-uid"))).isNull();
        assertThat(ControllerRefManager.controllerRef(pod("me", "cm-uid")).getUid()).isEqualTo("me");
    }

    @Test
    void patchesAreGuardedByThePodUidAndKeepOtherReferences() {
        ControllerRefManager.Owner owner = new ControllerRefManager.Owner("apps/v1", "ReplicaSet",
                new ReplicaSetBuilder().withNewMetadata().withName("rs").withUid("me").endMetadata().build());
        assertThat(ControllerRefManager.adoptPatch(JSON, owner, pod(null, null))).isEqualTo(
                "[{\"op\":\"test\",\"path\":\"/metadata/uid\",\"value\":\"pod-uid\"},"
                        + "{\"op\":\"add\",\"path\":\"/metadata/ownerReferences\",\"value\":[{\"apiVersion\":\"apps/v1\","
                        + "\"kind\":\"ReplicaSet\",\"name\":\"rs\",\"uid\":\"me\",\"controller\":true,"
                        + "\"blockOwnerDeletion\":true}]}]");
        assertThat(ControllerRefManager.adoptPatch(JSON, owner, pod(null, "cm-uid")))
                .contains("{\"op\":\"add\",\"path\":\"/metadata/ownerReferences/-\",\"value\":{");
        assertThat(ControllerRefManager.releasePatch(JSON, "me", pod("me", null))).isEqualTo(
                "[{\"op\":\"test\",\"path\":\"/metadata/uid\",\"value\":\"pod-uid\"},"
                        + "{\"op\":\"remove\",\"path\":\"/metadata/ownerReferences\"}]");
        assertThat(ControllerRefManager.releasePatch(JSON, "me", pod("me", "cm-uid"))).isEqualTo(
                "[{\"op\":\"test\",\"path\":\"/metadata/uid\",\"value\":\"pod-uid\"},"
                        + "{\"op\":\"replace\",\"path\":\"/metadata/ownerReferences\",\"value\":[{\"apiVersion\":\"v1\","
                        + "\"kind\":\"ConfigMap\",\"name\":\"cm\",\"uid\":\"cm-uid\"}]}]");
    }
}
