package io.kube4j.e2e.controllers;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.TestNamespace;
import io.kube4j.e2e.node.NodePods;
import org.junit.jupiter.api.Test;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** Chapter 4's ReplicaSet with matchExpressions, with real kubectl and real containers. */
@Kube4jE2E
class ReplicaSetsIT {

    @Test
    void replicaSetWithMatchExpressionsRunsAndAdoptsMatchingPods(TestNamespace ns) {
        // a pod with the label exists first: the ReplicaSet adopts it and creates only two more
        NodePods.apply(ns, NodePods.kubia("kubia-manual"));
        NodePods.apply(ns, ReplicatedPods.kubiaRsWithExpressions("kubia", 3));
        ReplicatedPods.awaitReady(ns, "rs/kubia", 3);
        NodePods.awaitJsonPath(ns, "pod/kubia-manual", "{.metadata.ownerReferences[0].kind}",
                "ReplicaSet"::equals, ReplicatedPods.TIMEOUT);
        ReplicatedPods.awaitActive(ns, "app=kubia", 3);
        assertThat(ns.kubectl().run("get", "rs")).succeeds()
                .headerMatches("NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+AGE")
                .hasLineMatching("kubia\\s+3\\s+3\\s+3\\s+\\d+s");
        assertThat(ns.kubectl().run("get", "rs", "-o", "wide")).succeeds()
                .hasLineMatching("kubia\\s+3\\s+3\\s+3\\s+\\S+\\s+kubia\\s+" + NodePods.KUBIA.replace(".", "\\.")
                        + "\\s+app in \\(kubia\\)");
        assertThat(ns.kubectl().run("describe", "rs", "kubia")).succeeds().stdoutContains(
                "Selector:     app in (kubia)", "Replicas:     3 current / 3 desired",
                "Pods Status:  3 Running / 0 Waiting / 0 Succeeded / 0 Failed",
                "replicaset-controller  Created pod: kubia-");
        assertThat(NodePods.jsonPath(ns, "rs/kubia", "{.status.availableReplicas} {.status.fullyLabeledReplicas} "
                + "{.status.observedGeneration}")).isEqualTo("3 3 1");
        assertThat(ns.kubectl().withTimeout(java.time.Duration.ofSeconds(90)).run("delete", "rs", "kubia"))
                .succeeds().printed("replicaset.apps \"kubia\" deleted");
        NodePods.await("the pods gone", ReplicatedPods.TIMEOUT, () -> ReplicatedPods.allPods(ns).isEmpty(),
                () -> ns.kubectl().run("get", "pods").stdout());
    }
}
