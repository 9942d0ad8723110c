package io.kube4j.controllers.replicaset;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kube4j.controllers.InProcessCluster;
import io.kube4j.controllers.garbagecollector.GarbageCollector;
import io.kube4j.controllers.serviceaccount.ServiceAccountsController;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The replica set, replication controller, garbage collector and service account controllers against an in-process
 * API server (no node: pods stay Pending unless a test writes their status).
 */
class ReplicaSetControllerTest {
    @TempDir
    static Path dir;
    static InProcessCluster cluster;
    static KubernetesClient client;
    static volatile GarbageCollector gc;

    @BeforeAll
    static void start() throws Exception {
        cluster = new InProcessCluster(dir, List.of(ReplicaSetController::replicaSets,
                ReplicaSetController::replicationControllers, ctx -> gc = new GarbageCollector(ctx),
                ServiceAccountsController::new));
        client = cluster.client;
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static ReplicationController rc(String name, int replicas) {
        return new ReplicationControllerBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withReplicas(replicas).withSelector(Map.of("app", name))
                .withNewTemplate().withNewMetadata().withLabels(Map.of("app", name)).endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(0L).addNewContainer().withName("kubia")
                .withImage("kube4j.local/kubia:1").endContainer().endSpec().endTemplate().endSpec().build();
    }

    static List<Pod> pods(String ns, String app) {
        return client.pods().inNamespace(ns).withLabel("app", app).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    static void awaitPods(String ns, String app, int n) {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(pods(ns, app)).hasSize(n));
    }

    @Test
    void replicationControllerCreatesOwnedPodsWritesStatusAndEvents() {
        String ns = cluster.namespace("rc-create");
        ReplicationController rc = client.replicationControllers().inNamespace(ns).resource(rc("kubia", 3)).create();
        awaitPods(ns, "kubia", 3);
        for (Pod p : pods(ns, "kubia")) {
            assertThat(p.getMetadata().getName()).startsWith("kubia-");
            OwnerReference ref = p.getMetadata().getOwnerReferences().get(0);
            assertThat(ref.getKind()).isEqualTo("ReplicationController");
            assertThat(ref.getApiVersion()).isEqualTo("v1");
            assertThat(ref.getUid()).isEqualTo(rc.getMetadata().getUid());
            assertThat(ref.getController()).isTrue();
            assertThat(ref.getBlockOwnerDeletion()).isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            ReplicationController cur = client.replicationControllers().inNamespace(ns).withName("kubia").get();
            assertThat(cur.getStatus().getReplicas()).isEqualTo(3);
            assertThat(cur.getStatus().getFullyLabeledReplicas()).isEqualTo(3);
            assertThat(cur.getStatus().getObservedGeneration()).isEqualTo(cur.getMetadata().getGeneration());
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Event> events = client.v1().events().inNamespace(ns).list().getItems();
            assertThat(events).filteredOn(e -> "SuccessfulCreate".equals(e.getReason())).hasSize(3)
                    .allSatisfy(e -> {
                        assertThat(e.getMessage()).matches("Created pod: kubia-[a-z0-9]{5}");
                        assertThat(e.getInvolvedObject().getKind()).isEqualTo("ReplicationController");
                        assertThat(e.getSource().getComponent()).isEqualTo("replication-controller");
                    });
        });
        // never more than asked, even while the informer catches up
        assertThat(client.pods().inNamespace(ns).list().getItems()).hasSize(3);
    }

