package io.kube4j.controllers.statefulset;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kube4j.controllers.InProcessCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The StatefulSet controller against an in-process API server; the test plays the kubelet. */
class StatefulSetControllerTest {
    @TempDir
    static Path dir;
    static InProcessCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = new InProcessCluster(dir, List.of(StatefulSetController::new));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static StatefulSet create(String name, int replicas, boolean claims) {
        return create(name, replicas, claims, b -> { });
    }

    static StatefulSet create(String name, int replicas, boolean claims,
                              java.util.function.Consumer<StatefulSetBuilder> more) {
        StatefulSetBuilder b = new StatefulSetBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                .withReplicas(replicas).withServiceName(name).withNewSelector().addToMatchLabels("app", name)
                .endSelector().withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                // bound to a node, so deletions are graceful and the test's kubelet finishes them
                .withNewSpec().withNodeName("n1").addNewContainer().withName("c").withImage("kubia:1").endContainer().endSpec()
                .endTemplate().endSpec();
        if (claims) {
            b.editSpec().addNewVolumeClaimTemplate().withNewMetadata().withName("data").endMetadata().withNewSpec()
                    .withAccessModes("ReadWriteOnce").withNewResources().addToRequests("storage", new Quantity("1Gi"))
                    .endResources().endSpec().endVolumeClaimTemplate().endSpec();
        }
        more.accept(b);
        return cluster.client.apps().statefulSets().resource(b.build()).create();
    }

