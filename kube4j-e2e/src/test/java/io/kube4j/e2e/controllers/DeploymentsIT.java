package io.kube4j.e2e.controllers;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.TestNamespace;
import io.kube4j.e2e.node.NodePods;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** Chapter 9: Deployments, rolled out, rolled back, paused and resumed with kubectl, on real containers. */
@Kube4jE2E
class DeploymentsIT {
    static String deployment(String name, String image, String strategy, String extraSpec) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: %s
                spec:
                  replicas: 3
                %s
                  strategy:
                %s
                  selector:
                    matchLabels:
                      app: %s
                  template:
                    metadata:
                      name: kubia
                      labels:
                        app: %s
                    spec:
                      nodeName: %s
                      terminationGracePeriodSeconds: 1
                      containers:
                      - name: nodejs
                        image: %s
                """.formatted(name, extraSpec, strategy, name, name, NodePods.NODE, image);
    }

    static final String ROLLING = "    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 0";

    private static KubectlResult rolloutStatus(TestNamespace ns, String name) {
        return ns.kubectl().withTimeout(Duration.ofSeconds(120)).run("rollout", "status", "deployment/" + name,
                "--timeout=100s");
    }

    @Test
    void rollOutSetImageHistoryAndUndo(TestNamespace ns) {
        assertThat(ns.kubectl().runWithStdin(deployment("kubia", NodePods.KUBIA, ROLLING, ""), "apply", "-f", "-"))
                .succeeds();
        assertThat(rolloutStatus(ns, "kubia")).succeeds()
                .stdoutContains("deployment \"kubia\" successfully rolled out");
        assertThat(ns.kubectl().run("get", "deployment", "kubia")).succeeds()
                .headerMatches("NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE")
                .hasLineMatching("kubia\\s+3/3\\s+3\\s+3\\s+\\S+");
        assertThat(ns.kubectl().run("get", "rs", "-l", "app=kubia")).succeeds()
                .hasLineMatching("kubia-[bcdfghjklmnpqrstvwxz2456789]+\\s+3\\s+3\\s+3\\s+\\S+");

        assertThat(ns.kubectl().run("set", "image", "deployment/kubia", "nodejs=kube4j.local/kubia:2")).succeeds();
        assertThat(rolloutStatus(ns, "kubia")).succeeds()
                .stdoutContains("deployment \"kubia\" successfully rolled out");
        // the old pods finish terminating after the rollout is reported done, as upstream
        NodePods.awaitJsonPath(ns, "pods", "{range .items[*]}{.spec.containers[0].image}{\"\\n\"}{end}",
                images -> !images.contains("kube4j.local/kubia:1") && images.lines().count() == 3,
                Duration.ofSeconds(30));
        assertThat(ns.kubectl().run("rollout", "history", "deployment/kubia")).succeeds()
                .stdoutContains("REVISION", "1 ", "2 ");
        assertThat(ns.kubectl().run("describe", "deployment", "kubia")).succeeds()
                .stdoutContains("Scaled up replica set kubia-", "Scaled down replica set kubia-",
                        "NewReplicaSetAvailable");

        assertThat(ns.kubectl().run("rollout", "undo", "deployment/kubia")).succeeds()
                .printed("deployment.apps/kubia rolled back");
        assertThat(rolloutStatus(ns, "kubia")).succeeds();
        assertThat(ns.kubectl().run("get", "deployment", "kubia", "-o",
                "jsonpath={.spec.template.spec.containers[0].image} {.metadata.annotations.deployment\\.kubernetes\\.io/revision}"))
                .succeeds().printed(NodePods.KUBIA + " 3");
        assertThat(ns.kubectl().run("rollout", "undo", "deployment/kubia", "--to-revision=2")).succeeds();
        assertThat(rolloutStatus(ns, "kubia")).succeeds();
        assertThat(ns.kubectl().run("get", "deployment", "kubia", "-o",
                "jsonpath={.spec.template.spec.containers[0].image}")).succeeds().printed("kube4j.local/kubia:2");
    }

    @Test
    void pausedRolloutWaitsForResume(TestNamespace ns) {
        assertThat(ns.kubectl().runWithStdin(deployment("paused", NodePods.KUBIA, ROLLING, ""), "apply", "-f", "-"))
                .succeeds();
        assertThat(rolloutStatus(ns, "paused")).succeeds();
        assertThat(ns.kubectl().run("rollout", "pause", "deployment/paused")).succeeds()
                .printed("deployment.apps/paused paused");
        assertThat(ns.kubectl().run("set", "image", "deployment/paused", "nodejs=kube4j.local/kubia:2")).succeeds();
        NodePods.sleep(2000);
        assertThat(ns.kubectl().run("get", "rs", "-l", "app=paused")).succeeds().hasRows(1);
        assertThat(ns.kubectl().run("rollout", "resume", "deployment/paused")).succeeds();
        assertThat(rolloutStatus(ns, "paused")).succeeds();
        assertThat(ns.kubectl().run("get", "rs", "-l", "app=paused")).succeeds().hasRows(2);
    }

    @Test
    void rolloutRestartReplacesEveryPod(TestNamespace ns) {
        assertThat(ns.kubectl().runWithStdin(deployment("restarted", NodePods.KUBIA, ROLLING, ""), "apply", "-f", "-"))
                .succeeds();
        assertThat(rolloutStatus(ns, "restarted")).succeeds();
        assertThat(ns.kubectl().run("rollout", "restart", "deployment/restarted")).succeeds()
                .printed("deployment.apps/restarted restarted");
        assertThat(rolloutStatus(ns, "restarted")).succeeds();
        assertThat(ns.kubectl().run("get", "rs", "-l", "app=restarted")).succeeds().hasRows(2);
        assertThat(ns.kubectl().run("get", "deployment", "restarted", "-o",
                "jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}")).succeeds()
                .stdoutContains("T");
    }

    @Test
    void recreateStopsTheOldPodsFirst(TestNamespace ns) {
        assertThat(ns.kubectl().runWithStdin(deployment("recreate", NodePods.KUBIA, "    type: Recreate", ""),
                "apply", "-f", "-")).succeeds();
        assertThat(rolloutStatus(ns, "recreate")).succeeds();
        assertThat(ns.kubectl().run("set", "image", "deployment/recreate", "nodejs=kube4j.local/kubia:2")).succeeds();
        assertThat(rolloutStatus(ns, "recreate")).succeeds();
        assertThat(ns.kubectl().run("get", "deployment", "recreate")).succeeds()
                .hasLineMatching("recreate\\s+3/3\\s+3\\s+3\\s+\\S+");
    }

    @Test
    void aRolloutThatCannotProgressExceedsItsDeadline(TestNamespace ns) {
        String spec = "  progressDeadlineSeconds: 5";
        assertThat(ns.kubectl().runWithStdin(deployment("stuck", NodePods.KUBIA, ROLLING, spec), "apply", "-f", "-"))
                .succeeds();
        assertThat(rolloutStatus(ns, "stuck")).succeeds();
        // an image that is not on the node, with pull policy Never: the new pods never start
        assertThat(ns.kubectl().run("set", "image", "deployment/stuck", "nodejs=kube4j.local/absent:1")).succeeds();
        assertThat(ns.kubectl().run("patch", "deployment", "stuck", "-p",
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nodejs\",\"imagePullPolicy\":\"Never\"}]}}}}"))
                .succeeds();
        KubectlResult status = rolloutStatus(ns, "stuck");
        assertThat(status).exitsWith(1).stderrContains("deployment \"stuck\" exceeded its progress deadline");
        assertThat(ns.kubectl().run("get", "deployment", "stuck", "-o",
                "jsonpath={.status.conditions[?(@.type==\"Progressing\")].reason}")).succeeds()
                .printed("ProgressDeadlineExceeded");
        // the old pods kept serving: maxUnavailable 0
        assertThat(ns.kubectl().run("get", "deployment", "stuck")).succeeds()
                .hasLineMatching("stuck\\s+3/3\\s+1\\s+3\\s+\\S+");
    }
}
