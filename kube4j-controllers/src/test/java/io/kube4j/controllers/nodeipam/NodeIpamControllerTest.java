package io.kube4j.controllers.nodeipam;

import java.util.function.Function;
import io.kube4j.controllers.ControllerContext;
import io.kube4j.controllers.ControllerClusterTest;
import io.kube4j.controllers.Controller;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The node IPAM controller against an in-process API server: a /23 cluster CIDR holds two /24 blocks. */
class NodeIpamControllerTest extends ControllerClusterTest {
    @Override
    protected List<Function<ControllerContext, Controller>> controllers() {
        return List.of(ctx -> new NodeIpamController(ctx, "10.42.0.0/23", 24));
    }

    private void node(String name, String podCidr) {
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name).endMetadata();
        if (podCidr != null) {
            b.withNewSpec().withPodCIDR(podCidr).withPodCIDRs(podCidr).endSpec();
        }
        client.nodes().resource(b.build()).create();
    }

    private Map<String, String> cidrs() {
        return client.nodes().list().getItems().stream().filter(n -> n.getSpec().getPodCIDR() != null)
                .collect(Collectors.toMap(n -> n.getMetadata().getName(), n -> n.getSpec().getPodCIDR()));
    }

    @Test
    void givesEachNodeAFreeBlockPassesOverOnesTakenMeanwhileAndReusesADeletedNodes() {
        node("a", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> cidrs().size() == 1);
        assertThat(cidrs()).containsEntry("a", "10.42.0.0/24");
        Node a = client.nodes().withName("a").get();
        assertThat(a.getSpec().getPodCIDRs()).containsExactly("10.42.0.0/24");

        // a block given by hand after the controller marked the nodes' blocks is not handed out again
        node("manual", "10.42.1.0/24");
        node("b", null);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10))
                .until(() -> !cidrs().containsKey("b"));
        assertThat(cidrs()).containsOnlyKeys("a", "manual");

        // the cluster CIDR is full until a node goes; then its block goes to the waiting node
        client.nodes().withName("a").delete();
        client.nodes().withName("b").edit(n -> new NodeBuilder(n).editMetadata().addToLabels("retry", "1")
                .endMetadata().build());
        await().atMost(Duration.ofSeconds(10)).until(() -> "10.42.0.0/24".equals(cidrs().get("b")));
        assertThat(cidrs()).containsOnly(Map.entry("b", "10.42.0.0/24"), Map.entry("manual", "10.42.1.0/24"));
    }
}
