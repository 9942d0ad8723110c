package io.kube4j.e2e.storage;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.Kube4jServer;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.TestNamespace;
import io.kube4j.e2e.node.NodePods;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chapter 6's persistent storage with real kubectl on the shared cluster: a hostPath PersistentVolume bound to a
 * claim and Released (Retain) after the claim goes; the default {@code local-path} class, whose claims wait for
 * their first consumer, get a volume on the pod's node (whose data a second pod reads back) and lose it (directory
 * included) when deleted.
 */
@Kube4jE2E
class PersistentStorageIT {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static String json(TestNamespace ns, String resource, String expr) {
        KubectlResult r = ns.kubectl().run("get", resource, "-o", "jsonpath=" + expr);
        return r.succeeded() ? r.stdout().trim() : "";
    }

    private static void awaitJson(TestNamespace ns, String resource, String expr, String expected) {
        NodePods.await(resource + " " + expr + " = " + expected, TIMEOUT,
                () -> expected.equals(json(ns, resource, expr)),
                () -> ns.kubectl().run("get", "pv,pvc", "-o", "yaml").stdout()
                        + ns.kubectl().run("get", "events").stdout());
    }

    /** Removes a hostPath directory a pod may have made the runtime create. */
    private static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // nothing was created
        }
    }

    /** A pod that mounts claim {@code claim} at {@code mountPath} and sleeps (exits at once on SIGTERM). */
    private static String podUsing(String name, String claim, String mountPath) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    image: %s
                    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
                    volumeMounts:
                    - name: data
                      mountPath: %s
                  volumes:
                  - name: data
                    persistentVolumeClaim:
                      claimName: %s
                """.formatted(name, NodePods.BUSYBOX, mountPath, claim);
    }

    @Test
    void aHostPathVolumeBindsToAClaimAndIsReleasedWhenTheClaimGoes(TestNamespace ns) {
        String pv = "mongodb-pv-" + ns.name();
        assertThat(ns.kubectl().runWithStdin("""
                apiVersion: v1
                kind: PersistentVolume
                metadata:
                  name: %s
                spec:
                  capacity:
                    storage: 1Gi
                  accessModes:
                  - ReadWriteOnce
                  - ReadOnlyMany
                  persistentVolumeReclaimPolicy: Retain
                  storageClassName: ""
                  hostPath:
                    path: /tmp/%s
                """.formatted(pv, pv), "create", "-f", "-")).succeeds()
                .printed("persistentvolume/" + pv + " created");
        awaitJson(ns, "pv/" + pv, "{.status.phase}", "Available");
        assertThat(ns.kubectl().runWithStdin("""
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata:
                  name: mongodb-pvc
                spec:
                  resources:
                    requests:
                      storage: 1Gi
                  accessModes:
                  - ReadWriteOnce
                  storageClassName: ""
                """, "create", "-f", "-")).succeeds()
                .printed("persistentvolumeclaim/mongodb-pvc created");
        awaitJson(ns, "pvc/mongodb-pvc", "{.status.phase}", "Bound");
        awaitJson(ns, "pv/" + pv, "{.status.phase}", "Bound");

        assertThat(ns.kubectl().run("get", "pvc")).succeeds()
                .headerMatches("NAME\\s+STATUS\\s+VOLUME\\s+CAPACITY\\s+ACCESS MODES\\s+STORAGECLASS\\s+"
                        + "VOLUMEATTRIBUTESCLASS\\s+AGE")
                .hasLineMatching("mongodb-pvc\\s+Bound\\s+" + pv + "\\s+1Gi\\s+RWO,ROX\\s+<unset>\\s+\\d+s");
        assertThat(ns.kubectl().run("get", "pv", pv)).succeeds()
                .headerMatches("NAME\\s+CAPACITY\\s+ACCESS MODES\\s+RECLAIM POLICY\\s+STATUS\\s+CLAIM\\s+"
                        + "STORAGECLASS\\s+VOLUMEATTRIBUTESCLASS\\s+REASON\\s+AGE")
                .hasLineMatching(pv + "\\s+1Gi\\s+RWO,ROX\\s+Retain\\s+Bound\\s+" + ns.name()
                        + "/mongodb-pvc\\s+<unset>\\s+\\d+s");
        KubectlResult both = ns.kubectl().run("get", "pv,pvc");
        assertThat(both).succeeds().stdoutContains("persistentvolume/" + pv)
                .stdoutContains("persistentvolumeclaim/mongodb-pvc");
        assertThat(json(ns, "pvc/mongodb-pvc", "{.metadata.annotations.pv\\.kubernetes\\.io/bind-completed}"))
                .isEqualTo("yes");
        assertThat(json(ns, "pv/" + pv, "{.spec.claimRef.uid}"))
                .isEqualTo(json(ns, "pvc/mongodb-pvc", "{.metadata.uid}"));

        assertThat(ns.kubectl().run("delete", "pvc", "mongodb-pvc")).succeeds();
        awaitJson(ns, "pv/" + pv, "{.status.phase}", "Released");
        assertThat(ns.kubectl().run("get", "pv", pv)).succeeds()
                .hasLineMatching(pv + "\\s+1Gi\\s+RWO,ROX\\s+Retain\\s+Released\\s+" + ns.name()
                        + "/mongodb-pvc\\s+<unset>\\s+\\d+s");
        // a new claim of the same name does not get the Released volume back
        assertThat(ns.kubectl().runWithStdin("""
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata:
                  name: mongodb-pvc
                spec:
                  resources:
                    requests:
                      storage: 1Gi
                  accessModes:
                  - ReadWriteOnce
                  storageClassName: ""
                """, "create", "-f", "-")).succeeds();
        NodePods.await("FailedBinding event", TIMEOUT, () -> NodePods.eventText(ns, "mongodb-pvc").contains(
                "FailedBinding: no persistent volumes available for this claim and no storage class is set"),
                () -> NodePods.eventText(ns, "mongodb-pvc"));
        assertThat(json(ns, "pvc/mongodb-pvc", "{.status.phase}")).isEqualTo("Pending");

        // a pod of an unbound claim (no class: Immediate) waits until a volume binds it
        assertThat(ns.kubectl().runWithStdin(podUsing("mongodb", "mongodb-pvc", "/data/db"), "create", "-f", "-"))
                .succeeds();
        NodePods.await("FailedScheduling event", TIMEOUT, () -> NodePods.eventText(ns, "mongodb").contains(
                "nodes are available: pod has unbound immediate PersistentVolumeClaims."),
                () -> NodePods.eventText(ns, "mongodb"));
        assertThat(json(ns, "pod/mongodb", "{.spec.nodeName}")).isEmpty();
        String pv2 = "mongodb-pv2-" + ns.name();
        assertThat(ns.kubectl().runWithStdin("""
                apiVersion: v1
                kind: PersistentVolume
                metadata:
                  name: %s
                spec:
                  capacity:
                    storage: 2Gi
                  accessModes:
                  - ReadWriteOnce
                  hostPath:
                    path: /tmp/%s
                """.formatted(pv2, pv2), "create", "-f", "-")).succeeds();
        awaitJson(ns, "pvc/mongodb-pvc", "{.spec.volumeName}", pv2);
        awaitJson(ns, "pod/mongodb", "{.spec.nodeName}", Kube4jServer.NODE_NAME);
        assertThat(ns.kubectl().run("delete", "pod", "mongodb", "--wait=true", "--timeout=60s")).succeeds();
        assertThat(ns.kubectl().run("delete", "pvc", "mongodb-pvc", "--wait=false")).succeeds();
        awaitJson(ns, "pv/" + pv2, "{.status.phase}", "Released");
        assertThat(ns.kubectl().run("delete", "pv", pv, pv2)).succeeds();
        deleteTree(Path.of("/tmp", pv));
        deleteTree(Path.of("/tmp", pv2));
    }

    @Test
    void aLocalPathClaimWaitsForItsFirstPodThenGetsAVolumeOnThatNodeDeletedWithIt(TestNamespace ns,
                                                                                Kube4jServer server) throws Exception {
        assertThat(ns.kubectl().run("get", "sc")).succeeds()
                .headerMatches("NAME\\s+PROVISIONER\\s+RECLAIMPOLICY\\s+VOLUMEBINDINGMODE\\s+ALLOWVOLUMEEXPANSION\\s+AGE")
                .hasLineMatching("local-path \\(default\\)\\s+kube4j.io/local-path\\s+Delete\\s+"
                        + "WaitForFirstConsumer\\s+false\\s+\\S+");
        assertThat(ns.kubectl().runWithStdin("""
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata:
                  name: data
                spec:
                  resources:
                    requests:
                      storage: 100Mi
                  accessModes:
                  - ReadWriteOnce
                """, "create", "-f", "-")).succeeds();
        assertThat(json(ns, "pvc/data", "{.spec.storageClassName}")).isEqualTo("local-path");
        NodePods.await("WaitForFirstConsumer event", TIMEOUT, () -> NodePods.eventText(ns, "data").contains(
                "WaitForFirstConsumer: waiting for first consumer to be created before binding"),
                () -> NodePods.eventText(ns, "data"));
        NodePods.sleep(1000);
        assertThat(ns.kubectl().run("get", "pvc", "data")).succeeds()
                .hasLineMatching("data\\s+Pending\\s+local-path\\s+<unset>\\s+\\d+s");
        String uid = json(ns, "pvc/data", "{.metadata.uid}");
        assertThat(ns.kubectl().run("get", "pv", "pvc-" + uid)).exitsWith(1);

        // the pod is scheduled without nodeName: the scheduler picks the node and tells the claim
        assertThat(ns.kubectl().runWithStdin("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: writer
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    image: %s
                    command: ["sh", "-c", "trap 'exit 0' TERM; echo hello > /data/hello; sleep 3600 & wait"]
                    volumeMounts:
                    - name: data
                      mountPath: /data
                  volumes:
                  - name: data
                    persistentVolumeClaim:
                      claimName: data
                """.formatted(NodePods.BUSYBOX), "create", "-f", "-")).succeeds();
        awaitJson(ns, "pvc/data", "{.status.phase}", "Bound");
        String pv = "pvc-" + uid;
        assertThat(json(ns, "pvc/data", "{.spec.volumeName}")).isEqualTo(pv);
        assertThat(json(ns, "pvc/data", "{.metadata.annotations.volume\\.kubernetes\\.io/selected-node}"))
                .isEqualTo(Kube4jServer.NODE_NAME);
        awaitJson(ns, "pod/writer", "{.spec.nodeName}", Kube4jServer.NODE_NAME);
        assertThat(json(ns, "pv/" + pv, "{.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]}"))
                .isEqualTo(Kube4jServer.NODE_NAME);
        assertThat(json(ns, "pv/" + pv, "{.metadata.annotations.pv\\.kubernetes\\.io/provisioned-by}"))
                .isEqualTo("kube4j.io/local-path");
        String path = json(ns, "pv/" + pv, "{.spec.hostPath.path}");
        Path storage = server.dataDir().resolve("agent").resolve("storage").toAbsolutePath();
        assertThat(path).isEqualTo(storage + "/" + pv + "_" + ns.name() + "_data");
        assertThat(ns.kubectl().run("get", "pv", pv)).succeeds()
                .hasLineMatching(pv + "\\s+100Mi\\s+RWO\\s+Delete\\s+Bound\\s+" + ns.name()
                        + "/data\\s+local-path\\s+<unset>\\s+\\d+s");
        assertThat(ns.kubectl().run("get", "pvc", "data")).succeeds()
                .hasLineMatching("data\\s+Bound\\s+" + pv + "\\s+100Mi\\s+RWO\\s+local-path\\s+<unset>\\s+\\d+s");
        assertThat(NodePods.eventText(ns, "data")).contains("Provisioning: External provisioner is provisioning "
                + "volume for claim \"" + ns.name() + "/data\"").contains("ProvisioningSucceeded: Successfully "
                + "provisioned volume " + pv);

        // the kubelet mounts the volume's directory (DirectoryOrCreate): the data outlives the pod
        NodePods.waitReady(ns, "writer");
        Path dir = Path.of(path);
        assertThat(ns.kubectl().run("exec", "writer", "--", "cat", "/data/hello")).succeeds().printed("hello");
        assertThat(Files.readString(dir.resolve("hello"))).isEqualTo("hello\n");
        assertThat(ns.kubectl().run("delete", "pod", "writer", "--wait=true", "--timeout=60s")).succeeds();
        assertThat(ns.kubectl().runWithStdin(podUsing("reader", "data", "/data"), "create", "-f", "-")).succeeds();
        NodePods.waitReady(ns, "reader");
        assertThat(ns.kubectl().run("exec", "reader", "--", "cat", "/data/hello")).succeeds().printed("hello");
        assertThat(ns.kubectl().run("delete", "pod", "reader", "--wait=true", "--timeout=60s")).succeeds();
        assertThat(ns.kubectl().run("delete", "pvc", "data")).succeeds();
        NodePods.await("the volume deleted", TIMEOUT, () -> !ns.kubectl().run("get", "pv", pv).succeeded(),
                () -> ns.kubectl().run("get", "pv", pv, "-o", "yaml").stdout()
                        + ns.kubectl().run("get", "pods", "-n", "kube-system").stdout());
        assertThat(Files.exists(dir)).as("the volume's directory is removed").isFalse();
    }

    @Test
    void aClaimAndVolumeInUseStayTerminatingUntilTheirPodGoes(TestNamespace ns) {
        assertThat(ns.kubectl().runWithStdin("""
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata:
                  name: kept
                spec:
                  resources:
                    requests:
                      storage: 10Mi
                  accessModes:
                  - ReadWriteOnce
                ---
                """ + podUsing("user", "kept", "/data"), "create", "-f", "-")).succeeds();
        NodePods.waitReady(ns, "user");
        String pv = json(ns, "pvc/kept", "{.spec.volumeName}");
        assertThat(json(ns, "pvc/kept", "{.metadata.finalizers}")).isEqualTo("[\"kubernetes.io/pvc-protection\"]");
        assertThat(json(ns, "pv/" + pv, "{.metadata.finalizers}")).isEqualTo("[\"kubernetes.io/pv-protection\"]");

        assertThat(ns.kubectl().run("delete", "pvc", "kept", "--wait=false")).succeeds()
                .printed("persistentvolumeclaim \"kept\" deleted");
        assertThat(ns.kubectl().run("delete", "pv", pv, "--wait=false")).succeeds();
        NodePods.sleep(2000);
        assertThat(ns.kubectl().run("get", "pvc", "kept")).succeeds()
                .hasLineMatching("kept\\s+Terminating\\s+" + pv + "\\s+10Mi\\s+RWO\\s+local-path\\s+<unset>\\s+\\d+s");
        assertThat(ns.kubectl().run("get", "pv", pv)).succeeds()
                .hasLineMatching(pv + "\\s+10Mi\\s+RWO\\s+Delete\\s+Terminating\\s+" + ns.name() + "/kept\\s+local-path\\s+<unset>\\s+\\d+s");
        assertThat(ns.kubectl().run("describe", "pvc", "kept")).succeeds()
                .hasLineMatching("Status:\\s+Terminating \\(lasts \\S+\\)")
                .hasLineMatching("Finalizers:\\s+\\[kubernetes.io/pvc-protection\\]")
                .hasLineMatching("Used By:\\s+user");
        // the pod keeps running with its volume
        assertThat(ns.kubectl().run("exec", "user", "--", "sh", "-c", "echo still > /data/f && cat /data/f"))
                .succeeds().printed("still");

        assertThat(ns.kubectl().run("delete", "pod", "user", "--wait=true", "--timeout=60s")).succeeds();
        NodePods.await("the claim gone", TIMEOUT, () -> !ns.kubectl().run("get", "pvc", "kept").succeeded(),
                () -> ns.kubectl().run("get", "pvc", "kept", "-o", "yaml").stdout());
        NodePods.await("the volume gone", TIMEOUT, () -> !ns.kubectl().run("get", "pv", pv).succeeded(),
                () -> ns.kubectl().run("get", "pv", pv, "-o", "yaml").stdout());
    }

    @Test
    void aWaitForFirstConsumerClaimTakesAFreeLocalVolumeOfThePodsNode(TestNamespace ns) {
        String sc = "local-storage-" + ns.name();
        String pv = "local-pv-" + ns.name();
        assertThat(ns.kubectl().runWithStdin("""
                apiVersion: storage.k8s.io/v1
                kind: StorageClass
                metadata:
                  name: %s
                provisioner: kubernetes.io/no-provisioner
                volumeBindingMode: WaitForFirstConsumer
                ---
                apiVersion: v1
                kind: PersistentVolume
                metadata:
                  name: %s
                spec:
                  capacity:
                    storage: 1Gi
                  accessModes:
                  - ReadWriteOnce
                  storageClassName: %s
                  hostPath:
                    path: /tmp/%s
                  nodeAffinity:
                    required:
                      nodeSelectorTerms:
                      - matchExpressions:
                        - key: kubernetes.io/hostname
                          operator: In
                          values:
                          - %s
                ---
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata:
                  name: local
                spec:
                  storageClassName: %s
                  resources:
                    requests:
                      storage: 500Mi
                  accessModes:
                  - ReadWriteOnce
                """.formatted(sc, pv, sc, pv, Kube4jServer.NODE_NAME, sc), "create", "-f", "-")).succeeds();
        NodePods.await("WaitForFirstConsumer event", TIMEOUT, () -> NodePods.eventText(ns, "local").contains(
                "WaitForFirstConsumer: waiting for first consumer to be created before binding"),
                () -> NodePods.eventText(ns, "local"));
        assertThat(json(ns, "pv/" + pv, "{.status.phase}")).isEqualTo("Available");
        assertThat(ns.kubectl().runWithStdin("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: consumer
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    image: %s
                    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
                    volumeMounts:
                    - name: data
                      mountPath: /data
                  volumes:
                  - name: data
                    persistentVolumeClaim:
                      claimName: local
                """.formatted(NodePods.BUSYBOX), "create", "-f", "-")).succeeds();
        awaitJson(ns, "pvc/local", "{.spec.volumeName}", pv);
        awaitJson(ns, "pvc/local", "{.status.phase}", "Bound");
        awaitJson(ns, "pod/consumer", "{.spec.nodeName}", Kube4jServer.NODE_NAME);
        assertThat(ns.kubectl().run("get", "pvc", "local")).succeeds()
                .hasLineMatching("local\\s+Bound\\s+" + pv + "\\s+1Gi\\s+RWO\\s+" + sc + "\\s+<unset>\\s+\\d+s");
        assertThat(ns.kubectl().run("delete", "pod", "consumer", "--wait=true", "--timeout=60s")).succeeds();
        assertThat(ns.kubectl().run("delete", "pvc", "local", "--wait=false")).succeeds();
        awaitJson(ns, "pv/" + pv, "{.status.phase}", "Released");
        assertThat(ns.kubectl().run("delete", "pv", pv)).succeeds();
        assertThat(ns.kubectl().run("delete", "sc", sc)).succeeds();
        deleteTree(Path.of("/tmp", pv));
    }
}
