package io.kube4j.e2e.controllers;

import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.TestNamespace;
import io.kube4j.e2e.node.NodePods;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;

/** Manifests and waits the controller e2e tests share: the book's kubia RC and RS, the pods a selector has. */
public final class ReplicatedPods {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private ReplicatedPods() {
    }

    /** The book's kubia-rc.yaml, pinned to the node until the scheduler lands, with a short grace period. */
    public static String kubiaRc(String name, int replicas) {
        return """
                apiVersion: v1
                kind: ReplicationController
                metadata:
                  name: %s
                spec:
                  replicas: %d
                  selector:
                    app: %s
                  template:
                    metadata:
                      labels:
                        app: %s
                    spec:
                      nodeName: %s
                      terminationGracePeriodSeconds: 2
                      containers:
                      - name: kubia
                        image: %s
                        ports:
                        - containerPort: 8080
                """.formatted(name, replicas, name, name, NodePods.NODE, NodePods.KUBIA);
    }

    /** The book's kubia-replicaset-matchexpressions.yaml. */
    static String kubiaRsWithExpressions(String name, int replicas) {
        return """
                apiVersion: apps/v1
                kind: ReplicaSet
                metadata:
                  name: %s
                spec:
                  replicas: %d
                  selector:
                    matchExpressions:
                    - key: app
                      operator: In
                      values:
                      - %s
                  template:
                    metadata:
                      labels:
                        app: %s
                    spec:
                      nodeName: %s
                      terminationGracePeriodSeconds: 2
                      containers:
                      - name: kubia
                        image: %s
                """.formatted(name, replicas, name, name, NodePods.NODE, NodePods.KUBIA);
    }

    /** Names of the pods the selector matches that are not being deleted. */
    static List<String> activePods(TestNamespace ns, String selector) {
        KubectlResult r = ns.kubectl().run("get", "pods", "-l", selector, "-o",
                "jsonpath={range .items[*]}{.metadata.name} {.metadata.deletionTimestamp}{\"\\n\"}{end}");
        assertThat(r).succeeds();
        List<String> names = new ArrayList<>();
        for (String line : r.lines()) {
            String[] parts = line.trim().split(" ");
            if (parts.length == 1 && !parts[0].isEmpty()) {
                names.add(parts[0]);
            }
        }
        return names;
    }

    /** All pods in the namespace, terminating ones included. */
    static List<String> allPods(TestNamespace ns) {
        KubectlResult r = ns.kubectl().run("get", "pods", "-o", "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}");
        assertThat(r).succeeds();
        return r.lines().stream().filter(l -> !l.isBlank()).toList();
    }

    static void awaitActive(TestNamespace ns, String selector, int count) {
        NodePods.await(count + " active pods with " + selector, TIMEOUT,
                () -> activePods(ns, selector).size() == count,
                () -> ns.kubectl().run("get", "pods", "--show-labels").stdout());
    }

    /** Waits until {@code .status.readyReplicas} of the RC or RS is {@code ready}. */
    static void awaitReady(TestNamespace ns, String resource, int ready) {
        NodePods.awaitJsonPath(ns, resource, "{.status.readyReplicas}", v -> v.equals(Integer.toString(ready)),
                Duration.ofSeconds(90));
    }
}
