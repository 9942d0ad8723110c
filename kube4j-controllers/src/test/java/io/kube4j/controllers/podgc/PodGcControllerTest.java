package io.kube4j.controllers.podgc;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.ControllerClusterTest;
import io.kube4j.controllers.ControllerContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The pod garbage collector against an in-process API server, with a threshold of 2 and no quarantine. */
class PodGcControllerTest extends ControllerClusterTest {
    @Override
    protected List<Function<ControllerContext, Controller>> controllers() {
        return List.of(ctx -> new PodGcController(ctx, new PodGcOptions(2, Duration.ofMillis(200), Duration.ZERO)));
    }

    @BeforeEach
    void node() {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("n1").endMetadata().build()).create();
    }

    private void pod(String name, String node, String phase) {
        client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withNodeName(node).addNewContainer().withName("c").withImage("busybox").endContainer()
                .endSpec().build()).create();
        if (phase != null) {
            client.pods().inNamespace("default").withName(name).subresource("status")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"phase\":\"" + phase + "\"}}");
        }
    }

    private List<String> names() {
        return client.pods().inNamespace("default").list().getItems().stream().map(p -> p.getMetadata().getName())
                .sorted().toList();
    }

    @Test
    void keepsTerminatedPodsUpToTheThresholdThenDeletesTheOldestAndThoseOfMissingNodes() throws Exception {
        pod("done-a", "n1", "Succeeded");
        pod("running", "n1", null);
        Thread.sleep(800);
        assertThat(names()).containsExactly("done-a", "running");
        Pod p = client.pods().inNamespace("default").withName("done-a").get();
        assertThat(p.getMetadata().getDeletionTimestamp()).isNull();

        pod("done-b", "n1", "Failed");
        pod("done-c", "n1", "Succeeded");
        pod("orphan", "ghost-node", null);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(names()).containsExactly("done-b", "done-c", "running"));
    }
}