    @Test
    void deletedPodIsReplacedAndScalingWorksBothWays() {
        String ns = cluster.namespace("rc-scale");
        client.replicationControllers().inNamespace(ns).resource(rc("kubia", 2)).create();
        awaitPods(ns, "kubia", 2);
        String victim = pods(ns, "kubia").get(0).getMetadata().getName();
        client.pods().inNamespace(ns).withName(victim).delete();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(pods(ns, "kubia"))
                .hasSize(2).noneMatch(p -> p.getMetadata().getName().equals(victim)));
        client.replicationControllers().inNamespace(ns).withName("kubia").scale(5);
        awaitPods(ns, "kubia", 5);
        client.replicationControllers().inNamespace(ns).withName("kubia").scale(1);
        awaitPods(ns, "kubia", 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.v1().events().inNamespace(ns)
                .list().getItems()).filteredOn(e -> "SuccessfulDelete".equals(e.getReason())).hasSize(4)
                .allSatisfy(e -> assertThat(e.getMessage()).startsWith("Deleted pod: kubia-")));
    }

    @Test
    void orphanIsAdoptedAndRelabelledPodIsReleasedAndReplaced() {
        String ns = cluster.namespace("rc-adopt");
        client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("manual")
                .withLabels(Map.of("app", "kubia")).endMetadata().withNewSpec().addNewContainer().withName("c")
                .withImage("kube4j.local/kubia:1").endContainer().endSpec().build()).create();
        ReplicationController rc = client.replicationControllers().inNamespace(ns).resource(rc("kubia", 2)).create();
        awaitPods(ns, "kubia", 2);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.pods().inNamespace(ns)
                .withName("manual").get().getMetadata().getOwnerReferences()).singleElement()
                .satisfies(r -> assertThat(r.getUid()).isEqualTo(rc.getMetadata().getUid())));

        client.pods().inNamespace(ns).withName("manual").edit(p -> new PodBuilder(p).editMetadata()
                .addToLabels("app", "foo").endMetadata().build());
        awaitPods(ns, "kubia", 2);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.pods().inNamespace(ns)
                .withName("manual").get().getMetadata().getOwnerReferences()).isNullOrEmpty());
    }

    @Test
    void replicaSetWithMatchExpressionsCountsReadyPods() {
        String ns = cluster.namespace("rs-expr");
        client.apps().replicaSets().inNamespace(ns).resource(new ReplicaSetBuilder().withNewMetadata().withName("kubia")
                .endMetadata().withNewSpec().withReplicas(2).withNewSelector().addNewMatchExpression().withKey("app")
                .withOperator("In").withValues("kubia").endMatchExpression().endSelector()
                .withNewTemplate().withNewMetadata().withLabels(Map.of("app", "kubia")).endMetadata()
                .withNewSpec().addNewContainer().withName("kubia").withImage("kube4j.local/kubia:1").endContainer()
                .endSpec().endTemplate().endSpec().build()).create();
        awaitPods(ns, "kubia", 2);
        Pod p = pods(ns, "kubia").get(0);
        client.pods().inNamespace(ns).withName(p.getMetadata().getName()).subresource("status").patch(
                PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":"
                        + "\"Ready\",\"status\":\"True\",\"lastTransitionTime\":\"" + Instant.now().minusSeconds(5)
                        .toString().replaceAll("\\.\\d+Z", "Z") + "\"}]}}");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            ReplicaSet rs = client.apps().replicaSets().inNamespace(ns).withName("kubia").get();
            assertThat(rs.getStatus().getReplicas()).isEqualTo(2);
            assertThat(rs.getStatus().getReadyReplicas()).isEqualTo(1);
            assertThat(rs.getStatus().getAvailableReplicas()).isEqualTo(1);
        });
        assertThat(p.getMetadata().getOwnerReferences().get(0).getKind()).isEqualTo("ReplicaSet");
        assertThat(p.getMetadata().getOwnerReferences().get(0).getApiVersion()).isEqualTo("apps/v1");
    }

    @Test
    void deletingInBackgroundRemovesThePods() {
        String ns = cluster.namespace("gc-background");
        client.replicationControllers().inNamespace(ns).resource(rc("kubia", 2)).create();
        awaitPods(ns, "kubia", 2);
        client.replicationControllers().inNamespace(ns).withName("kubia")
                .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(client.pods().inNamespace(ns).list().getItems()).isEmpty());
    }

    @Test
    void deletingWithOrphanKeepsThePodsWithoutTheirOwnerReference() {
        String ns = cluster.namespace("gc-orphan");
        client.replicationControllers().inNamespace(ns).resource(rc("kubia", 2)).create();
        awaitPods(ns, "kubia", 2);
        // the garbage collector orphans the dependents its informers have seen, as upstream's does: on a loaded
        // machine a pod created a moment ago may not be in its graph yet, and would then be collected with the
        // owner. Wait until its graph holds both pods, with their owner reference.
        List<String> names = pods(ns, "kubia").stream().map(p -> p.getMetadata().getName()).toList();
        await().atMost(Duration.ofSeconds(15)).until(() -> names.stream().allMatch(n -> {
            var cached = gc.cached("/v1/pods", ns, n);
            return cached != null && !cached.getMetadata().getOwnerReferences().isEmpty();
        }));
        client.replicationControllers().inNamespace(ns).withName("kubia")
                .withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
        await().atMost(Duration.ofSeconds(15)).until(() ->
                client.replicationControllers().inNamespace(ns).withName("kubia").get() == null);
        assertThat(pods(ns, "kubia")).hasSize(2)
                .allSatisfy(p -> assertThat(p.getMetadata().getOwnerReferences()).isNullOrEmpty());
    }

    @Test
    void deletingInForegroundWaitsForThePods() {
        String ns = cluster.namespace("gc-foreground");
        client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("holder")
                .withLabels(Map.of("app", "kubia")).withFinalizers("test/hold").endMetadata().withNewSpec()
                .addNewContainer().withName("c").withImage("kube4j.local/kubia:1").endContainer().endSpec().build())
                .create();
        client.replicationControllers().inNamespace(ns).resource(rc("kubia", 2)).create();
        awaitPods(ns, "kubia", 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.pods().inNamespace(ns).withName("holder").get()
                .getMetadata().getOwnerReferences() != null);
        client.replicationControllers().inNamespace(ns).withName("kubia")
                .withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
        // the adopted pod is held by its own finalizer: the RC waits, marked for deletion
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(client.pods().inNamespace(ns).list()
                .getItems()).singleElement().satisfies(p -> assertThat(p.getMetadata().getName()).isEqualTo("holder")));
        ReplicationController waiting = client.replicationControllers().inNamespace(ns).withName("kubia").get();
        assertThat(waiting.getMetadata().getDeletionTimestamp()).isNotNull();
        assertThat(waiting.getMetadata().getFinalizers()).contains("foregroundDeletion");
        client.pods().inNamespace(ns).withName("holder").edit(p -> new PodBuilder(p).editMetadata()
                .withFinalizers(List.of()).endMetadata().build());
        await().atMost(Duration.ofSeconds(15)).until(() ->
                client.replicationControllers().inNamespace(ns).withName("kubia").get() == null);
    }

    @Test
    void everyNamespaceGetsADefaultServiceAccountBackAfterItIsDeleted() {
        String ns = cluster.namespace("sa-default");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                client.serviceAccounts().inNamespace(ns).withName("default").get() != null);
        String uid = client.serviceAccounts().inNamespace(ns).withName("default").get().getMetadata().getUid();
        client.serviceAccounts().inNamespace(ns).withName("default").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            var sa = client.serviceAccounts().inNamespace(ns).withName("default").get();
            return sa != null && !sa.getMetadata().getUid().equals(uid);
        });
    }
}
