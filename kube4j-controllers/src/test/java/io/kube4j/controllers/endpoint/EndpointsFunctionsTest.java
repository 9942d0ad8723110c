package io.kube4j.controllers.endpoint;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.kube4j.controllers.endpoint.TestPods.pod;
import static io.kube4j.controllers.endpoint.TestPods.port;
import static io.kube4j.controllers.endpoint.TestPods.service;
import static org.assertj.core.api.Assertions.assertThat;

class EndpointsFunctionsTest {
    static List<String> ips(List<EndpointAddress> a) {
        return a == null ? List.of() : a.stream().map(EndpointAddress::getIp).toList();
    }

    @Test
    void readyPodsAreAddressesAndOthersNotReadyAddressesInOneSubset() {
        Service svc = service("kubia", List.of(port(null, 80, 8080)));
        List<EndpointSubset> s = EndpointsFunctions.subsets(svc, List.of(pod("b", "10.42.0.10", true),
                pod("a", "10.42.0.9", true), pod("c", "10.42.0.11", false)));
        assertThat(s).hasSize(1);
        assertThat(ips(s.getFirst().getAddresses())).containsExactly("10.42.0.9", "10.42.0.10");
        assertThat(ips(s.getFirst().getNotReadyAddresses())).containsExactly("10.42.0.11");
        assertThat(s.getFirst().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPort()).isEqualTo(8080);
            assertThat(p.getName()).isNull();
            assertThat(p.getProtocol()).isEqualTo("TCP");
        });
        EndpointAddress a = s.getFirst().getAddresses().getFirst();
        assertThat(a.getNodeName()).isEqualTo("node-1");
        assertThat(a.getTargetRef().getKind()).isEqualTo("Pod");
        assertThat(a.getTargetRef().getName()).isEqualTo("a");
        assertThat(a.getTargetRef().getUid()).isEqualTo("uid-a");
        assertThat(a.getTargetRef().getNamespace()).isEqualTo("ns");
    }

    @Test
    void publishNotReadyAddressesPutsEveryPodInAddressesEvenTerminatingOnes() {
        Service svc = new ServiceBuilder(service("kubia", List.of(port(null, 80, 8080)))).editSpec()
                .withPublishNotReadyAddresses(true).endSpec().build();
        Pod terminating = new PodBuilder(pod("t", "10.42.0.3", true)).editMetadata()
                .withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata().build();
        List<EndpointSubset> s = EndpointsFunctions.subsets(svc, List.of(pod("n", "10.42.0.2", false), terminating));
        assertThat(ips(s.getFirst().getAddresses())).containsExactly("10.42.0.2", "10.42.0.3");
        assertThat(s.getFirst().getNotReadyAddresses()).isNullOrEmpty();
    }

    @Test
    void terminatingFinishedIpLessAndUnselectedPodsAreLeftOut() {
        Service svc = service("kubia", List.of(port(null, 80, 8080)));
        Pod terminating = new PodBuilder(pod("t", "10.42.0.3", true)).editMetadata()
                .withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata().build();
        Pod done = new PodBuilder(pod("d", "10.42.0.4", false)).editStatus().withPhase("Succeeded").endStatus().build();
        Pod other = new PodBuilder(pod("o", "10.42.0.5", true)).editMetadata().withLabels(Map.of("app", "x"))
                .endMetadata().build();
        Pod otherNs = new PodBuilder(pod("n", "10.42.0.6", true)).editMetadata().withNamespace("else").endMetadata().build();
        List<EndpointSubset> s = EndpointsFunctions.subsets(svc, List.of(terminating, done, other, otherNs,
                pod("noip", null, false), pod("ok", "10.42.0.7", true)));
        assertThat(s).hasSize(1);
        assertThat(ips(s.getFirst().getAddresses())).containsExactly("10.42.0.7");
        assertThat(s.getFirst().getNotReadyAddresses()).isNullOrEmpty();
    }

    @Test
    void namedTargetPortIsResolvedPerPodAndPodsWithoutItAreLeftOutOfThatPort() {
        Service svc = service("kubia", List.of(port("http", 80, "http"), port("metrics", 9090, 9090)));
        Pod noName = new PodBuilder(pod("x", "10.42.0.8", true)).editSpec().editFirstContainer().withPorts()
                .endContainer().endSpec().build();
        List<EndpointSubset> s = EndpointsFunctions.subsets(svc, List.of(pod("a", "10.42.0.2", true), noName));
        // as upstream's repacking: ports with the same address set share a subset, so a (both ports) appears in
        // the http subset alone and in the metrics subset with x
        assertThat(s).extracting(ss -> ips(ss.getAddresses()) + " " + ss.getPorts().stream()
                .map(p -> p.getName() + ":" + p.getPort()).toList())
                .containsExactlyInAnyOrder("[10.42.0.2] [http:8080]", "[10.42.0.2, 10.42.0.8] [metrics:9090]");
    }

    @Test
    void podsServingTheSamePortsShareOneSubsetWithAllPorts() {
        Service svc = service("kubia", List.of(port("a", 80, 8080), port("b", 81, 8081)));
        List<EndpointSubset> s = EndpointsFunctions.subsets(svc, List.of(pod("p1", "10.42.0.2", true),
                pod("p2", "10.42.0.3", false)));
        assertThat(s).hasSize(1);
        assertThat(s.getFirst().getPorts()).hasSize(2);
        assertThat(ips(s.getFirst().getAddresses())).containsExactly("10.42.0.2");
        assertThat(ips(s.getFirst().getNotReadyAddresses())).containsExactly("10.42.0.3");
    }

    @Test
    void hostnameIsSetOnlyWhenTheSubdomainIsTheService() {
        Service svc = service("kubia", List.of(port(null, 80, 8080)));
        Pod named = new PodBuilder(pod("a", "10.42.0.2", true)).editSpec().withHostname("web-0").withSubdomain("kubia")
                .endSpec().build();
        Pod elsewhere = new PodBuilder(pod("b", "10.42.0.3", true)).editSpec().withHostname("web-1")
                .withSubdomain("other").endSpec().build();
        List<EndpointSubset> s = EndpointsFunctions.subsets(svc, List.of(named, elsewhere));
        assertThat(s.getFirst().getAddresses()).extracting(EndpointAddress::getHostname).containsExactly("web-0", null);
    }

    @Test
    void headlessServiceWithoutPortsGetsAPortlessSubsetAndTheHeadlessLabel() {
        Service svc = new ServiceBuilder(service("kubia", List.of())).editSpec().withClusterIP("None").endSpec().build();
        List<EndpointSubset> s = EndpointsFunctions.subsets(svc, List.of(pod("a", "10.42.0.2", true)));
        assertThat(s).singleElement().satisfies(ss -> {
            assertThat(ips(ss.getAddresses())).containsExactly("10.42.0.2");
            assertThat(ss.getPorts()).isNullOrEmpty();
        });
        assertThat(EndpointsFunctions.labels(svc)).containsEntry("service.kubernetes.io/headless", "")
                .containsEntry("team", "a");
        // a service with a cluster IP and no ports has no endpoints
        assertThat(EndpointsFunctions.subsets(service("kubia", List.of()), List.of(pod("a", "10.42.0.2", true)))).isEmpty();
    }

    @Test
    void upToDateComparesSubsetsAndLabels() {
        Service svc = service("kubia", List.of(port(null, 80, 8080)));
        List<EndpointSubset> s = EndpointsFunctions.subsets(svc, List.of(pod("a", "10.42.0.2", true)));
        var current = new EndpointsBuilder().withNewMetadata().withName("kubia").withLabels(Map.of("team", "a"))
                .endMetadata().withSubsets(s).build();
        assertThat(EndpointsFunctions.upToDate(current, svc, s)).isTrue();
        assertThat(EndpointsFunctions.upToDate(current, svc, List.of())).isFalse();
        var relabelled = new EndpointsBuilder(current).editMetadata().withLabels(Map.of("team", "b")).endMetadata().build();
        assertThat(EndpointsFunctions.upToDate(relabelled, svc, s)).isFalse();
    }
}
