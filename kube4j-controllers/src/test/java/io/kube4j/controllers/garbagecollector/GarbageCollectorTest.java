package io.kube4j.controllers.garbagecollector;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.kube4j.controllers.InProcessCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The garbage collector against an in-process server: its graph holds metadata only, and it still collects. */
class GarbageCollectorTest {
    @TempDir
    static Path dir;
    static InProcessCluster cluster;
    static volatile GarbageCollector gc;

    @BeforeAll
    static void start() throws Exception {
        cluster = new InProcessCluster(dir, List.of(ctx -> gc = new GarbageCollector(ctx)));
        cluster.namespace("gc");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static ConfigMap owner(String name) {
        return cluster.client.configMaps().inNamespace("gc").resource(new ConfigMapBuilder().withNewMetadata()
                .withName(name).endMetadata().addToData("payload", "x".repeat(500)).build()).create();
    }

    private static ConfigMap dependent(String name, ConfigMap owner) {
        return cluster.client.configMaps().inNamespace("gc").resource(new ConfigMapBuilder().withNewMetadata()
                .withName(name).withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1")
                        .withKind("ConfigMap").withName(owner.getMetadata().getName())
                        .withUid(owner.getMetadata().getUid()).build())
                .endMetadata().addToData("payload", "y").build()).create();
    }

    @Test
    void graphHoldsMetadataOnly() {
        ConfigMap o = owner("meta-only");
        await().atMost(Duration.ofSeconds(20)).until(() -> gc.cached("/v1/configmaps", "gc", "meta-only") != null);
        GenericKubernetesResource cached = gc.cached("/v1/configmaps", "gc", "meta-only");
        assertThat(cached.getKind()).isEqualTo("PartialObjectMetadata");
        assertThat(cached.getAdditionalProperties()).doesNotContainKey("data");
        assertThat(cached.getMetadata().getUid()).isEqualTo(o.getMetadata().getUid());
    }

    @Test
    void dependentOfADeletedOwnerIsDeleted() {
        ConfigMap o = owner("owner-bg");
        dependent("dep-bg", o);
        await().atMost(Duration.ofSeconds(20)).until(() -> gc.cached("/v1/configmaps", "gc", "dep-bg") != null);
        cluster.client.configMaps().inNamespace("gc").withName("owner-bg").delete();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                cluster.client.configMaps().inNamespace("gc").withName("dep-bg").get() == null);
    }

    @Test
    void orphanedDependentLosesItsReference() {
        ConfigMap o = owner("owner-orphan");
        dependent("dep-orphan", o);
        await().atMost(Duration.ofSeconds(20)).until(() -> gc.cached("/v1/configmaps", "gc", "dep-orphan") != null);
        cluster.client.configMaps().inNamespace("gc").withName("owner-orphan")
                .withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                cluster.client.configMaps().inNamespace("gc").withName("owner-orphan").get() == null);
        ConfigMap left = cluster.client.configMaps().inNamespace("gc").withName("dep-orphan").get();
        assertThat(left).isNotNull();
        assertThat(left.getMetadata().getOwnerReferences()).isEmpty();
    }
}
