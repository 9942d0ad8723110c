package io.kube4j.scheduler.framework.plugins.nodeports;

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

class NodePortsTest {
    Pod withHostPort(String name, int port, String ip, String protocol) {
        return new PodBuilder(Fixtures.pod(name)).editSpec().editFirstContainer().withPorts(new ContainerPortBuilder()
                .withContainerPort(8080).withHostPort(port).withHostIP(ip).withProtocol(protocol).build())
                .endContainer().endSpec().build();
    }

    @Test
    void hostPortConflicts() {
        NodeInfo n = NodeInfo.of(Fixtures.node("n"), new PodInfo(withHostPort("a", 8080, null, null)));
        Status s = Fixtures.filter(new NodePorts(), withHostPort("b", 8080, null, "TCP"), n);
        assertThat(s.code()).isEqualTo(Code.UNSCHEDULABLE);
        assertThat(s.reasons()).containsExactly("node(s) didn't have free ports for the requested pod ports");
        assertThat(Fixtures.filter(new NodePorts(), withHostPort("c", 8080, null, "UDP"), n).isSuccess()).isTrue();
        assertThat(Fixtures.filter(new NodePorts(), withHostPort("d", 8081, null, null), n).isSuccess()).isTrue();
        NodeInfo specific = NodeInfo.of(Fixtures.node("n"), new PodInfo(withHostPort("a", 80, "10.0.0.1", null)));
        assertThat(Fixtures.filter(new NodePorts(), withHostPort("e", 80, "10.0.0.2", null), specific).isSuccess()).isTrue();
        assertThat(Fixtures.filter(new NodePorts(), withHostPort("f", 80, "0.0.0.0", null), specific).isSuccess()).isFalse();
    }

    @Test
    void removingAPodFreesItsPorts() {
        PodInfo a = new PodInfo(withHostPort("a", 8080, null, null));
        NodeInfo n = NodeInfo.of(Fixtures.node("n"), a);
        n.removePod(a.uid(), 1);
        assertThat(Fixtures.filter(new NodePorts(), withHostPort("b", 8080, null, null), n).isSuccess()).isTrue();
    }

    @Test
    void nodeName() {
        Pod p = new PodBuilder(Fixtures.pod("p")).editSpec().withNodeName("a").endSpec().build();
        assertThat(Fixtures.filter(new NodeName(), p, NodeInfo.of(Fixtures.node("a"))).isSuccess()).isTrue();
        assertThat(Fixtures.filter(new NodeName(), p, NodeInfo.of(Fixtures.node("b"))).reasons())
                .containsExactly("node(s) didn't match the requested node name");
    }
}
