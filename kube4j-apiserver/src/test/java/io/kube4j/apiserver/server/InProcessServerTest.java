package io.kube4j.apiserver.server;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the test classes that share one in-memory API server per class and an admin client of it: started before
 * the class's first test (before a subclass's own {@code @BeforeAll}), stopped after its last. Test classes run one
 * at a time, so the static fields belong to the running class.
 */
abstract class InProcessServerTest {
    static InProcessServer server;
    static KubernetesClient client;

    @BeforeAll
    static void startServer() throws Exception {
        server = new InProcessServer("memory");
        client = server.client();
    }

    @AfterAll
    static void stopServer() throws Exception {
        client.close();
        server.close();
    }
}
