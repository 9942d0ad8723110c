package io.kube4j.e2e.controllers;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.TestNamespace;
import io.kube4j.e2e.node.NodePods;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** Chapter 4's ReplicationController walk-through with real kubectl and real containers. */
@Kube4jE2E
class ReplicationControllersIT {

    @Test
    void keepsThreeReplicasThroughDeletesRelabelsTemplateChangesScalingAndOrphaning(TestNamespace ns) {
        NodePods.apply(ns, ReplicatedPods.kubiaRc("kubia", 3));
        ReplicatedPods.awaitReady(ns, "rc/kubia", 3);
        assertThat(ns.kubectl().run("get", "rc")).succeeds()
                .headerMatches("NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+AGE")
                .hasLineMatching("kubia\\s+3\\s+3\\s+3\\s+\\d+s");
        assertThat(ns.kubectl().run("get", "pods", "-l", "app=kubia")).succeeds().hasRows(3)
                .hasLineMatching("kubia-[a-z0-9]{5}\\s+1/1\\s+Running\\s+0\\s+\\S+");
        assertThat(ns.kubectl().run("describe", "rc", "kubia")).succeeds().stdoutContains(
                "Name:         kubia", "Selector:     app=kubia", "Replicas:     3 current / 3 desired",
                "Pods Status:  3 Running / 0 Waiting / 0 Succeeded / 0 Failed", "SuccessfulCreate",
                "replication-controller  Created pod: kubia-");

        // a deleted pod is replaced
        List<String> before = ReplicatedPods.activePods(ns, "app=kubia");
        assertThat(ns.kubectl().run("delete", "pod", before.get(0), "--wait=false")).succeeds();
        NodePods.await("a replacement for " + before.get(0), ReplicatedPods.TIMEOUT, () -> {
            List<String> now = ReplicatedPods.activePods(ns, "app=kubia");
            return now.size() == 3 && !now.contains(before.get(0));
        }, () -> ns.kubectl().run("get", "pods").stdout());

        // a pod relabelled out of the selector is released and replaced
        String moved = ReplicatedPods.activePods(ns, "app=kubia").get(0);
        assertThat(ns.kubectl().run("label", "pod", moved, "app=foo", "--overwrite")).succeeds();
        NodePods.await("the relabelled pod released", ReplicatedPods.TIMEOUT,
                () -> NodePods.jsonPath(ns, "pod/" + moved, "{.metadata.ownerReferences}").isEmpty(),
                () -> ns.kubectl().run("get", "pod", moved, "-o", "yaml").stdout());
        ReplicatedPods.awaitActive(ns, "app=kubia", 3);
        assertThat(ns.kubectl().run("get", "pods", "-L", "app")).succeeds()
                .hasLineMatching(moved + "\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+foo");
        assertThat(ns.kubectl().run("delete", "pod", moved, "--wait=false")).succeeds();

        // a template change only shows in pods created afterwards
        assertThat(ns.kubectl().run("patch", "rc", "kubia", "--type=merge", "-p",
                "{\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"app\":\"kubia\",\"ver\":\"v2\"}}}}}")).succeeds();
        assertThat(ReplicatedPods.activePods(ns, "ver=v2")).isEmpty();
        String old = ReplicatedPods.activePods(ns, "app=kubia").get(0);
        assertThat(ns.kubectl().run("delete", "pod", old, "--wait=false")).succeeds();
        ReplicatedPods.awaitActive(ns, "ver=v2", 1);
        ReplicatedPods.awaitActive(ns, "app=kubia", 3);

        // scaling up and down
        assertThat(ns.kubectl().run("scale", "rc", "kubia", "--replicas=5"))
                .succeeds().printed("replicationcontroller/kubia scaled");
        ReplicatedPods.awaitActive(ns, "app=kubia", 5);
        ReplicatedPods.awaitReady(ns, "rc/kubia", 5);
        assertThat(ns.kubectl().run("get", "rc", "kubia")).succeeds().hasLineMatching("kubia\\s+5\\s+5\\s+5\\s+\\S+");
        assertThat(ns.kubectl().run("scale", "rc", "kubia", "--replicas=2")).succeeds();
        ReplicatedPods.awaitActive(ns, "app=kubia", 2);
        NodePods.await("SuccessfulDelete events", ReplicatedPods.TIMEOUT,
                () -> NodePods.eventText(ns, "kubia").lines().filter(l -> l.startsWith("SuccessfulDelete: Deleted pod: kubia-"))
                        .count() >= 3, () -> NodePods.eventText(ns, "kubia"));

        // orphaning keeps the pods, without their owner reference
        List<String> kept = ReplicatedPods.activePods(ns, "app=kubia");
        assertThat(ns.kubectl().run("delete", "rc", "kubia", "--cascade=orphan"))
                .succeeds().printed("replicationcontroller \"kubia\" deleted");
        NodePods.await("the RC gone", ReplicatedPods.TIMEOUT,
                () -> !ns.kubectl().run("get", "rc", "kubia").succeeded(), () -> "");
        NodePods.sleep(1000);
        assertThat(ReplicatedPods.activePods(ns, "app=kubia")).containsExactlyInAnyOrderElementsOf(kept);
        for (String pod : kept) {
            assertThat(NodePods.jsonPath(ns, "pod/" + pod, "{.metadata.ownerReferences}")).isEmpty();
        }
        assertThat(ns.kubectl().run("delete", "pods", "-l", "app=kubia", "--wait=false")).succeeds();
    }

    @Test
    void deletingTheControllerDeletesItsPods(TestNamespace ns) {
        NodePods.apply(ns, ReplicatedPods.kubiaRc("web", 2));
        ReplicatedPods.awaitReady(ns, "rc/web", 2);
        assertThat(ns.kubectl().withTimeout(Duration.ofSeconds(90)).run("delete", "rc", "web"))
                .succeeds().printed("replicationcontroller \"web\" deleted");
        NodePods.await("the pods gone", ReplicatedPods.TIMEOUT, () -> ReplicatedPods.allPods(ns).isEmpty(),
                () -> ns.kubectl().run("get", "pods").stdout());
    }
}
