package io.kube4j.controllers;

import io.kube4j.client.testing.AdminClients;
import io.kube4j.client.testing.FakeClock;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kube4j.apiserver.resources.admission.AdmissionPlugins;
import io.kube4j.apiserver.server.ApiServer;
import io.kube4j.apiserver.server.ApiServerOptions;

import java.nio.file.Path;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * An in-process API server (memory storage) with a client and a controller manager running the given controllers
 * against a {@link FakeClock}, for controller integration tests. No kubelet: tests write pod status themselves.
 */
public final class InProcessCluster implements AutoCloseable {
    public final ApiServer server;
    public final KubernetesClient client;
    public final FakeClock clock = new FakeClock(Instant.now());
    public final ControllerManager manager;

    /**
     * Without the ServiceAccount admission (no accounts controller) and without StorageObjectInUseProtection (no
     * protection controllers to lift its finalizers).
     */
    public InProcessCluster(Path dir, List<Function<ControllerContext, Controller>> controllers) throws Exception {
        this(dir, controllers, AdmissionPlugins.without(AdmissionPlugins.SERVICE_ACCOUNT,
                AdmissionPlugins.STORAGE_OBJECT_IN_USE_PROTECTION));
    }

    public InProcessCluster(Path dir, List<Function<ControllerContext, Controller>> controllers,
                            Set<String> admissionPlugins) throws Exception {
        server = new ApiServer(new ApiServerOptions(dir.resolve("server"), "127.0.0.1", 0, "memory", null, null, null,
                admissionPlugins)).start();
        var pki = server.pki();
        client = AdminClients.of(server.port(), pki.caPem(), pki.admin().certPem(), pki.admin().keyPem());
        manager = new ControllerManager(() -> new ControllerContext(client, clock, "test-host"), controllers,
                io.kube4j.client.leaderelection.LeaderElectionConfig.disabled()).start();
    }

    public String namespace(String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
                .create();
        return name;
    }

    @Override
    public void close() {
        manager.close();
        client.close();
        server.close();
    }
}
