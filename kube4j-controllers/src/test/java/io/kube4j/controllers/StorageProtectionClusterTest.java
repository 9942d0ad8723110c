package io.kube4j.controllers;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kube4j.apiserver.resources.admission.AdmissionPlugins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;

/**
 * Base of the storage-protection controller tests: each test gets its own in-process cluster with the
 * StorageObjectInUseProtection admission (it adds the finalizers) running the controller under test, which lifts them.
 */
public abstract class StorageProtectionClusterTest {
    @TempDir
    protected Path dir;
    protected InProcessCluster cluster;
    protected KubernetesClient client;

    /** The controller under test. */
    protected abstract Function<ControllerContext, Controller> controller();

    @BeforeEach
    void startCluster() throws Exception {
        cluster = new InProcessCluster(dir, List.of(controller()),
                AdmissionPlugins.without(AdmissionPlugins.SERVICE_ACCOUNT));
        client = cluster.client;
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    /**
     * The deleted object stays, Terminating, for two seconds: its finalizer holds it although the controller had time
     * to look (it lifts the finalizer at once when nothing uses the object).
     */
    protected static void awaitHeld(Supplier<? extends HasMetadata> get) {
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> {
            HasMetadata o = get.get();
            return o != null && o.getMetadata().getDeletionTimestamp() != null;
        });
    }

    /** The object is gone within 30 seconds. */
    protected static void awaitGone(Supplier<?> get) {
        await().atMost(Duration.ofSeconds(30)).until(() -> get.get() == null);
    }
}
