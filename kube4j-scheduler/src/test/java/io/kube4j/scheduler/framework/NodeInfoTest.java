package io.kube4j.scheduler.framework;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.kube4j.scheduler.Fixtures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NodeInfoTest {
    static Taint taint(String key, String effect) {
        return new TaintBuilder().withKey(key).withEffect(effect).build();
    }

    @Test
    void whatTheFiltersReadIsTakenFromTheNodeAndReplacedWithIt() {
        Node cordoned = new NodeBuilder(Fixtures.node("n")).editSpec().withUnschedulable(true)
                .withTaints(taint("a", "PreferNoSchedule"), taint("b", "NoExecute"), taint("c", "NoSchedule"))
                .endSpec().build();
        NodeInfo n = NodeInfo.of(cordoned);

        assertThat(n.unschedulable()).isTrue();
        assertThat(n.noScheduleTaints()).extracting(Taint::getKey).containsExactly("b", "c");
        assertThat(n.preferNoScheduleTaints()).extracting(Taint::getKey).containsExactly("a");
        assertThat(n.allocatable().milliCpu).isEqualTo(4000);

        NodeInfo before = n.snapshot();
        n.setNode(Fixtures.node("n", "8", "8Gi", 110).build(), 1);
        assertThat(n.unschedulable()).isFalse();
        assertThat(n.noScheduleTaints()).isEmpty();
        assertThat(n.preferNoScheduleTaints()).isEmpty();
        assertThat(n.allocatable().milliCpu).isEqualTo(8000);
        assertThat(before.unschedulable()).as("a snapshot keeps what it copied").isTrue();
        assertThat(before.allocatable().milliCpu).isEqualTo(4000);

        n.removeNode(2);
        assertThat(n.node()).isNull();
        assertThat(n.allocatable().isZero()).isTrue();
    }
}
