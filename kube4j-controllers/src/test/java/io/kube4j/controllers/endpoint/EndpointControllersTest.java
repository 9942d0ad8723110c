package io.kube4j.controllers.endpoint;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kube4j.controllers.InProcessCluster;
import io.kube4j.controllers.endpointslice.EndpointSliceController;
import io.kube4j.controllers.endpointslicemirroring.EndpointSliceMirroringController;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Endpoints, EndpointSlice and mirroring controllers together against an in-process API server; the test plays
 * the kubelet by writing pod IPs and readiness.
 */
class EndpointControllersTest {
    @TempDir
    static Path dir;
    static InProcessCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = new InProcessCluster(dir, List.of(EndpointController::new, EndpointSliceController::new,
                EndpointSliceMirroringController::new));
        cluster.client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-1").endMetadata().build())
                .create();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static void pod(String ns, String name, String ip, boolean ready) {
        Pod p = TestPods.pod(name, ip, ready);
        Pod created = cluster.client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(name)
                .withLabels(p.getMetadata().getLabels()).endMetadata().withSpec(p.getSpec()).build()).create();
        setStatus(ns, created.getMetadata().getName(), ip, ready);
    }

    static void setStatus(String ns, String name, String ip, boolean ready) {
        cluster.client.pods().inNamespace(ns).withName(name).editStatus(x -> new PodBuilder(x).editOrNewStatus()
                .withPhase("Running").withPodIP(ip).withPodIPs().addNewPodIP().withIp(ip).endPodIP().withConditions()
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .endStatus().build());
    }

    static Service service(String ns, String name) {
        Service s = TestPods.service(name, List.of(TestPods.port("http", 80, "http")));
        return cluster.client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName(name)
                .endMetadata().withNewSpec().withSelector(s.getSpec().getSelector()).withPorts(s.getSpec().getPorts())
                .endSpec().build()).create();
    }

    static List<String> ips(List<EndpointAddress> a) {
        return a == null ? List.of() : a.stream().map(EndpointAddress::getIp).sorted().toList();
    }

    static List<EndpointSlice> slices(String ns, String service) {
        return cluster.client.discovery().v1().endpointSlices().inNamespace(ns)
                .withLabel("kubernetes.io/service-name", service).list().getItems();
    }

    static List<String> sliceEndpoints(String ns, String service) {
        return slices(ns, service).stream().flatMap(s -> s.getEndpoints().stream())
                .map(e -> e.getAddresses().getFirst() + " ready=" + e.getConditions().getReady()).sorted().toList();
    }

    @Test
    void servicePodsBecomeEndpointsAndSlicesAndFollowReadiness() {
        String ns = cluster.namespace("ep1");
        pod(ns, "a", "10.42.0.2", true);
        pod(ns, "b", "10.42.0.3", false);
        Service svc = service(ns, "kubia");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Endpoints ep = cluster.client.endpoints().inNamespace(ns).withName("kubia").get();
            assertThat(ep).isNotNull();
            assertThat(ep.getSubsets()).singleElement().satisfies(s -> {
                assertThat(ips(s.getAddresses())).containsExactly("10.42.0.2");
                assertThat(ips(s.getNotReadyAddresses())).containsExactly("10.42.0.3");
                assertThat(s.getPorts().getFirst().getPort()).isEqualTo(8080);
            });
            assertThat(sliceEndpoints(ns, "kubia")).containsExactly("10.42.0.2 ready=true", "10.42.0.3 ready=false");
        });
        EndpointSlice slice = slices(ns, "kubia").getFirst();
        assertThat(slice.getMetadata().getName()).startsWith("kubia-").hasSize("kubia-".length() + 5);
        assertThat(slice.getMetadata().getOwnerReferences().getFirst().getUid()).isEqualTo(svc.getMetadata().getUid());
        String rv = slice.getMetadata().getResourceVersion();

        setStatus(ns, "b", "10.42.0.3", true);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(ips(cluster.client.endpoints().inNamespace(ns).withName("kubia").get().getSubsets().getFirst()
                    .getAddresses())).containsExactly("10.42.0.2", "10.42.0.3");
            assertThat(sliceEndpoints(ns, "kubia")).containsExactly("10.42.0.2 ready=true", "10.42.0.3 ready=true");
        });
        // updated in place: still one slice, the same one
        assertThat(slices(ns, "kubia")).singleElement().satisfies(s -> {
            assertThat(s.getMetadata().getName()).isEqualTo(slice.getMetadata().getName());
            assertThat(s.getMetadata().getResourceVersion()).isNotEqualTo(rv);
        });

        cluster.client.pods().inNamespace(ns).withName("a").withGracePeriod(0).delete();
        cluster.client.pods().inNamespace(ns).withName("b").withGracePeriod(0).delete();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(cluster.client.endpoints().inNamespace(ns).withName("kubia").get().getSubsets()).isNullOrEmpty();
            // the placeholder slice
            assertThat(slices(ns, "kubia")).singleElement().satisfies(s -> assertThat(s.getEndpoints()).isNullOrEmpty());
        });

        cluster.client.services().inNamespace(ns).withName("kubia").delete();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                cluster.client.endpoints().inNamespace(ns).withName("kubia").get() == null);
    }

    @Test
    void endpointsOfSelectorlessServicesAreMirroredUnlessSkipped() {
        String ns = cluster.namespace("ep2");
        cluster.client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName("ext")
                .endMetadata().withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec().build()).create();
        cluster.client.endpoints().inNamespace(ns).resource(new EndpointsBuilder().withNewMetadata().withName("ext")
                .endMetadata().addNewSubset().addNewAddress().withIp("192.0.2.10").endAddress()
                .addNewPort().withName("http").withPort(8080).endPort().endSubset().build()).create();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(slices(ns, "ext")).singleElement().satisfies(s -> {
                assertThat(s.getMetadata().getLabels()).containsEntry("endpointslice.kubernetes.io/managed-by",
                        "endpointslicemirroring-controller.k8s.io");
                assertThat(s.getEndpoints()).singleElement().satisfies(e ->
                        assertThat(e.getAddresses()).containsExactly("192.0.2.10"));
                assertThat(s.getPorts().getFirst().getPort()).isEqualTo(8080);
            });
        });
        // the Endpoints controller leaves hand-made Endpoints of selectorless services alone
        assertThat(cluster.client.endpoints().inNamespace(ns).withName("ext").get().getSubsets()).hasSize(1);

        cluster.client.endpoints().inNamespace(ns).withName("ext").edit(e -> new EndpointsBuilder(e).editMetadata()
                .addToLabels(Map.of("endpointslice.kubernetes.io/skip-mirror", "true")).endMetadata().build());
        await().atMost(Duration.ofSeconds(10)).until(() -> slices(ns, "ext").isEmpty());
    }
}
