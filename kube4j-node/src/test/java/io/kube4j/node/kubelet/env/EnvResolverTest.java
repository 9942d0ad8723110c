package io.kube4j.node.kubelet.env;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.kube4j.node.kubelet.runtime.PodRuntime.StartException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvResolverTest {
    final EnvResolver.Sources sources = new EnvResolver.Sources(
            (ns, name) -> name.equals("cfg") ? new ConfigMapBuilder().addToData("a", "1").addToData("b", "2").build()
                    : null,
            (ns, name) -> null,
            r -> new Quantity("2"));

    @Test
    void expansionFollowsUpstreamRules() {
        Map<String, String> vars = Map.of("A", "x", "B", "y");
        assertThat(EnvResolver.expand("$(A)-$(B)", vars)).isEqualTo("x-y");
        assertThat(EnvResolver.expand("$(C)", vars)).isEqualTo("$(C)");
        assertThat(EnvResolver.expand("$$(A)", vars)).isEqualTo("$(A)");
        assertThat(EnvResolver.expand("cost $5 $(A", vars)).isEqualTo("cost $5 $(A");
    }

    @Test
    void envFromFieldsResourcesAndConfigMaps() throws StartException {
        Container c = new ContainerBuilder().withName("app").withImage("i")
                .addNewEnvFrom().withPrefix("CFG_").withNewConfigMapRef().withName("cfg").endConfigMapRef().endEnvFrom()
                .addNewEnv().withName("POD").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name")
                .endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP")
                .endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("MEM").withNewValueFrom().withNewResourceFieldRef().withResource("limits.memory")
                .withDivisor(new Quantity("1Mi")).endResourceFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("GREETING").withValue("hi $(POD) on $(IP)").endEnv()
                .withCommand("echo", "$(GREETING)").withArgs("$(CFG_a)")
                .withNewResources().addToLimits("memory", new Quantity("64Mi")).endResources()
                .build();
        Pod pod = new PodBuilder().withNewMetadata().withName("kubia").withNamespace("default").withUid("u")
                .endMetadata().withNewSpec().withContainers(c).endSpec().build();
        EnvResolver.Resolved r = EnvResolver.resolve(pod, c, "10.42.0.7", "127.0.0.1", sources);
        assertThat(r.env()).extracting(Map.Entry::getKey).containsExactly("CFG_a", "CFG_b", "POD", "IP", "MEM",
                "GREETING");
        assertThat(r.env().get(4).getValue()).isEqualTo("64");
        assertThat(r.env().get(5).getValue()).isEqualTo("hi kubia on 10.42.0.7");
        assertThat(r.command()).containsExactly("echo", "hi kubia on 10.42.0.7");
        assertThat(r.args()).containsExactly("1");
    }

    @Test
    void missingConfigMapIsAConfigErrorUnlessOptional() {
        Container c = new ContainerBuilder().withName("app").withImage("i").addNewEnv().withName("X")
                .withNewValueFrom().withNewConfigMapKeyRef().withName("nope").withKey("k").endConfigMapKeyRef()
                .endValueFrom().endEnv().build();
        Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("default").endMetadata()
                .withNewSpec().withContainers(c).endSpec().build();
        assertThatThrownBy(() -> EnvResolver.resolve(pod, c, "", "", sources))
                .isInstanceOf(StartException.class).hasMessage("configmap \"nope\" not found")
                .extracting(e -> ((StartException) e).reason()).isEqualTo("CreateContainerConfigError");
        Container missingKey = new ContainerBuilder(c).editFirstEnv().editValueFrom().editConfigMapKeyRef()
                .withName("cfg").withKey("zz").endConfigMapKeyRef().endValueFrom().endEnv().build();
        assertThatThrownBy(() -> EnvResolver.resolve(pod, missingKey, "", "", sources))
                .hasMessage("couldn't find key zz in ConfigMap default/cfg");
    }

    private static Service service(String ns, String name, String clusterIp) {
        return new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata().withNewSpec()
                .withClusterIP(clusterIp).addNewPort().withName("http").withPort(80).withProtocol("TCP").endPort()
                .addNewPort().withName("dns-udp").withPort(53).withProtocol("UDP").endPort().endSpec().build();
    }

    @Test
    void servicesOfTheNamespaceAndTheApiServerBecomeVariables() throws StartException {
        Map<String, List<Service>> services = Map.of(
                "default", List.of(new ServiceBuilder().withNewMetadata().withNamespace("default")
                        .withName("kubernetes").endMetadata().withNewSpec().withClusterIP("10.43.0.1").addNewPort()
                        .withName("https").withPort(443).withProtocol("TCP").endPort().endSpec().build(),
                        service("default", "other", "10.43.0.9")),
                "shop", List.of(service("shop", "kubia-svc", "10.43.0.20"), service("shop", "headless", "None")));
        Map<String, String> env = EnvResolver.serviceEnv("shop", true, ns -> services.getOrDefault(ns, List.of()));
        assertThat(env).containsEntry("KUBIA_SVC_SERVICE_HOST", "10.43.0.20")
                .containsEntry("KUBIA_SVC_SERVICE_PORT", "80")
                .containsEntry("KUBIA_SVC_SERVICE_PORT_HTTP", "80")
                .containsEntry("KUBIA_SVC_SERVICE_PORT_DNS_UDP", "53")
                .containsEntry("KUBIA_SVC_PORT", "tcp://10.43.0.20:80")
                .containsEntry("KUBIA_SVC_PORT_80_TCP", "tcp://10.43.0.20:80")
                .containsEntry("KUBIA_SVC_PORT_80_TCP_PROTO", "tcp")
                .containsEntry("KUBIA_SVC_PORT_80_TCP_PORT", "80")
                .containsEntry("KUBIA_SVC_PORT_80_TCP_ADDR", "10.43.0.20")
                .containsEntry("KUBIA_SVC_PORT_53_UDP", "udp://10.43.0.20:53")
                .containsEntry("KUBERNETES_SERVICE_HOST", "10.43.0.1")
                .containsEntry("KUBERNETES_SERVICE_PORT", "443")
                .containsEntry("KUBERNETES_SERVICE_PORT_HTTPS", "443")
                .containsEntry("KUBERNETES_PORT_443_TCP", "tcp://10.43.0.1:443")
                .doesNotContainKeys("OTHER_SERVICE_HOST", "HEADLESS_SERVICE_HOST");
        // enableServiceLinks: false keeps only the API server's
        assertThat(EnvResolver.serviceEnv("shop", false, ns -> services.getOrDefault(ns, List.of())).keySet())
                .allMatch(k -> k.startsWith("KUBERNETES_")).isNotEmpty();

        // a container's own variables win, come first, and may refer to the service variables
        Container c = new ContainerBuilder().withName("app").withImage("i")
                .addNewEnv().withName("KUBIA_SVC_SERVICE_PORT").withValue("8080").endEnv()
                .addNewEnv().withName("URL").withValue("http://$(KUBIA_SVC_SERVICE_HOST)").endEnv().build();
        Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("shop").withUid("u").endMetadata()
                .withNewSpec().withContainers(c).endSpec().build();
        EnvResolver.Resolved r = EnvResolver.resolve(pod, c, "10.42.0.7", "127.0.0.1", new EnvResolver.Sources(
                (ns, name) -> null, (ns, name) -> null, q -> null, ns -> services.getOrDefault(ns, List.of())));
        assertThat(r.env().get(0)).isEqualTo(Map.entry("KUBIA_SVC_SERVICE_PORT", "8080"));
        assertThat(r.env().get(1)).isEqualTo(Map.entry("URL", "http://10.43.0.20"));
        assertThat(r.env()).contains(Map.entry("KUBIA_SVC_SERVICE_HOST", "10.43.0.20"));
    }
}
