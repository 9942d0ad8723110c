package io.kube4j.controllers.daemonset;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DaemonPlacementTest {
    static final Instant NOW = Instant.parse("2025-01-01T00:10:00Z");

    static Node node(String name, Map<String, String> labels, Taint... taints) {
        return new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewSpec().withTaints(taints).endSpec().build();
    }

    static PodSpec spec() {
        return new PodSpecBuilder().addNewContainer().withName("c").withImage("i").endContainer().build();
    }

    @Test
    void nodeSelectorMustMatchTheLabels() {
        PodSpec s = spec();
        s.setNodeSelector(Map.of("disk", "ssd"));
        assertThat(DaemonPlacement.decide(s, node("a", Map.of("disk", "ssd"))).shouldRun()).isTrue();
        DaemonPlacement.Decision no = DaemonPlacement.decide(s, node("b", Map.of("disk", "hdd")));
        assertThat(no.shouldRun()).isFalse();
        assertThat(no.shouldContinueRunning()).isFalse();
    }

    @Test
    void requiredNodeAffinityTermsAreOredAndExpressionsAnded() {
        PodSpec s = new PodSpecBuilder(spec()).withNewAffinity().withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .addNewNodeSelectorTerm().addNewMatchExpression().withKey("zone").withOperator("In").withValues("a")
                .endMatchExpression().addNewMatchExpression().withKey("gpu").withOperator("DoesNotExist")
                .endMatchExpression().endNodeSelectorTerm()
                .addNewNodeSelectorTerm().addNewMatchField().withKey("metadata.name").withOperator("In")
                .withValues("special").endMatchField().endNodeSelectorTerm()
                .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity().build();
        assertThat(DaemonPlacement.decide(s, node("n1", Map.of("zone", "a"))).shouldRun()).isTrue();
        assertThat(DaemonPlacement.decide(s, node("n2", Map.of("zone", "a", "gpu", "1"))).shouldRun()).isFalse();
        assertThat(DaemonPlacement.decide(s, node("special", Map.of())).shouldRun()).isTrue();
    }

    @Test
    void noScheduleTaintsKeepNewPodsAwayButOnlyNoExecuteEvicts() {
        Taint dedicated = new Taint("NoSchedule", "dedicated", null, "db");
        DaemonPlacement.Decision d = DaemonPlacement.decide(spec(), node("n", Map.of(), dedicated));
        assertThat(d.shouldRun()).isFalse();
        assertThat(d.shouldContinueRunning()).isTrue();
        Taint evict = new Taint("NoExecute", "dedicated", null, "db");
        assertThat(DaemonPlacement.decide(spec(), node("n", Map.of(), evict)).shouldContinueRunning()).isFalse();
        PodSpec tolerant = spec();
        tolerant.setTolerations(List.of(new io.fabric8.kubernetes.api.model.TolerationBuilder().withKey("dedicated")
                .withOperator("Equal").withValue("db").build()));
        assertThat(DaemonPlacement.decide(tolerant, node("n", Map.of(), dedicated, evict)).shouldRun()).isTrue();
    }

    @Test
    void daemonPodsTolerateNodeConditionTaints() {
        Node sick = node("n", Map.of(),
                new Taint("NoExecute", "node.kubernetes.io/not-ready", null, null),
                new Taint("NoExecute", "node.kubernetes.io/unreachable", null, null),
                new Taint("NoSchedule", "node.kubernetes.io/disk-pressure", null, null),
                new Taint("NoSchedule", "node.kubernetes.io/memory-pressure", null, null),
                new Taint("NoSchedule", "node.kubernetes.io/pid-pressure", null, null),
                new Taint("NoSchedule", "node.kubernetes.io/unschedulable", null, null));
        assertThat(DaemonPlacement.decide(spec(), sick).shouldRun()).isTrue();
        Node noNetwork = node("n", Map.of(), new Taint("NoSchedule", "node.kubernetes.io/network-unavailable", null, null));
        assertThat(DaemonPlacement.decide(spec(), noNetwork).shouldRun()).isFalse();
        PodSpec host = spec();
        host.setHostNetwork(true);
        assertThat(DaemonPlacement.decide(host, noNetwork).shouldRun()).isTrue();
    }

    @Test
    void templateNodeNameRestrictsToThatNode() {
        PodSpec s = spec();
        s.setNodeName("only");
        assertThat(DaemonPlacement.decide(s, node("only", Map.of())).shouldRun()).isTrue();
        assertThat(DaemonPlacement.decide(s, node("other", Map.of())).shouldRun()).isFalse();
    }

    static DaemonSet ds() {
        return new DaemonSetBuilder().withNewMetadata().withName("ds").withNamespace("ns").withUid("u").withGeneration(3L)
                .endMetadata().withNewSpec().withNewTemplate().withNewMetadata().addToLabels("app", "d").endMetadata()
                .withSpec(spec()).endTemplate().endSpec().build();
    }

    @Test
    void newPodIsPinnedByAffinityAndNodeNameWithLabelsAndTolerations() {
        Pod p = DaemonSetController.newPod(ds(), "abc", "n1");
        assertThat(p.getMetadata().getLabels()).containsEntry("app", "d")
                .containsEntry("controller-revision-hash", "abc").containsEntry("pod-template-generation", "3");
        assertThat(p.getSpec().getNodeName()).isEqualTo("n1");
        assertThat(DaemonPlacement.targetNode(new PodBuilder(p).editSpec().withNodeName(null).endSpec().build()))
                .isEqualTo("n1");
        assertThat(p.getSpec().getTolerations()).extracting(t -> t.getKey() + ":" + t.getEffect()).contains(
                "node.kubernetes.io/not-ready:NoExecute", "node.kubernetes.io/unschedulable:NoSchedule");
        assertThat(p.getMetadata().getOwnerReferences().get(0).getController()).isTrue();
    }

    static Pod pod(String node, String hash, boolean ready, String readySince) {
        return new PodBuilder().withNewMetadata().withName("p-" + node).withCreationTimestamp("2025-01-01T00:00:00Z")
                .addToLabels("controller-revision-hash", hash).endMetadata()
                .withNewSpec().withNodeName(node).endSpec()
                .withNewStatus().withPhase("Running").addNewCondition().withType("Ready")
                .withStatus(ready ? "True" : "False").withLastTransitionTime(readySince).endCondition().endStatus().build();
    }

    @Test
    void statusCountsDesiredCurrentReadyAvailableUpdatedAndMisscheduled() {
        DaemonSet d = ds();
        d.getSpec().getTemplate().getSpec().setNodeSelector(Map.of("run", "yes"));
        d.getSpec().setMinReadySeconds(60);
        List<Node> nodes = List.of(node("a", Map.of("run", "yes")), node("b", Map.of("run", "yes")),
                node("c", Map.of("run", "yes")), node("d", Map.of()));
        var status = DaemonSetStatusFunctions.status(d, nodes, Map.of(
                "a", List.of(pod("a", "new", true, "2025-01-01T00:00:00Z")),
                "b", List.of(pod("b", "old", true, "2025-01-01T00:09:30Z")),
                "d", List.of(pod("d", "new", true, "2025-01-01T00:00:00Z"))), "new", NOW);
        assertThat(status.getDesiredNumberScheduled()).isEqualTo(3);
        assertThat(status.getCurrentNumberScheduled()).isEqualTo(2);
        assertThat(status.getNumberReady()).isEqualTo(2);
        // b has been ready 30 s of the 60 it needs
        assertThat(status.getNumberAvailable()).isEqualTo(1);
        assertThat(status.getNumberUnavailable()).isEqualTo(2);
        assertThat(status.getUpdatedNumberScheduled()).isEqualTo(1);
        assertThat(status.getNumberMisscheduled()).isEqualTo(1);
        assertThat(status.getObservedGeneration()).isEqualTo(3);
    }

    @Test
    void rollingUpdateReplacesUnavailableFirstThenAvailableWithinMaxUnavailable() {
        DaemonSet d = ds();
        List<Node> nodes = List.of(node("a", Map.of()), node("b", Map.of()), node("c", Map.of()));
        Map<String, List<Pod>> byNode = Map.of(
                "a", List.of(pod("a", "old", true, "2025-01-01T00:00:00Z")),
                "b", List.of(pod("b", "old", true, "2025-01-01T00:00:00Z")),
                "c", List.of(pod("c", "old", false, "2025-01-01T00:00:00Z")));
        // c is unavailable already, so it goes and the budget of 1 is spent
        assertThat(DaemonSetController.rollingUpdateVictims(d, "new", nodes, byNode, NOW))
                .extracting(p -> p.getMetadata().getName()).containsExactly("p-c");
        Map<String, List<Pod>> allReady = Map.of(
                "a", List.of(pod("a", "old", true, "2025-01-01T00:00:00Z")),
                "b", List.of(pod("b", "old", true, "2025-01-01T00:00:00Z")),
                "c", List.of(pod("c", "new", true, "2025-01-01T00:00:00Z")));
        assertThat(DaemonSetController.rollingUpdateVictims(d, "new", nodes, allReady, NOW)).hasSize(1);
        assertThat(DaemonSetController.maxUnavailable(d, 3)).isEqualTo(1);
    }

    @Test
    void hashIsStableAndUsesSafeCharacters() {
        String h = DaemonSetStatusFunctions.hash("{\"a\":1}", null);
        assertThat(h).isEqualTo(DaemonSetStatusFunctions.hash("{\"a\":1}", null));
        assertThat(h).matches("[bcdfghjklmnpqrstvwxz2456789]+");
        assertThat(DaemonSetStatusFunctions.hash("{\"a\":1}", 1)).isNotEqualTo(h);
    }
}