    /** A merge patch: it carries no resourceVersion, so the controller's status writes cannot make it conflict. */
    static void patch(String name, String json) {
        cluster.client.apps().statefulSets().withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), json);
    }

    static StatefulSet get(String name) {
        return cluster.client.apps().statefulSets().withName(name).get();
    }

    static List<Pod> pods(String app) {
        return cluster.client.pods().withLabel("app", app).list().getItems().stream()
                .sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
    }

    static List<String> names(String app) {
        return pods(app).stream().map(p -> p.getMetadata().getName()).toList();
    }

    /** Plays the kubelet: every pending pod runs and is ready; terminating pods go. */
    static void kubelet(String app) {
        for (Pod p : pods(app)) {
            if (p.getMetadata().getDeletionTimestamp() != null) {
                cluster.client.pods().withName(p.getMetadata().getName()).withGracePeriod(0).delete();
            } else if (!"Running".equals(p.getStatus().getPhase())) {
                cluster.client.pods().resource(new PodBuilder(p).editStatus().withPhase("Running").addNewCondition()
                        .withType("Ready").withStatus("True").withLastTransitionTime(cluster.clock.instant().toString())
                        .endCondition().endStatus().build()).updateStatus();
            }
        }
    }

    static void assertStaysFor(String app, List<String> expected) throws InterruptedException {
        Thread.sleep(300);
        assertThat(names(app)).isEqualTo(expected);
    }

    @Test
    void podsComeUpInOrderAndScaleDownFromTheTop() throws Exception {
        create("web", 3, true);
        await().atMost(Duration.ofSeconds(10)).until(() -> names("web").equals(List.of("web-0")));
        assertStaysFor("web", List.of("web-0"));
        Pod p0 = pods("web").get(0);
        assertThat(p0.getSpec().getHostname()).isEqualTo("web-0");
        assertThat(p0.getSpec().getSubdomain()).isEqualTo("web");
        assertThat(p0.getSpec().getVolumes()).anyMatch(v -> v.getPersistentVolumeClaim() != null
                && "data-web-0".equals(v.getPersistentVolumeClaim().getClaimName()));
        assertThat(cluster.client.persistentVolumeClaims().withName("data-web-0").get()).isNotNull();
        kubelet("web");
        await().atMost(Duration.ofSeconds(10)).until(() -> names("web").equals(List.of("web-0", "web-1")));
        kubelet("web");
        await().atMost(Duration.ofSeconds(10)).until(() -> names("web").size() == 3);
        kubelet("web");
        await().atMost(Duration.ofSeconds(10)).until(() -> get("web").getStatus() != null
                && Integer.valueOf(3).equals(get("web").getStatus().getReadyReplicas()));
        StatefulSet s = get("web");
        assertThat(s.getStatus().getReplicas()).isEqualTo(3);
        assertThat(s.getStatus().getCurrentReplicas()).isEqualTo(3);
        assertThat(s.getStatus().getUpdatedReplicas()).isEqualTo(3);
        assertThat(s.getStatus().getCurrentRevision()).isEqualTo(s.getStatus().getUpdateRevision())
                .startsWith("web-");
        assertThat(s.getStatus().getObservedGeneration()).isEqualTo(s.getMetadata().getGeneration());
        assertThat(s.getStatus().getCollisionCount()).isZero();
        assertThat(cluster.client.apps().controllerRevisions().list().getItems())
                .filteredOn(r -> r.getMetadata().getName().startsWith("web-")).singleElement()
                .satisfies(r -> assertThat(r.getRevision()).isEqualTo(1L));

        cluster.client.apps().statefulSets().withName("web").scale(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> pods("web").get(2).getMetadata().getDeletionTimestamp()
                != null);
        // web-1 stays until web-2 is gone
        assertThat(pods("web").get(1).getMetadata().getDeletionTimestamp()).isNull();
        kubelet("web");
        await().atMost(Duration.ofSeconds(10)).until(() -> names("web").size() == 2
                && pods("web").get(1).getMetadata().getDeletionTimestamp() != null);
        kubelet("web");
        await().atMost(Duration.ofSeconds(10)).until(() -> names("web").equals(List.of("web-0")));
        // claims stay (retention Retain)
        assertThat(cluster.client.persistentVolumeClaims().withName("data-web-2").get()).isNotNull();

        // a deleted pod comes back under its name once it is really gone
        cluster.client.pods().withName("web-0").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> pods("web").get(0).getMetadata().getDeletionTimestamp()
                != null);
        assertStaysFor("web", List.of("web-0"));
        kubelet("web");
        await().atMost(Duration.ofSeconds(10)).until(() -> names("web").equals(List.of("web-0"))
                && pods("web").get(0).getMetadata().getDeletionTimestamp() == null);
    }

    @Test
    void rollingUpdateWithPartitionAndRollback() throws Exception {
        create("roll", 3, false);
        for (int i = 1; i <= 3; i++) {
            int n = i;
            await().atMost(Duration.ofSeconds(10)).until(() -> names("roll").size() == n);
            kubelet("roll");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Integer.valueOf(3)
                .equals(get("roll").getStatus().getReadyReplicas()));
        String rev1 = get("roll").getStatus().getCurrentRevision();
        patch("roll", "{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"partition\":1}},"
                + "\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"kubia:2\"}]}}}}");
        await().atMost(Duration.ofSeconds(10)).until(() -> pods("roll").get(2).getMetadata().getDeletionTimestamp()
                != null);
        kubelet("roll");
        await().atMost(Duration.ofSeconds(10)).until(() -> names("roll").size() == 3
                && "kubia:2".equals(pods("roll").get(2).getSpec().getContainers().get(0).getImage()));
        kubelet("roll");
        await().atMost(Duration.ofSeconds(10)).until(() -> pods("roll").get(1).getMetadata().getDeletionTimestamp()
                != null);
        kubelet("roll");
        await().atMost(Duration.ofSeconds(10)).until(() -> names("roll").size() == 3
                && "kubia:2".equals(pods("roll").get(1).getSpec().getContainers().get(0).getImage()));
        kubelet("roll");
        await().atMost(Duration.ofSeconds(10)).until(() -> Integer.valueOf(2)
                .equals(get("roll").getStatus().getUpdatedReplicas())
                && Integer.valueOf(3).equals(get("roll").getStatus().getReadyReplicas()));
        Thread.sleep(300);
        // web-0 is below the partition
        assertThat(pods("roll").get(0).getSpec().getContainers().get(0).getImage()).isEqualTo("kubia:1");
        StatefulSet s = get("roll");
        assertThat(s.getStatus().getCurrentRevision()).isEqualTo(rev1);
        assertThat(s.getStatus().getUpdateRevision()).isNotEqualTo(rev1);
        assertThat(s.getStatus().getCurrentReplicas()).isEqualTo(1);
        String rev2 = s.getStatus().getUpdateRevision();

        // partition 0 finishes the rollout, and the update revision becomes current
        patch("roll", "{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"partition\":0}}}}");
        await().atMost(Duration.ofSeconds(10)).until(() -> pods("roll").get(0).getMetadata().getDeletionTimestamp()
                != null);
        kubelet("roll");
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            kubelet("roll");
            return rev2.equals(get("roll").getStatus().getCurrentRevision());
        });

        // going back to the first template reuses its revision with the next number
        patch("roll", "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\","
                + "\"image\":\"kubia:1\"}]}}}}");
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            ControllerRevision r = cluster.client.apps().controllerRevisions().withName(rev1).get();
            return r != null && r.getRevision() == 3L && rev1.equals(get("roll").getStatus().getUpdateRevision());
        });
        assertThat(cluster.client.apps().controllerRevisions().list().getItems())
                .filteredOn(r -> r.getMetadata().getName().startsWith("roll-")).hasSize(2);
    }

    @Test
    void parallelScaleDownHandsClaimsToTheirPodsWhenScaledIsDelete() {
        StatefulSet s = create("ret", 2, true, b -> b.editSpec().withPodManagementPolicy("Parallel")
                .withNewPersistentVolumeClaimRetentionPolicy().withWhenScaled("Delete").withWhenDeleted("Retain")
                .endPersistentVolumeClaimRetentionPolicy().endSpec());
        // Parallel: both pods at once, without waiting for readiness
        await().atMost(Duration.ofSeconds(10)).until(() -> names("ret").equals(List.of("ret-0", "ret-1")));
        assertThat(cluster.client.persistentVolumeClaims().withName("data-ret-1").get().getMetadata().getLabels())
                .containsEntry("app", "ret");
        kubelet("ret");
        cluster.client.apps().statefulSets().withName("ret").scale(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            var owners = cluster.client.persistentVolumeClaims().withName("data-ret-1").get().getMetadata()
                    .getOwnerReferences();
            return owners != null && owners.stream().anyMatch(o -> "Pod".equals(o.getKind())
                    && "ret-1".equals(o.getName()));
        });
        assertThat(cluster.client.persistentVolumeClaims().withName("data-ret-0").get().getMetadata()
                .getOwnerReferences()).isNullOrEmpty();
        assertThat(s.getMetadata().getName()).isEqualTo("ret");
    }

    @Test
    void aFailedPodIsRecreatedUnderItsName() {
        create("fail", 1, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> names("fail").equals(List.of("fail-0")));
        kubelet("fail");
        Pod p = pods("fail").get(0);
        cluster.client.pods().resource(new PodBuilder(p).editStatus().withPhase("Failed").withConditions()
                .endStatus().build()).updateStatus();
        // a terminal pod is deleted at once (grace period 0), and comes back
        await().atMost(Duration.ofSeconds(10)).until(() -> names("fail").equals(List.of("fail-0"))
                && !pods("fail").get(0).getMetadata().getUid().equals(p.getMetadata().getUid()));
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.client.v1().events().list().getItems().stream()
                .anyMatch(e -> "RecreatingFailedPod".equals(e.getReason())
                        && "StatefulSet default/fail is recreating failed Pod fail-0".equals(e.getMessage())));
    }

    @Test
    void adoptsMatchingOrphansByNameAndReleasesRelabelledPods() {
        // an orphan named like ordinal 0 with the set's labels, and one with the labels but not a member's name
        for (String name : List.of("adopt-0", "adopt-x")) {
            cluster.client.pods().resource(new PodBuilder().withNewMetadata().withName(name).addToLabels("app", "adopt")
                    .endMetadata().withNewSpec().withNodeName("n1").addNewContainer().withName("c").withImage("kubia:1")
                    .endContainer().endSpec().build()).create();
        }
        String orphanUid = cluster.client.pods().withName("adopt-0").get().getMetadata().getUid();
        StatefulSet set = create("adopt", 1, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Pod p = cluster.client.pods().withName("adopt-0").get();
            return p.getMetadata().getOwnerReferences() != null && !p.getMetadata().getOwnerReferences().isEmpty();
        });
        Pod adopted = cluster.client.pods().withName("adopt-0").get();
        assertThat(adopted.getMetadata().getUid()).isEqualTo(orphanUid);
        assertThat(adopted.getMetadata().getOwnerReferences()).singleElement().satisfies(r -> {
            assertThat(r.getKind()).isEqualTo("StatefulSet");
            assertThat(r.getUid()).isEqualTo(set.getMetadata().getUid());
            assertThat(r.getController()).isTrue();
        });
        assertThat(cluster.client.pods().withName("adopt-x").get().getMetadata().getOwnerReferences()).isNullOrEmpty();
        // relabelled out: released, and a new adopt-0 cannot be made while the old one holds the name
        cluster.client.pods().withName("adopt-0").edit(p -> new PodBuilder(p).editMetadata()
                .addToLabels("app", "gone").endMetadata().build());
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.client.pods().withName("adopt-0").get()
                .getMetadata().getOwnerReferences() == null || cluster.client.pods().withName("adopt-0").get()
                .getMetadata().getOwnerReferences().isEmpty());
        cluster.client.pods().withName("adopt-0").withGracePeriod(0).delete();
        cluster.client.pods().withName("adopt-x").withGracePeriod(0).delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Pod p = cluster.client.pods().withName("adopt-0").get();
            return p != null && !p.getMetadata().getUid().equals(orphanUid)
                    && "StatefulSet".equals(p.getMetadata().getOwnerReferences().get(0).getKind());
        });
    }

    @Test
    void oldRevisionsGoBeyondTheHistoryLimit() {
        create("hist", 0, false, b -> b.editSpec().withRevisionHistoryLimit(1).endSpec());
        for (String image : List.of("a:1", "a:2", "a:3")) {
            patch("hist", "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"" + image
                            + "\"}]}}}}");
            await().atMost(Duration.ofSeconds(10)).until(() -> get("hist").getStatus() != null
                    && get("hist").getMetadata().getGeneration().equals(get("hist").getStatus().getObservedGeneration()));
        }
        // the update revision (number 4) and one more
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.client.apps().controllerRevisions().list()
                .getItems().stream().filter(r -> r.getMetadata().getName().startsWith("hist-"))
                .map(ControllerRevision::getRevision).sorted().toList().equals(List.of(3L, 4L)));
        assertThat(get("hist").getStatus().getUpdateRevision()).isEqualTo(get("hist").getStatus().getCurrentRevision());
    }
}
