package io.kube4j.controllers.daemonset;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.kube4j.controllers.InProcessCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The DaemonSet controller against an in-process API server with several Node objects and no kubelet. */
class DaemonSetControllerTest {
    @TempDir
    static Path dir;
    static InProcessCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = new InProcessCluster(dir, List.of(DaemonSetController::new));
        node("n1", Map.of("disk", "ssd"));
        node("n2", Map.of("disk", "ssd"));
        node("n3", Map.of("disk", "hdd"));
        node("tainted", Map.of("disk", "ssd"), new Taint("NoSchedule", "dedicated", null, "db"));
        node("not-ready", Map.of("disk", "ssd"), new Taint("NoExecute", "node.kubernetes.io/not-ready", null, null));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static void node(String name, Map<String, String> labels, Taint... taints) {
        cluster.client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).withLabels(labels)
                .endMetadata().withNewSpec().withTaints(taints).endSpec().build()).create();
    }

    static DaemonSet ds(String name) {
        return cluster.client.apps().daemonSets().withName(name).get();
    }

    static List<Pod> pods(String app) {
        return cluster.client.pods().withLabel("app", app).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    /** Plays the kubelet: pods being deleted go at once. */
    static void reap() {
        cluster.client.pods().list().getItems().stream().filter(p -> p.getMetadata().getDeletionTimestamp() != null)
                .forEach(p -> cluster.client.pods().withName(p.getMetadata().getName()).withGracePeriod(0).delete());
    }

    static List<String> nodesOf(String app) {
        return pods(app).stream().map(p -> p.getSpec().getNodeName()).sorted().toList();
    }

    static void label(String node, String key, String value) {
        cluster.client.nodes().withName(node).edit(n -> new NodeBuilder(n).editMetadata()
                .addToLabels(key, value).endMetadata().build());
    }

    static void unlabel(String node, String key) {
        cluster.client.nodes().withName(node).edit(n -> new NodeBuilder(n).editMetadata()
                .removeFromLabels(key).endMetadata().build());
    }

    static DaemonSet create(String name, Map<String, String> nodeSelector) {
        return cluster.client.apps().daemonSets().resource(new DaemonSetBuilder().withNewMetadata().withName(name)
                .endMetadata().withNewSpec().withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata().withNewSpec()
                .withNodeSelector(nodeSelector).addNewContainer().withName("c").withImage("busybox").endContainer()
                .endSpec().endTemplate().endSpec().build()).create();
    }

    @Test
    void runsOnePodPerEligibleNodeAndFollowsLabels() {
        create("ssd", Map.of("disk", "ssd"));
        // n1, n2 and not-ready (daemon pods tolerate it); not n3 (hdd) nor tainted (NoSchedule)
        await().atMost(Duration.ofSeconds(10)).until(() -> nodesOf("ssd").equals(List.of("n1", "n2", "not-ready")));
        Pod p = pods("ssd").get(0);
        assertThat(p.getMetadata().getLabels()).containsKey("controller-revision-hash");
        assertThat(DaemonPlacement.targetNode(new PodBuilder(p).editSpec().withNodeName(null).endSpec().build()))
                .isEqualTo(p.getSpec().getNodeName());
        await().atMost(Duration.ofSeconds(10)).until(() -> ds("ssd").getStatus() != null
                && Integer.valueOf(3).equals(ds("ssd").getStatus().getCurrentNumberScheduled()));
        DaemonSet d = ds("ssd");
        assertThat(d.getStatus().getDesiredNumberScheduled()).isEqualTo(3);
        assertThat(d.getStatus().getNumberReady()).isZero();
        assertThat(d.getStatus().getUpdatedNumberScheduled()).isEqualTo(3);
        assertThat(d.getStatus().getNumberMisscheduled()).isZero();
        assertThat(d.getStatus().getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration());
        assertThat(cluster.client.apps().controllerRevisions().list().getItems())
                .anyMatch(r -> r.getMetadata().getName().startsWith("ssd-") && r.getRevision() == 1);

        label("n3", "disk", "ssd");
        await().atMost(Duration.ofSeconds(10)).until(() -> nodesOf("ssd").contains("n3"));
        unlabel("n1", "disk");
        await().atMost(Duration.ofSeconds(10)).until(() -> !nodesOf("ssd").contains("n1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> Integer.valueOf(3)
                .equals(ds("ssd").getStatus().getDesiredNumberScheduled()));
        label("n1", "disk", "ssd");
        label("n3", "disk", "hdd");
    }

    @Test
    void rollingUpdateReplacesOutdatedPods() {
        create("roll", Map.of("disk", "hdd"));
        await().atMost(Duration.ofSeconds(10)).until(() -> pods("roll").size() == 1);
        String before = pods("roll").get(0).getMetadata().getLabels().get("controller-revision-hash");
        cluster.client.apps().daemonSets().withName("roll").edit(d -> new DaemonSetBuilder(d).editSpec().editTemplate()
                .editSpec().editFirstContainer().withImage("busybox:2").endContainer().endSpec().endTemplate().endSpec()
                .build());
        // the unready old pod is unavailable, so it is replaced at once
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            reap();
            return pods("roll").size() == 1 && !before.equals(pods("roll").get(0).getMetadata().getLabels().get("controller-revision-hash"));
        });
        assertThat(pods("roll").get(0).getSpec().getContainers().get(0).getImage()).isEqualTo("busybox:2");
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.client.apps().controllerRevisions().list().getItems()
                .stream().filter(r -> r.getMetadata().getName().startsWith("roll-")).count() == 2);
    }
}
