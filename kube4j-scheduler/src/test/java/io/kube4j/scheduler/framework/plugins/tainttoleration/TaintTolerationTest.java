package io.kube4j.scheduler.framework.plugins.tainttoleration;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.kube4j.scheduler.Fixtures;
import io.kube4j.scheduler.framework.Code;
import io.kube4j.scheduler.framework.CycleState;
import io.kube4j.scheduler.framework.NodeInfo;
import io.kube4j.scheduler.framework.PodInfo;
import io.kube4j.scheduler.framework.Status;
import io.kube4j.scheduler.framework.plugins.nodeaffinity.NodeAffinity;
import io.kube4j.scheduler.framework.plugins.nodename.NodeName;
import io.kube4j.scheduler.framework.plugins.nodeports.NodePorts;
import io.kube4j.scheduler.framework.plugins.noderesources.BalancedAllocation;
import io.kube4j.scheduler.framework.plugins.noderesources.Fit;
import io.kube4j.scheduler.framework.plugins.nodeunschedulable.NodeUnschedulable;
import io.kube4j.scheduler.framework.plugins.tainttoleration.TaintToleration;
import org.junit.jupiter.api.Test;
import java.util.Map;
import static org.assertj.core.api.Assertions.assertThat;

class TaintTolerationTest {
    Node tainted(String effect) {
        return new io.fabric8.kubernetes.api.model.NodeBuilder(Fixtures.node("n")).editSpec().withTaints(
                new TaintBuilder().withKey("dedicated").withValue("db").withEffect(effect).build()).endSpec().build();
    }

    @Test
    void untoleratedNoScheduleTaintRejects() {
        Status s = Fixtures.filter(new TaintToleration(), Fixtures.pod("p"), NodeInfo.of(tainted("NoSchedule")));
        assertThat(s.code()).isEqualTo(Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
        assertThat(s.reasons()).containsExactly("node(s) had untolerated taint {dedicated: db}");
        assertThat(Fixtures.filter(new TaintToleration(), Fixtures.pod("p"), NodeInfo.of(tainted("PreferNoSchedule")))
                .isSuccess()).isTrue();
    }

    @Test
    void tolerations() {
        Pod equal = new PodBuilder(Fixtures.pod("p")).editSpec().withTolerations(new TolerationBuilder()
                .withKey("dedicated").withValue("db").withEffect("NoSchedule").build()).endSpec().build();
        Pod exists = new PodBuilder(Fixtures.pod("p")).editSpec().withTolerations(new TolerationBuilder()
                .withOperator("Exists").build()).endSpec().build();
        Pod wrongValue = new PodBuilder(Fixtures.pod("p")).editSpec().withTolerations(new TolerationBuilder()
                .withKey("dedicated").withValue("web").build()).endSpec().build();
        Pod otherEffect = new PodBuilder(Fixtures.pod("p")).editSpec().withTolerations(new TolerationBuilder()
                .withKey("dedicated").withOperator("Exists").withEffect("NoExecute").build()).endSpec().build();
        NodeInfo n = NodeInfo.of(tainted("NoSchedule"));
        assertThat(Fixtures.filter(new TaintToleration(), equal, n).isSuccess()).isTrue();
        assertThat(Fixtures.filter(new TaintToleration(), exists, n).isSuccess()).isTrue();
        assertThat(Fixtures.filter(new TaintToleration(), wrongValue, n).isSuccess()).isFalse();
        assertThat(Fixtures.filter(new TaintToleration(), otherEffect, n).isSuccess()).isFalse();
    }

    @Test
    void preferNoScheduleScoresLower() {
        TaintToleration t = new TaintToleration();
        PodInfo p = new PodInfo(Fixtures.pod("p"));
        long[] scores = {t.score(null, p, NodeInfo.of(tainted("PreferNoSchedule"))),
                t.score(null, p, NodeInfo.of(Fixtures.node("clean")))};
        t.normalize(null, p, scores);
        assertThat(scores).containsExactly(0, 100);
    }

    @Test
    void cordonedNodeUnlessTolerated() {
        Node cordoned = new io.fabric8.kubernetes.api.model.NodeBuilder(Fixtures.node("n")).editSpec()
                .withUnschedulable(true).endSpec().build();
        Status s = Fixtures.filter(new NodeUnschedulable(), Fixtures.pod("p"), NodeInfo.of(cordoned));
        assertThat(s.reasons()).containsExactly("node(s) were unschedulable");
        Pod tolerant = new PodBuilder(Fixtures.pod("p")).editSpec().withTolerations(new TolerationBuilder()
                .withKey("node.kubernetes.io/unschedulable").withOperator("Exists").withEffect("NoSchedule")
                .build()).endSpec().build();
        assertThat(Fixtures.filter(new NodeUnschedulable(), tolerant, NodeInfo.of(cordoned)).isSuccess()).isTrue();
    }
}
