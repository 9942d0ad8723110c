package io.kube4j.controllers;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.kube4j.apiserver.resources.admission.AdmissionPlugins;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;

/**
 * Base of the storage-protection controller tests: each test gets its own in-process cluster with the
 * StorageObjectInUseProtection admission (it adds the finalizers) running the controller under test, which lifts them.
 */
public abstract class StorageProtectionClusterTest extends ControllerClusterTest {
    /** The controller under test. */
    protected abstract Function<ControllerContext, Controller> controller();

    @Override
    protected List<Function<ControllerContext, Controller>> controllers() {
        return List.of(controller());
    }

    @Override
    protected Set<String> admission() {
        return AdmissionPlugins.without(AdmissionPlugins.SERVICE_ACCOUNT);
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
