package io.kube4j.controllers.rootcacertpublisher;

import java.util.function.Function;
import io.kube4j.controllers.ControllerContext;
import io.kube4j.controllers.ControllerClusterTest;
import io.kube4j.controllers.Controller;
import io.fabric8.kubernetes.api.model.ConfigMap;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The publisher against an in-process API server: published in every namespace, restored when edited or deleted. */
class RootCaCertPublisherTest extends ControllerClusterTest {
    static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";
    @Override
    protected List<Function<ControllerContext, Controller>> controllers() {
        return List.of(ctx -> new RootCaCertPublisher(ctx, PEM));
    }

    private ConfigMap cm(String ns) {
        return client.configMaps().inNamespace(ns).withName("kube-root-ca.crt").get();
    }

    @Test
    void publishesInEveryNamespaceAndRestoresIt() {
        await().atMost(Duration.ofSeconds(10)).until(() -> cm("default") != null && cm("kube-system") != null);
        cluster.namespace("team-a");
        await().atMost(Duration.ofSeconds(10)).until(() -> cm("team-a") != null);
        ConfigMap published = cm("team-a");
        assertThat(published.getData()).isEqualTo(Map.of("ca.crt", PEM));
        assertThat(published.getMetadata().getAnnotations())
                .containsEntry("kubernetes.io/description", RootCaCertPublisher.DESCRIPTION);

        client.configMaps().inNamespace("team-a").withName("kube-root-ca.crt").edit(c -> {
            c.setData(Map.of("ca.crt", "tampered", "extra", "x"));
            return c;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> Map.of("ca.crt", PEM).equals(cm("team-a").getData()));

        client.configMaps().inNamespace("team-a").withName("kube-root-ca.crt").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> cm("team-a") != null
                && PEM.equals(cm("team-a").getData().get("ca.crt")));
    }
}
