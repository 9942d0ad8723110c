package io.kube4j.controllers;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Base of the controller tests that run their controllers against an in-process API server: each test gets a fresh
 * {@link InProcessCluster} with {@link #controllers()}, and a client of it.
 */
public abstract class ControllerClusterTest {
    @TempDir
    protected Path dir;
    protected InProcessCluster cluster;
    protected KubernetesClient client;

    /** The controllers under test, built for each test's cluster. */
    protected abstract List<Function<ControllerContext, Controller>> controllers();

    /** The API server's admission plugins; null for {@link InProcessCluster}'s default. */
    protected Set<String> admission() {
        return null;
    }

    @BeforeEach
    void startCluster() throws Exception {
        Set<String> plugins = admission();
        cluster = plugins == null ? new InProcessCluster(dir, controllers())
                : new InProcessCluster(dir, controllers(), plugins);
        client = cluster.client;
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }
}
