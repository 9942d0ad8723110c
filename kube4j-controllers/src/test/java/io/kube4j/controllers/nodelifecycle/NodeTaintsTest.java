package io.kube4j.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Taint;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NodeTaintsTest {
    static final String NOW = "2025-01-01T00:01:00Z";

    static Node node(String ready, List<Taint> taints, NodeCondition... more) {
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName("n").withCreationTimestamp("2025-01-01T00:00:00Z")
                .endMetadata().withNewSpec().withTaints(taints).endSpec().withNewStatus()
                .addNewCondition().withType("Ready").withStatus(ready).withLastHeartbeatTime("2025-01-01T00:00:30Z")
                .endCondition().endStatus();
        for (NodeCondition c : more) {
            b.editStatus().addToConditions(c).endStatus();
        }
        return b.build();
    }

    static List<String> keys(List<Taint> taints) {
        return taints.stream().map(t -> t.getKey() + ":" + t.getEffect()).toList();
    }

    @Test
    void unknownReadyGetsUnreachableTaints() {
        List<Taint> t = NodeTaints.desired(node("Unknown", List.of()), NOW);
        assertThat(keys(t)).containsExactly("node.kubernetes.io/unreachable:NoSchedule",
                "node.kubernetes.io/unreachable:NoExecute");
        assertThat(t.get(1).getTimeAdded()).isEqualTo(NOW);
        assertThat(t.get(0).getTimeAdded()).isNull();
    }

    @Test
    void falseReadySwapsUnreachableForNotReady() {
        List<Taint> before = List.of(new Taint("NoSchedule", NodeTaints.UNREACHABLE, null, null),
                new Taint("NoExecute", NodeTaints.UNREACHABLE, "2025-01-01T00:00:50Z", null));
        assertThat(keys(NodeTaints.desired(node("False", before), NOW))).containsExactly(
                "node.kubernetes.io/not-ready:NoSchedule", "node.kubernetes.io/not-ready:NoExecute");
    }

    @Test
    void readyAgainRemovesOwnedTaintsAndKeepsOthers() {
        Taint mine = new Taint("NoSchedule", "example.com/dedicated", null, "gpu");
        List<Taint> before = List.of(mine, new Taint("NoSchedule", NodeTaints.UNREACHABLE, null, null),
                new Taint("NoExecute", NodeTaints.UNREACHABLE, "2025-01-01T00:00:50Z", null));
        assertThat(NodeTaints.desired(node("True", before), NOW)).containsExactly(mine);
    }

    @Test
    void existingNoExecuteTaintKeepsItsTimeAdded() {
        Taint added = new Taint("NoExecute", NodeTaints.UNREACHABLE, "2025-01-01T00:00:50Z", null);
        List<Taint> before = List.of(new Taint("NoSchedule", NodeTaints.UNREACHABLE, null, null), added);
        assertThat(NodeTaints.desired(node("Unknown", before), NOW)).isEqualTo(before);
    }

    @Test
    void pressureConditionsAndUnschedulableGetNoScheduleTaints() {
        Node n = node("True", List.of(), new NodeCondition(null, null, null, null, "True", "MemoryPressure"),
                new NodeCondition(null, null, null, null, "False", "DiskPressure"));
        n.getSpec().setUnschedulable(true);
        assertThat(keys(NodeTaints.desired(n, NOW))).containsExactly("node.kubernetes.io/memory-pressure:NoSchedule",
                "node.kubernetes.io/unschedulable:NoSchedule");
    }

    @Test
    void markUnknownTurnsKubeletConditionsUnknownOnce() {
        Node n = node("True", List.of(), new NodeCondition("2025-01-01T00:00:30Z", "2025-01-01T00:00:00Z",
                "kubelet has sufficient memory available", "KubeletHasSufficientMemory", "False", "MemoryPressure"));
        Node marked = NodeConditions.markUnknown(n, NOW);
        NodeCondition ready = NodeConditions.find(marked, "Ready");
        assertThat(ready.getStatus()).isEqualTo("Unknown");
        assertThat(ready.getReason()).isEqualTo("NodeStatusUnknown");
        assertThat(ready.getMessage()).isEqualTo("Kubelet stopped posting node status.");
        assertThat(ready.getLastTransitionTime()).isEqualTo(NOW);
        assertThat(ready.getLastHeartbeatTime()).isEqualTo("2025-01-01T00:00:30Z");
        assertThat(NodeConditions.find(marked, "MemoryPressure").getStatus()).isEqualTo("Unknown");
        NodeCondition never = NodeConditions.find(marked, "DiskPressure");
        assertThat(never.getReason()).isEqualTo("NodeStatusNeverUpdated");
        assertThat(never.getMessage()).isEqualTo("Kubelet never posted node status.");
        assertThat(NodeConditions.markUnknown(marked, NOW)).isNull();
        assertThat(NodeConditions.readyStatus(n)).as("the cached node is not changed").isEqualTo("True");
    }
}
