package io.kube4j.e2e.controllers;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.TestNamespace;
import io.kube4j.e2e.node.NodePods;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** A DaemonSet with a nodeSelector on the real node: labelling the node adds its pod, unlabelling removes it. */
@Kube4jE2E
class DaemonSetsIT {

    @Test
    void labellingTheNodeAddsThePodAndUnlabellingRemovesIt(TestNamespace ns) {
        String label = "kube4j-e2e-ds-" + Integer.toHexString(ns.name().hashCode());
        NodePods.apply(ns, """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata:
                  name: agent
                spec:
                  selector:
                    matchLabels:
                      app: agent
                  template:
                    metadata:
                      labels:
                        app: agent
                    spec:
                      nodeSelector:
                        %s: "yes"
                      terminationGracePeriodSeconds: 2
                      containers:
                      - name: main
                        image: %s
                        command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
                """.formatted(label, NodePods.BUSYBOX));
        try {
            assertThat(ns.kubectl().run("get", "ds", "agent")).succeeds()
                    .headerMatches("NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+NODE SELECTOR\\s+AGE");
            NodePods.sleep(1000);
            assertThat(ns.kubectl().run("get", "pods", "-l", "app=agent", "--no-headers")).succeeds().printed("");

            assertThat(ns.kubectl().run("label", "node", NodePods.NODE, label + "=yes")).succeeds();
            NodePods.awaitJsonPath(ns, "ds/agent", "{.status.numberReady}", "1"::equals, Duration.ofSeconds(60));
            assertThat(ns.kubectl().run("get", "ds", "agent", "--no-headers")).succeeds()
                    .hasLineMatching("agent\\s+1\\s+1\\s+1\\s+1\\s+1\\s+" + label + "=yes\\s+\\S+");
            assertThat(NodePods.jsonPath(ns, "pods", "{.items[0].spec.nodeName}")).isEqualTo(NodePods.NODE);
            assertThat(NodePods.jsonPath(ns, "pods",
                    "{.items[0].spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
                            + ".nodeSelectorTerms[0].matchFields[0].values[0]}")).isEqualTo(NodePods.NODE);
            assertThat(NodePods.eventText(ns, "agent")).containsPattern("SuccessfulCreate: Created pod: agent-\\w{5}\n");

            assertThat(ns.kubectl().run("label", "node", NodePods.NODE, label + "-")).succeeds();
            NodePods.awaitJsonPath(ns, "pods", "{.items[*].metadata.name}", String::isEmpty, Duration.ofSeconds(60));
            NodePods.awaitJsonPath(ns, "ds/agent", "{.status.desiredNumberScheduled}", "0"::equals,
                    Duration.ofSeconds(30));
        } finally {
            ns.kubectl().run("label", "node", NodePods.NODE, label + "-");
        }
    }
}
