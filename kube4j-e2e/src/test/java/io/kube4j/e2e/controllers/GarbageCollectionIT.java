package io.kube4j.e2e.controllers;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.TestNamespace;
import io.kube4j.e2e.node.NodePods;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** Owner references and propagation policies through kubectl delete --cascade. */
@Kube4jE2E
class GarbageCollectionIT {

    @Test
    void foregroundDeletionWaitsUntilThePodsAreGone(TestNamespace ns) {
        NodePods.apply(ns, ReplicatedPods.kubiaRc("kubia", 2));
        ReplicatedPods.awaitReady(ns, "rc/kubia", 2);
        // kubectl waits for the RC, which stays (with its finalizer) until its pods are gone
        assertThat(ns.kubectl().withTimeout(Duration.ofSeconds(90)).run("delete", "rc", "kubia",
                "--cascade=foreground")).succeeds().printed("replicationcontroller \"kubia\" deleted");
        assertThat(ReplicatedPods.allPods(ns)).isEmpty();
    }

    @Test
    void anyKindCanOwnAnyOtherKind(TestNamespace ns) {
        assertThat(ns.kubectl().run("create", "configmap", "owner", "--from-literal=a=b")).succeeds();
        String uid = NodePods.jsonPath(ns, "configmap/owner", "{.metadata.uid}");
        NodePods.apply(ns, """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: dependent
                  ownerReferences:
                  - apiVersion: v1
                    kind: ConfigMap
                    name: owner
                    uid: %s
                stringData:
                  k: v
                """.formatted(uid));
        NodePods.apply(ns, """
                apiVersion: apps/v1
                kind: ReplicaSet
                metadata:
                  name: owned-rs
                  ownerReferences:
                  - apiVersion: v1
                    kind: Secret
                    name: dependent
                    uid: %s
                    blockOwnerDeletion: true
                spec:
                  replicas: 0
                  selector:
                    matchLabels:
                      app: none
                  template:
                    metadata:
                      labels:
                        app: none
                    spec:
                      containers:
                      - name: c
                        image: %s
                """.formatted(NodePods.jsonPath(ns, "secret/dependent", "{.metadata.uid}"), NodePods.KUBIA));
        assertThat(ns.kubectl().run("delete", "configmap", "owner")).succeeds();
        NodePods.await("the secret and the replica set it owns collected", ReplicatedPods.TIMEOUT,
                () -> !ns.kubectl().run("get", "secret", "dependent").succeeded()
                        && !ns.kubectl().run("get", "rs", "owned-rs").succeeded(),
                () -> ns.kubectl().run("get", "secrets,rs").stdout());
    }

    @Test
    void aDependentWithAnotherOwnerOnlyLosesTheReferenceToTheGoneOne(TestNamespace ns) {
        assertThat(ns.kubectl().run("create", "configmap", "first")).succeeds();
        assertThat(ns.kubectl().run("create", "configmap", "second")).succeeds();
        NodePods.apply(ns, """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: shared
                  ownerReferences:
                  - {apiVersion: v1, kind: ConfigMap, name: first, uid: %s}
                  - {apiVersion: v1, kind: ConfigMap, name: second, uid: %s}
                """.formatted(NodePods.jsonPath(ns, "configmap/first", "{.metadata.uid}"),
                NodePods.jsonPath(ns, "configmap/second", "{.metadata.uid}")));
        assertThat(ns.kubectl().run("delete", "configmap", "first")).succeeds();
        NodePods.awaitJsonPath(ns, "configmap/shared", "{.metadata.ownerReferences[*].name}", "second"::equals,
                ReplicatedPods.TIMEOUT);
    }
}
