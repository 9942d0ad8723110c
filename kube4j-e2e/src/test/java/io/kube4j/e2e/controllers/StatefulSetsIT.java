package io.kube4j.e2e.controllers;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.TestNamespace;
import io.kube4j.e2e.node.NodePods;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chapter 10: a StatefulSet of kubia pods behind a headless Service, with real kubectl and containers: ordered
 * start, stable names and DNS records, a deleted pod coming back under its name, a partitioned rolling update,
 * rollout status/history/undo, and an ordered scale-down.
 */
@Kube4jE2E
class StatefulSetsIT {
    static final String YAML = """
            apiVersion: v1
            kind: Service
            metadata:
              name: kubia
            spec:
              clusterIP: None
              selector:
                app: kubia
              ports:
              - name: http
                port: 80
                targetPort: 8080
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: kubia
            spec:
              serviceName: kubia
              replicas: 3
              selector:
                matchLabels:
                  app: kubia
              template:
                metadata:
                  labels:
                    app: kubia
                spec:
                  nodeName: %s
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: kubia
                    image: %s
                    ports:
                    - containerPort: 8080
                    readinessProbe:
                      httpGet:
                        path: /
                        port: 8080
                      periodSeconds: 1
            """.formatted(NodePods.NODE, NodePods.KUBIA);

    private static KubectlResult rolloutStatus(TestNamespace ns) {
        return ns.kubectl().withTimeout(Duration.ofSeconds(150)).run("rollout", "status", "statefulset/kubia",
                "--timeout=120s");
    }

    private static String images(TestNamespace ns) {
        return NodePods.jsonPath(ns, "pods", "{range .items[?(@.metadata.labels.app==\"kubia\")]}"
                + "{.metadata.name}={.spec.containers[0].image} {end}").trim();
    }

    private static Instant time(TestNamespace ns, String pod, String expr) {
        return Instant.parse(NodePods.jsonPath(ns, "pod/" + pod, expr));
    }

