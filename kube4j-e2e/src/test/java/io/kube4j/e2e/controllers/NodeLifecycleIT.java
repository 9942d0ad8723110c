package io.kube4j.e2e.controllers;

import io.kube4j.e2e.Kubectl;
import io.kube4j.e2e.node.NodePods;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static io.kube4j.e2e.controllers.SimulatedCluster.jsonPath;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node lifecycle controller with real kubectl: a private server with two simulated nodes and a 5 s grace period,
 * and one more simulated node in a {@code kube4j agent --simulated} process of its own. Killing that process is the
 * node failure: the node goes NotReady (Unknown), gets the unreachable taints, and the pod that tolerates them for
 * 5 s is evicted while the one with the default 300 s stays.
 */
class NodeLifecycleIT {
    static final String NODE = "agent-sim-0";
    static SimulatedCluster cluster;
    static Kubectl kubectl;

    @BeforeAll
    static void start() throws Exception {
        cluster = SimulatedCluster.start("node-lifecycle", 2, "agent-sim-");
        kubectl = cluster.kubectl;
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String pod(String name, String node, String tolerations) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                spec:
                  nodeName: %s
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: app
                    image: kube4j.local/kubia:1
                %s
                """.formatted(name, node, tolerations);
    }

    @Test
    void aNodeWhoseAgentDiesGoesNotReadyIsTaintedAndItsPodsAreEvicted() throws Exception {
        assertThat(kubectl.withTimeout(Duration.ofSeconds(40)).run("wait", "--for=condition=Ready", "node/" + NODE,
                "node/sim-0", "--timeout=30s")).succeeds();
        Kubectl k = kubectl.inNamespace("default");
        assertThat(k.runWithStdin(pod("victim", NODE, """
                  tolerations:
                  - key: node.kubernetes.io/unreachable
                    operator: Exists
                    effect: NoExecute
                    tolerationSeconds: 5
                """) + "---\n" + pod("stays", NODE, "") + "---\n" + pod("healthy", "sim-0", ""),
                "apply", "-f", "-")).succeeds();
        assertThat(k.withTimeout(Duration.ofSeconds(40)).run("wait", "--for=condition=Ready", "pod/victim",
                "pod/stays", "pod/healthy", "--timeout=30s")).succeeds();
        // the API server's DefaultTolerationSeconds admission gave "stays" 300 s
        assertThat(jsonPath(k, "pod/stays", "{.spec.tolerations[?(@.key==\"node.kubernetes.io/unreachable\")]"
                + ".tolerationSeconds}")).isEqualTo("300");

        Instant killed = Instant.now();
        cluster.killAgent();

        NodePods.await(NODE + " NotReady", Duration.ofSeconds(30),
                () -> kubectl.run("get", "nodes").lines().stream().anyMatch(l -> l.matches(NODE + "\\s+NotReady\\s+.*")),
                () -> kubectl.run("get", "nodes").out());
        Duration toNotReady = Duration.between(killed, Instant.now());
        assertThat(kubectl.run("get", "nodes")).succeeds().hasLineMatching("sim-0\\s+Ready\\s+.*")
                .hasLineMatching("sim-1\\s+Ready\\s+.*");
        assertThat(jsonPath(kubectl, "node/" + NODE, "{.status.conditions[?(@.type==\"Ready\")].reason}"))
                .isEqualTo("NodeStatusUnknown");
        assertThat(jsonPath(kubectl, "node/" + NODE, "{.status.conditions[?(@.type==\"Ready\")].message}"))
                .isEqualTo("Kubelet stopped posting node status.");
        NodePods.await("unreachable taints", Duration.ofSeconds(15),
                () -> kubectl.run("describe", "node", NODE).out().contains("node.kubernetes.io/unreachable:NoSchedule"),
                () -> kubectl.run("describe", "node", NODE).out());
        String describe = kubectl.run("describe", "node", NODE).out();
        assertThat(describe).containsPattern("Taints:\\s+node\\.kubernetes\\.io/unreachable:NoExecute")
                .contains("node.kubernetes.io/unreachable:NoSchedule")
                .containsPattern("Ready\\s+Unknown\\s+.*NodeStatusUnknown\\s+Kubelet stopped posting node status\\.");
        assertThat(kubectl.run("describe", "node", "sim-0").out()).containsPattern("Taints:\\s+<none>");

        NodePods.await("victim evicted", Duration.ofSeconds(30),
                () -> !jsonPath(k, "pod/victim", "{.metadata.deletionTimestamp}").isEmpty(),
                () -> k.run("get", "pods", "-o", "wide").out());
        Duration toEviction = Duration.between(killed, Instant.now());
        assertThat(k.run("get", "pod", "victim")).succeeds().hasLineMatching("victim\\s+1/1\\s+Terminating\\s+.*");
        assertThat(jsonPath(k, "pod/victim", "{.status.conditions[?(@.type==\"DisruptionTarget\")].reason}"))
                .isEqualTo("DeletionByTaintManager");
        assertThat(k.run("get", "events", "--field-selector", "involvedObject.name=victim")).succeeds()
                .stdoutContains("TaintManagerEviction", "Marking for deletion Pod default/victim");
        assertThat(kubectl.run("get", "events", "-n", "default", "--field-selector", "involvedObject.name=" + NODE))
                .succeeds().stdoutContains("NodeNotReady", "Node " + NODE + " status is now: NodeNotReady");
        assertThat(jsonPath(k, "pod/stays", "{.metadata.deletionTimestamp}")).isEmpty();
        assertThat(jsonPath(k, "pod/stays", "{.status.conditions[?(@.type==\"Ready\")].status}")).isEqualTo("False");
        assertThat(jsonPath(k, "pod/healthy", "{.metadata.deletionTimestamp}")).isEmpty();
        System.out.println("NodeLifecycleIT: NotReady after " + toNotReady.toMillis() + " ms, victim evicted after "
                + toEviction.toMillis() + " ms");
    }
}
