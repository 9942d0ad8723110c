package io.kube4j.e2e.node;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.Kube4jServer;
import io.kube4j.e2e.TestNamespace;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restarting kube4j does not restart the pods: containers keep running while the server and its kubelet are down,
 * and the new kubelet adopts them (same container, RESTARTS still 0).
 */
@Kube4jE2E
class NodeRestartIT {
    @Test
    void runningContainersAreAdoptedAfterARestart(Kube4jServer server, TestNamespace ns) throws Exception {
        adoptsAfterRestart(server, ns, false);
    }

    @Test
    void runningContainersAreAdoptedAfterTheServerWasKilled(Kube4jServer server, TestNamespace ns) throws Exception {
        adoptsAfterRestart(server, ns, true);
    }

    private void adoptsAfterRestart(Kube4jServer server, TestNamespace ns, boolean sigkill) throws Exception {
        NodePods.createReady(ns, NodePods.kubia("survivor"), "survivor");
        String id = NodePods.awaitJsonPath(ns, "pod/survivor", "{.status.containerStatuses[0].containerID}",
                s -> s.startsWith("containerd://"), Duration.ofSeconds(30));
        String ip = NodePods.podIp(ns, "survivor");

        server.restartInPlace(sigkill);

        assertThat(NodePods.httpGet(ip, 8080).body()).isEqualTo("You've hit survivor\n");
        NodePods.waitReady(ns, "survivor");
        assertThat(ns.kubectl().run("get", "pod", "survivor", "-o",
                "jsonpath={.status.containerStatuses[0].containerID} {.status.containerStatuses[0].restartCount}"))
                .succeeds().printed(id + " 0");
        // the adopted pod is still fully managed: deleting it stops its container
        assertThat(ns.kubectl().withTimeout(Duration.ofSeconds(60)).run("delete", "pod", "survivor")).succeeds();
    }
}