    @Test
    void orderedPodsStableIdentityRollingUpdateAndScaleDown(TestNamespace ns) {
        assertThat(ns.kubectl().runWithStdin(YAML, "apply", "-f", "-")).succeeds();
        // the API server defaults partition to 0, so kubectl reports a partitioned roll out, as upstream
        assertThat(rolloutStatus(ns)).succeeds()
                .stdoutContains("partitioned roll out complete: 3 new pods have been updated...");
        assertThat(ns.kubectl().run("get", "statefulset", "kubia")).succeeds()
                .headerMatches("NAME\\s+READY\\s+AGE").hasLineMatching("kubia\\s+3/3\\s+\\S+");
        // each pod was created only once the one before it was ready
        for (int i = 1; i < 3; i++) {
            Instant created = time(ns, "kubia-" + i, "{.metadata.creationTimestamp}");
            Instant readyBefore = time(ns, "kubia-" + (i - 1),
                    "{.status.conditions[?(@.type==\"Ready\")].lastTransitionTime}");
            assertThat(created).as("kubia-" + i + " created after kubia-" + (i - 1) + " was ready")
                    .isAfterOrEqualTo(readyBefore);
        }
        assertThat(NodePods.jsonPath(ns, "pod/kubia-1", "{.spec.hostname} {.spec.subdomain} "
                + "{.metadata.labels.statefulset\\.kubernetes\\.io/pod-name} "
                + "{.metadata.labels.apps\\.kubernetes\\.io/pod-index}")).isEqualTo("kubia-1 kubia kubia-1 1");
        assertThat(NodePods.eventText(ns, "kubia")).contains(
                "SuccessfulCreate: create Pod kubia-0 in StatefulSet kubia successful\n",
                "SuccessfulCreate: create Pod kubia-2 in StatefulSet kubia successful\n");

        // each pod has its own DNS name under the headless service
        NodePods.createReady(ns, NodePods.busybox("client"), "client");
        String ip0 = NodePods.podIp(ns, "kubia-0");
        String fqdn = "kubia-0.kubia." + ns.name() + ".svc.cluster.local";
        KubectlResult[] last = new KubectlResult[1];
        NodePods.await(fqdn + " resolving to " + ip0, Duration.ofSeconds(30), () -> {
            last[0] = ns.kubectl().run("exec", "client", "--", "timeout", "10", "nslookup", fqdn);
            return last[0].stdout().contains("Name:\t" + fqdn) && last[0].stdout().contains("Address: " + ip0);
        }, () -> last[0].stdout() + last[0].stderr());

        // a deleted pod comes back under the same name
        String uid = NodePods.jsonPath(ns, "pod/kubia-0", "{.metadata.uid}");
        assertThat(ns.kubectl().withTimeout(Duration.ofSeconds(60)).run("delete", "pod", "kubia-0")).succeeds()
                .printed("pod \"kubia-0\" deleted");
        NodePods.await("kubia-0 back", Duration.ofSeconds(60), () -> {
            KubectlResult r = ns.kubectl().run("get", "pod", "kubia-0", "-o", "jsonpath={.metadata.uid}");
            return r.succeeded() && !r.stdout().isEmpty() && !r.stdout().equals(uid);
        }, () -> "");
        NodePods.waitReady(ns, "kubia-0");

        // a rolling update with partition 2 replaces kubia-2 only
        assertThat(ns.kubectl().run("patch", "statefulset", "kubia", "-p",
                "{\"spec\":{\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":2}}}}"))
                .succeeds();
        assertThat(ns.kubectl().run("set", "image", "statefulset/kubia", "kubia=kube4j.local/kubia:2")).succeeds();
        assertThat(rolloutStatus(ns)).succeeds()
                .stdoutContains("partitioned roll out complete: 1 new pods have been updated...");
        assertThat(images(ns)).isEqualTo("kubia-0=" + NodePods.KUBIA + " kubia-1=" + NodePods.KUBIA
                + " kubia-2=kube4j.local/kubia:2");
        String current = NodePods.jsonPath(ns, "statefulset/kubia", "{.status.currentRevision}");
        String update = NodePods.jsonPath(ns, "statefulset/kubia", "{.status.updateRevision}");
        assertThat(update).isNotEqualTo(current);
        assertThat(NodePods.jsonPath(ns, "statefulset/kubia",
                "{.status.currentReplicas} {.status.updatedReplicas} {.status.readyReplicas}")).isEqualTo("2 1 3");

        // partition 0 finishes it, from the highest ordinal down
        assertThat(ns.kubectl().run("patch", "statefulset", "kubia", "-p",
                "{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"partition\":0}}}}")).succeeds();
        assertThat(rolloutStatus(ns)).succeeds()
                .stdoutContains("partitioned roll out complete: 3 new pods have been updated...");
        NodePods.awaitJsonPath(ns, "statefulset/kubia", "{.status.currentRevision} {.status.currentReplicas}",
                (update + " 3")::equals, Duration.ofSeconds(30));
        assertThat(time(ns, "kubia-0", "{.metadata.creationTimestamp}"))
                .isAfterOrEqualTo(time(ns, "kubia-1", "{.metadata.creationTimestamp}"));
        assertThat(ns.kubectl().run("rollout", "history", "statefulset/kubia")).succeeds()
                .stdoutContains("statefulset.apps/kubia", "REVISION", "CHANGE-CAUSE")
                .hasLineMatching("1\\s+<none>").hasLineMatching("2\\s+<none>");
        assertThat(ns.kubectl().run("rollout", "history", "statefulset/kubia", "--revision=1")).succeeds()
                .stdoutContains(NodePods.KUBIA);

        // undo goes back to revision 1's template, which becomes revision 3
        assertThat(ns.kubectl().run("rollout", "undo", "statefulset/kubia")).succeeds()
                .printed("statefulset.apps/kubia rolled back");
        assertThat(rolloutStatus(ns)).succeeds()
                .stdoutContains("partitioned roll out complete: 3 new pods have been updated...");
        NodePods.awaitJsonPath(ns, "statefulset/kubia", "{.status.currentRevision} {.status.updateRevision}",
                (current + " " + current)::equals, Duration.ofSeconds(60));
        assertThat(images(ns)).isEqualTo("kubia-0=" + NodePods.KUBIA + " kubia-1=" + NodePods.KUBIA
                + " kubia-2=" + NodePods.KUBIA);
        assertThat(ns.kubectl().run("rollout", "history", "statefulset/kubia")).succeeds()
                .hasLineMatching("2\\s+<none>").hasLineMatching("3\\s+<none>");

        // rollout restart stamps the template: a fourth revision, every pod replaced
        assertThat(ns.kubectl().run("rollout", "restart", "statefulset/kubia")).succeeds()
                .printed("statefulset.apps/kubia restarted");
        assertThat(rolloutStatus(ns)).succeeds()
                .stdoutContains("partitioned roll out complete: 3 new pods have been updated...");
        assertThat(ns.kubectl().run("rollout", "history", "statefulset/kubia")).succeeds()
                .hasLineMatching("4\\s+<none>");
        assertThat(ns.kubectl().run("describe", "statefulset", "kubia")).succeeds()
                .stdoutContains("Update Strategy:    RollingUpdate", "Partition:        0",
                        "Pods Status:        3 Running / 0 Waiting / 0 Succeeded / 0 Failed",
                        "SuccessfulDelete", "delete Pod kubia-0 in StatefulSet kubia successful");

        // scale down: kubia-2 goes first, then kubia-1
        assertThat(ns.kubectl().run("scale", "statefulset", "kubia", "--replicas=1")).succeeds()
                .printed("statefulset.apps/kubia scaled");
        List<String> seen = new ArrayList<>();
        NodePods.await("scale down to kubia-0", Duration.ofSeconds(60), () -> {
            String names = NodePods.jsonPath(ns, "pods", "{range .items[?(@.metadata.labels.app==\"kubia\")]}"
                    + "{.metadata.name} {end}").trim();
            if (seen.isEmpty() || !seen.getLast().equals(names)) {
                seen.add(names);
            }
            return names.equals("kubia-0");
        }, seen::toString);
        assertThat(seen).doesNotContain("kubia-0 kubia-2");
        String events = NodePods.eventText(ns, "kubia");
        assertThat(events).contains("SuccessfulDelete: delete Pod kubia-2 in StatefulSet kubia successful\n",
                "SuccessfulDelete: delete Pod kubia-1 in StatefulSet kubia successful\n");
        NodePods.awaitJsonPath(ns, "statefulset/kubia", "{.status.replicas} {.status.readyReplicas}",
                "1 1"::equals, Duration.ofSeconds(30));
    }

    @Test
    void parallelPodsAndOnDeleteUpdates(TestNamespace ns) {
        String yaml = YAML.substring(YAML.indexOf("apiVersion: apps/v1")).replace("replicas: 3", """
                replicas: 2
                  podManagementPolicy: Parallel
                  updateStrategy:
                    type: OnDelete""");
        assertThat(ns.kubectl().runWithStdin(yaml, "apply", "-f", "-")).succeeds();
        NodePods.awaitJsonPath(ns, "statefulset/kubia", "{.status.readyReplicas}", "2"::equals,
                Duration.ofSeconds(60));
        // Parallel: kubia-1 did not wait for kubia-0 to be ready
        assertThat(time(ns, "kubia-1", "{.metadata.creationTimestamp}"))
                .isBefore(time(ns, "kubia-0", "{.status.conditions[?(@.type==\"Ready\")].lastTransitionTime}")
                        .plusSeconds(1));
        assertThat(ns.kubectl().run("rollout", "status", "statefulset/kubia")).exitsWith(1)
                .stderrContains("rollout status is only available for RollingUpdate strategy type");

        // OnDelete: a new template reaches a pod only when the pod is deleted
        assertThat(ns.kubectl().run("set", "image", "statefulset/kubia", "kubia=kube4j.local/kubia:2")).succeeds();
        NodePods.awaitJsonPath(ns, "statefulset/kubia", "{.status.observedGeneration}", "2"::equals,
                Duration.ofSeconds(30));
        NodePods.sleep(1000);
        assertThat(images(ns)).isEqualTo("kubia-0=" + NodePods.KUBIA + " kubia-1=" + NodePods.KUBIA);
        assertThat(ns.kubectl().withTimeout(Duration.ofSeconds(60)).run("delete", "pod", "kubia-1")).succeeds();
        NodePods.awaitJsonPath(ns, "statefulset/kubia", "{.status.updatedReplicas} {.status.readyReplicas}",
                "1 2"::equals, Duration.ofSeconds(60));
        assertThat(images(ns)).isEqualTo("kubia-0=" + NodePods.KUBIA + " kubia-1=kube4j.local/kubia:2");
    }
}
