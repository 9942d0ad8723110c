package io.kube4j.controllers.endpointslice;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.kube4j.controllers.endpoint.TestPods.pod;
import static io.kube4j.controllers.endpoint.TestPods.port;
import static io.kube4j.controllers.endpoint.TestPods.service;
import static org.assertj.core.api.Assertions.assertThat;

class EndpointSliceFunctionsTest {
    static final Node NODE = new NodeBuilder().withNewMetadata().withName("node-1")
            .withLabels(Map.of("topology.kubernetes.io/zone", "z1")).endMetadata().build();

    static String conditions(Endpoint e) {
        var c = e.getConditions();
        return "ready=" + c.getReady() + " serving=" + c.getServing() + " terminating=" + c.getTerminating();
    }

    @Test
    void conditionsFollowReadinessAndTermination() {
        Service svc = service("kubia", List.of(port("http", 80, "http")));
        Pod terminating = new PodBuilder(pod("t", "10.42.0.4", true)).editMetadata()
                .withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata().build();
        List<String> skipped = new ArrayList<>();
        var d = EndpointSliceFunctions.desired(svc, List.of(pod("a", "10.42.0.2", true), pod("b", "10.42.0.3", false),
                terminating), n -> NODE, skipped);
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.ports()).singleElement().satisfies(p -> {
                assertThat(p.getName()).isEqualTo("http");
                assertThat(p.getPort()).isEqualTo(8080);
                assertThat(p.getProtocol()).isEqualTo("TCP");
            });
            assertThat(x.endpoints()).extracting(EndpointSliceFunctionsTest::conditions).containsExactly(
                    "ready=true serving=true terminating=false",
                    "ready=false serving=false terminating=false",
                    "ready=false serving=true terminating=true");
            Endpoint a = x.endpoints().getFirst();
            assertThat(a.getAddresses()).containsExactly("10.42.0.2");
            assertThat(a.getNodeName()).isEqualTo("node-1");
            assertThat(a.getZone()).isEqualTo("z1");
            assertThat(a.getTargetRef().getName()).isEqualTo("a");
            assertThat(a.getTargetRef().getUid()).isEqualTo("uid-a");
        });
        assertThat(skipped).isEmpty();
    }

    @Test
    void publishNotReadyAddressesMakesEveryEndpointReady() {
        Service svc = new ServiceBuilder(service("kubia", List.of(port(null, 80, 8080)))).editSpec()
                .withPublishNotReadyAddresses(true).endSpec().build();
        var d = EndpointSliceFunctions.desired(svc, List.of(pod("b", "10.42.0.3", false)), n -> null, new ArrayList<>());
        assertThat(d.getFirst().endpoints()).extracting(EndpointSliceFunctionsTest::conditions)
                .containsExactly("ready=true serving=false terminating=false");
        assertThat(d.getFirst().ports().getFirst().getName()).isEmpty();
    }

    @Test
    void podsOnUnknownNodesAreSkippedAndReported() {
        Service svc = service("kubia", List.of(port(null, 80, 8080)));
        List<String> skipped = new ArrayList<>();
        var d = EndpointSliceFunctions.desired(svc, List.of(pod("a", "10.42.0.2", true)), n -> null, skipped);
        assertThat(d).isEmpty();
        assertThat(skipped).containsExactly("ns/a");
    }

    @Test
    void podsServingDifferentPortsGoToDifferentGroups() {
        Service svc = service("kubia", List.of(port("http", 80, "http")));
        Pod noPort = new PodBuilder(pod("x", "10.42.0.9", true)).editSpec().editFirstContainer().withPorts()
                .endContainer().endSpec().build();
        var d = EndpointSliceFunctions.desired(svc, List.of(pod("a", "10.42.0.2", true), noPort), n -> NODE,
                new ArrayList<>());
        assertThat(d).extracting(x -> x.ports().size() + ":" + x.endpoints().size()).containsExactly("1:1", "0:1");
    }

    @Test
    void headlessServicesCarryTheHeadlessLabel() {
        Service svc = new ServiceBuilder(service("kubia", List.of())).editSpec().withClusterIP("None").endSpec().build();
        assertThat(EndpointSliceFunctions.meta(svc).labels()).containsEntry("service.kubernetes.io/headless", "");
        assertThat(EndpointSliceFunctions.meta(service("kubia", List.of())).labels())
                .doesNotContainKey("service.kubernetes.io/headless");
    }
}
