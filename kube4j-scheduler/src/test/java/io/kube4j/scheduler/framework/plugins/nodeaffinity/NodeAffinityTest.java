package io.kube4j.scheduler.framework.plugins.nodeaffinity;

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

class NodeAffinityTest {
    final Node gpu = new io.fabric8.kubernetes.api.model.NodeBuilder(Fixtures.node("gpu-node")).editMetadata()
            .withLabels(Map.of("gpu", "true", "cores", "16")).endMetadata().build();
    final Node plain = Fixtures.node("plain");

    @Test
    void nodeSelector() {
        Pod p = new PodBuilder(Fixtures.pod("p")).editSpec().withNodeSelector(Map.of("gpu", "true")).endSpec().build();
        assertThat(Fixtures.filter(new NodeAffinity(), p, NodeInfo.of(gpu)).isSuccess()).isTrue();
        Status s = Fixtures.filter(new NodeAffinity(), p, NodeInfo.of(plain));
        assertThat(s.code()).isEqualTo(Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
        assertThat(s.reasons()).containsExactly("node(s) didn't match Pod's node affinity/selector");
    }

    Pod required(String key, String op, String... values) {
        return new PodBuilder(Fixtures.pod("p")).editSpec().withNewAffinity().withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution().withNodeSelectorTerms(
                        new NodeSelectorTermBuilder().withMatchExpressions(new NodeSelectorRequirementBuilder()
                                .withKey(key).withOperator(op).withValues(values).build()).build())
                .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity().endSpec()
                .build();
    }

    boolean fits(Pod p, Node n) {
        return Fixtures.filter(new NodeAffinity(), p, NodeInfo.of(n)).isSuccess();
    }

    @Test
    void operators() {
        assertThat(fits(required("gpu", "In", "true", "yes"), gpu)).isTrue();
        assertThat(fits(required("gpu", "In", "false"), gpu)).isFalse();
        assertThat(fits(required("gpu", "NotIn", "true"), gpu)).isFalse();
        assertThat(fits(required("gpu", "NotIn", "true"), plain)).isTrue();
        assertThat(fits(required("gpu", "Exists"), gpu)).isTrue();
        assertThat(fits(required("gpu", "Exists"), plain)).isFalse();
        assertThat(fits(required("gpu", "DoesNotExist"), plain)).isTrue();
        assertThat(fits(required("cores", "Gt", "8"), gpu)).isTrue();
        assertThat(fits(required("cores", "Lt", "8"), gpu)).isFalse();
        assertThat(fits(required("cores", "Gt", "x"), gpu)).isFalse();
    }

    @Test
    void matchFieldsMetadataName() {
        Pod p = new PodBuilder(Fixtures.pod("p")).editSpec().withNewAffinity().withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution().withNodeSelectorTerms(
                        new NodeSelectorTermBuilder().withMatchFields(new NodeSelectorRequirementBuilder()
                                .withKey("metadata.name").withOperator("In").withValues("plain").build()).build())
                .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity().endSpec()
                .build();
        assertThat(fits(p, plain)).isTrue();
        assertThat(fits(p, gpu)).isFalse();
    }

    @Test
    void termsAreOredAndAnEmptyTermMatchesNothing() {
        Pod p = new PodBuilder(Fixtures.pod("p")).editSpec().withNewAffinity().withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution().withNodeSelectorTerms(
                        new NodeSelectorTermBuilder().build(),
                        new NodeSelectorTermBuilder().withMatchExpressions(new NodeSelectorRequirementBuilder()
                                .withKey("gpu").withOperator("Exists").build()).build())
                .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity().endSpec()
                .build();
        assertThat(fits(p, gpu)).isTrue();
        assertThat(fits(p, plain)).isFalse();
    }

    @Test
    void preferredTermsScoreByWeight() {
        Pod p = new PodBuilder(Fixtures.pod("p")).editSpec().withNewAffinity().withNewNodeAffinity()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution().withWeight(30)
                .withNewPreference().withMatchExpressions(new NodeSelectorRequirementBuilder().withKey("gpu")
                        .withOperator("Exists").build()).endPreference()
                .endPreferredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity().endSpec()
                .build();
        NodeAffinity a = new NodeAffinity();
        PodInfo pi = new PodInfo(p);
        long[] scores = {a.score(null, pi, NodeInfo.of(gpu)), a.score(null, pi, NodeInfo.of(plain))};
        assertThat(scores).containsExactly(30, 0);
        a.normalize(null, pi, scores);
        assertThat(scores).containsExactly(100, 0);
    }
}
