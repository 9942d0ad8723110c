package io.kube4j.e2e.controllers;

import io.kube4j.e2e.Kubectl;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.node.NodePods;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static io.kube4j.e2e.controllers.SimulatedCluster.jsonPath;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chapter 10's failed node with real kubectl: a private server with one simulated node and a 5 s grace period, and
 * a simulated node in an agent process of its own that runs the StatefulSet's only pod. Killing the agent makes the
 * node Unknown and tainted, and the pod is marked for deletion; as nobody confirms it, the pod stays Terminating and
 * the StatefulSet makes no second {@code kubia-0} (at most one pod per identity) until the pod is deleted by force;
 * then the new {@code kubia-0} runs on the healthy node.
 */
class StatefulSetNodeFailureIT {
    static final String NODE = "sts-sim-0";
    static final Duration TIMEOUT = Duration.ofSeconds(40);
    static SimulatedCluster cluster;
    static Kubectl kubectl;

    @BeforeAll
    static void start() throws Exception {
        cluster = SimulatedCluster.start("sts-node-failure", 1, "sts-sim-");
        kubectl = cluster.kubectl;
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aPodOfALostNodeIsReplacedOnlyAfterAForcedDeletion() throws Exception {
        assertThat(kubectl.withTimeout(Duration.ofSeconds(40)).run("wait", "--for=condition=Ready", "node/" + NODE,
                "node/sim-0", "--timeout=30s")).succeeds();
        Kubectl k = kubectl.inNamespace("default");
        // only the agent's node takes the pod at first
        assertThat(kubectl.run("cordon", "sim-0")).succeeds().printed("node/sim-0 cordoned");
        assertThat(k.runWithStdin("""
                apiVersion: v1
                kind: Service
                metadata:
                  name: kubia
                spec:
                  clusterIP: None
                  selector:
                    app: kubia
                  ports:
                  - port: 80
                    targetPort: 8080
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata:
                  name: kubia
                spec:
                  serviceName: kubia
                  replicas: 1
                  selector:
                    matchLabels:
                      app: kubia
                  template:
                    metadata:
                      labels:
                        app: kubia
                    spec:
                      terminationGracePeriodSeconds: 1
                      tolerations:
                      - key: node.kubernetes.io/unreachable
                        operator: Exists
                        effect: NoExecute
                        tolerationSeconds: 2
                      containers:
                      - name: kubia
                        image: kube4j.local/kubia:1
                """, "apply", "-f", "-")).succeeds();
        NodePods.await("kubia-0 ready", TIMEOUT,
                () -> "True".equals(jsonPath(k, "pod/kubia-0", "{.status.conditions[?(@.type==\"Ready\")].status}")),
                () -> k.run("get", "pods", "-o", "wide").out() + k.run("get", "events").out());
        assertThat(jsonPath(k, "pod/kubia-0", "{.spec.nodeName}")).isEqualTo(NODE);
        String uid = jsonPath(k, "pod/kubia-0", "{.metadata.uid}");
        assertThat(kubectl.run("uncordon", "sim-0")).succeeds().printed("node/sim-0 uncordoned");

        cluster.killAgent();
        NodePods.await(NODE + " NotReady", TIMEOUT,
                () -> kubectl.run("get", "nodes").lines().stream().anyMatch(l -> l.matches(NODE + "\\s+NotReady\\s+.*")),
                () -> kubectl.run("get", "nodes").out());
        assertThat(jsonPath(kubectl, "node/" + NODE, "{.status.conditions[?(@.type==\"Ready\")].status}"))
                .isEqualTo("Unknown");
        NodePods.await(NODE + " tainted", TIMEOUT, () -> jsonPath(kubectl, "node/" + NODE, "{.spec.taints[*].key}")
                .contains("node.kubernetes.io/unreachable"), () -> kubectl.run("describe", "node", NODE).out());
        NodePods.await("kubia-0 marked for deletion", TIMEOUT,
                () -> !jsonPath(k, "pod/kubia-0", "{.metadata.deletionTimestamp}").isEmpty(),
                () -> k.run("get", "pods", "-o", "wide").out());
        assertThat(k.run("get", "events", "--field-selector", "involvedObject.name=kubia-0")).succeeds()
                .stdoutContains("TaintManagerEviction", "Marking for deletion Pod default/kubia-0");

        // nobody confirms the deletion: the pod stays Terminating and no second kubia-0 is made
        Instant until = Instant.now().plus(Duration.ofSeconds(6));
        while (Instant.now().isBefore(until)) {
            assertThat(jsonPath(k, "pod/kubia-0", "{.metadata.uid}")).isEqualTo(uid);
            NodePods.sleep(500);
        }
        assertThat(k.run("get", "pods")).succeeds().hasRows(1).hasLineMatching("kubia-0\\s+\\S+\\s+Terminating\\s+.*");
        assertThat(jsonPath(k, "statefulset/kubia", "{.status.replicas}")).isEqualTo("1");

        KubectlResult forced = k.run("delete", "pod", "kubia-0", "--force", "--grace-period=0");
        assertThat(forced).succeeds().stdoutContains("pod \"kubia-0\" force deleted")
                .stderrContains("Warning: Immediate deletion does not wait for confirmation that the running "
                        + "resource has been terminated. The resource may continue to run on the cluster indefinitely.");
        NodePods.await("a new kubia-0 ready on sim-0", TIMEOUT, () -> {
            String v = jsonPath(k, "pod/kubia-0", "{.metadata.uid} {.spec.nodeName} "
                    + "{.status.conditions[?(@.type==\"Ready\")].status}");
            return !v.isEmpty() && !v.startsWith(uid) && v.endsWith(" sim-0 True");
        }, () -> k.run("get", "pods", "-o", "wide").out() + k.run("get", "events").out());
        assertThat(k.run("get", "events", "--field-selector", "involvedObject.name=kubia")).succeeds()
                .stdoutContains("create Pod kubia-0 in StatefulSet kubia successful");
    }
}
