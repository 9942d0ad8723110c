package io.kube4j.controllers.endpointslicemirroring;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.kube4j.controllers.endpoint.TestPods;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MirroringFunctionsTest {
    static final Service SELECTORLESS = new ServiceBuilder(TestPods.service("ext", List.of())).editSpec()
            .withSelector(null).endSpec().build();

    static Endpoints endpoints() {
        return new EndpointsBuilder().withNewMetadata().withName("ext").withNamespace("ns")
                .withLabels(Map.of("team", "x"))
                .withAnnotations(Map.of("kubectl.kubernetes.io/last-applied-configuration", "{}", "note", "n"))
                .endMetadata()
                .addNewSubset().addNewAddress().withIp("192.0.2.10").withNodeName("n1").endAddress()
                .addNewNotReadyAddress().withIp("192.0.2.11").endNotReadyAddress()
                .addNewAddress().withIp("2001:db8::1").endAddress()
                .addNewPort().withName("http").withPort(80).endPort().endSubset().build();
    }

    @Test
    void onlyEndpointsOfSelectorlessServicesNotSkippedAreMirrored() {
        assertThat(MirroringFunctions.shouldMirror(endpoints(), SELECTORLESS)).isTrue();
        assertThat(MirroringFunctions.shouldMirror(endpoints(), TestPods.service("ext", List.of()))).isFalse();
        assertThat(MirroringFunctions.shouldMirror(endpoints(), null)).isFalse();
        assertThat(MirroringFunctions.shouldMirror(null, SELECTORLESS)).isFalse();
        Endpoints skipped = new EndpointsBuilder(endpoints()).editMetadata()
                .addToLabels("endpointslice.kubernetes.io/skip-mirror", "true").endMetadata().build();
        assertThat(MirroringFunctions.shouldMirror(skipped, SELECTORLESS)).isFalse();
        Endpoints lock = new EndpointsBuilder(endpoints()).editMetadata()
                .addToAnnotations("control-plane.alpha.kubernetes.io/leader", "{}").endMetadata().build();
        assertThat(MirroringFunctions.shouldMirror(lock, SELECTORLESS)).isFalse();
    }

    @Test
    void subsetsBecomeEndpointsWithReadinessPerAddressType() {
        var v4 = MirroringFunctions.desired(endpoints(), "IPv4");
        assertThat(v4).singleElement().satisfies(d -> {
            assertThat(d.ports()).singleElement().satisfies(p -> {
                assertThat(p.getName()).isEqualTo("http");
                assertThat(p.getPort()).isEqualTo(80);
                assertThat(p.getProtocol()).isEqualTo("TCP");
            });
            assertThat(d.endpoints()).extracting(e -> e.getAddresses().getFirst() + " " + e.getConditions().getReady())
                    .containsExactly("192.0.2.10 true", "192.0.2.11 false");
            assertThat(d.endpoints()).extracting(Endpoint::getNodeName).containsExactly("n1", null);
        });
        assertThat(MirroringFunctions.desired(endpoints(), "IPv6").getFirst().endpoints())
                .extracting(e -> e.getAddresses().getFirst()).containsExactly("2001:db8::1");
    }

    @Test
    void mirroredSlicesCarryTheEndpointsLabelsAndAnnotationsButNotKubectls() {
        var meta = MirroringFunctions.meta(endpoints(), SELECTORLESS, "IPv4");
        assertThat(meta.generateName()).isEqualTo("ext-");
        assertThat(meta.labels()).containsEntry("team", "x").containsEntry("kubernetes.io/service-name", "ext")
                .containsEntry("endpointslice.kubernetes.io/managed-by", "endpointslicemirroring-controller.k8s.io");
        assertThat(meta.annotations()).containsExactly(Map.entry("note", "n"));
        assertThat(meta.owner().getUid()).isEqualTo("svc-uid");
    }
}
