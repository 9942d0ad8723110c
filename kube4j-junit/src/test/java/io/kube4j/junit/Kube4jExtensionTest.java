package io.kube4j.junit;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A test class as a kube4j user writes one: the cluster comes with the annotation. */
@Kube4jTest
class Kube4jExtensionTest {

    @Test
    void clientTalksToARealApiServer(KubernetesClient client) {
        client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("settings").endMetadata()
                .addToData("mode", "test").build()).create();
        assertThat(client.configMaps().withName("settings").get().getData()).containsEntry("mode", "test");
    }

    @Test
    void validationIsUpstreams(KubernetesClient client) {
        assertThatThrownBy(() -> client.pods().resource(new PodBuilder().withNewMetadata().withName("empty")
                .endMetadata().withNewSpec().endSpec().build()).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("spec.containers: Required value");
    }

    @Test
    void oneClusterServesTheClass(Kube4jCluster cluster, KubernetesClient client) {
        assertThat(cluster.url()).startsWith("https://127.0.0.1:");
        assertThat(cluster.kubeconfig()).contains(cluster.url());
        assertThat(client.getMasterUrl().toString()).startsWith(cluster.url());
    }
}
