package io.kube4j.e2e.node;

import io.kube4j.e2e.Kube4jServer;
import io.kube4j.e2e.Kubectl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;

/**
 * {@code kube4j server --simulated-nodes 3} on a private server without a real node: three Ready nodes that run
 * pods bound to them without containers, seen through real kubectl.
 */
class SimulatedNodesIT {
    static Kube4jServer server;
    static Kubectl kubectl;

    @BeforeAll
    static void start() throws Exception {
        server = Kube4jServer.startFresh("simulated-nodes", false, "--simulated-nodes", "3");
        kubectl = Kubectl.forServer(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void threeSimulatedNodesAreReadyAndRunPods() {
        // the server answers before its simulated nodes have registered
        NodePods.await("three simulated nodes", Duration.ofSeconds(30),
                () -> kubectl.run("get", "nodes", "-l", "kube4j.io/simulated=true", "--no-headers").lines().size() == 3,
                () -> kubectl.run("get", "nodes").out());
        assertThat(kubectl.withTimeout(Duration.ofSeconds(40)).run("wait", "--for=condition=Ready", "node/sim-0",
                "node/sim-1", "node/sim-2", "--timeout=30s")).succeeds();
        assertThat(kubectl.run("get", "nodes", "-l", "kube4j.io/simulated=true")).succeeds().hasRows(3)
                .hasLineMatching("sim-0\\s+Ready\\s+<none>\\s+\\S+\\s+v1\\.32\\.\\d+\\S*")
                .hasLineMatching("sim-2\\s+Ready\\s+.*");
        assertThat(kubectl.run("get", "node", "sim-1", "-o",
                "jsonpath={.status.capacity.cpu} {.status.capacity.memory} {.status.capacity.pods}"))
                .succeeds().printed("4 16Gi 110");
        assertThat(kubectl.run("get", "lease", "-n", "kube-node-lease", "sim-1", "-o",
                "jsonpath={.spec.holderIdentity}")).succeeds().printed("sim-1");

        Kubectl k = kubectl.inNamespace("default");
        assertThat(k.runWithStdin("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: on-sim
                spec:
                  nodeName: sim-1
                  containers:
                  - name: app
                    image: kube4j.local/kubia:1
                """, "apply", "-f", "-")).succeeds();
        assertThat(k.withTimeout(Duration.ofSeconds(40)).run("wait", "--for=condition=Ready", "pod/on-sim",
                "--timeout=30s")).succeeds();
        assertThat(k.run("get", "pod", "on-sim", "-o", "wide")).succeeds()
                .hasLineMatching("on-sim\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+10\\.42\\.\\d+\\.\\d+\\s+sim-1\\s+.*");
        assertThat(k.run("delete", "pod", "on-sim", "--wait=true", "--timeout=20s")).succeeds();
        assertThat(k.run("get", "pod", "on-sim")).stderrContains("pods \"on-sim\" not found");
    }
}
