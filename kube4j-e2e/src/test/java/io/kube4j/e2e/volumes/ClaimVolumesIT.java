package io.kube4j.e2e.volumes;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.TestNamespace;
import io.kube4j.e2e.node.NodePods;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chapter 6's persistentVolumeClaim volumes on the node: a claim bound to a hostPath PersistentVolume is mounted
 * from the PV's directory (created for {@code DirectoryOrCreate}), {@code readOnly} is honoured, and a pod whose
 * claim is not bound waits in ContainerCreating with upstream's FailedMount message. The claims are bound by hand
 * (spec.volumeName + status), so the test does not depend on a PV binder.
 */
@Kube4jE2E
class ClaimVolumesIT {
    private static String pod(String name, String claim, boolean readOnly, String command) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                spec:
                  nodeName: %s
                  terminationGracePeriodSeconds: 2
                  containers:
                  - name: main
                    image: %s
                    command: ["sh", "-c", "%s; trap 'exit 0' TERM; while :; do sleep 1; done"]
                    volumeMounts:
                    - {name: data, mountPath: /data}
                  volumes:
                  - name: data
                    persistentVolumeClaim: {claimName: %s, readOnly: %s}
                """.formatted(name, NodePods.NODE, NodePods.BUSYBOX, command, claim, readOnly);
    }

    @Test
    void aBoundClaimMountsItsHostPathVolume(TestNamespace ns) throws Exception {
        Path dir = Path.of("/tmp", "kube4j-e2e-pv-" + UUID.randomUUID());
        String pv = "pv-" + ns.name();
        try {
            NodePods.apply(ns, """
                    apiVersion: v1
                    kind: PersistentVolume
                    metadata:
                      name: %s
                    spec:
                      capacity: {storage: 1Gi}
                      accessModes: [ReadWriteOnce]
                      persistentVolumeReclaimPolicy: Retain
                      storageClassName: ""
                      hostPath: {path: %s, type: DirectoryOrCreate}
                    ---
                    apiVersion: v1
                    kind: PersistentVolumeClaim
                    metadata:
                      name: data
                    spec:
                      accessModes: [ReadWriteOnce]
                      storageClassName: ""
                      volumeName: %s
                      resources: {requests: {storage: 1Gi}}
                    """.formatted(pv, dir, pv));
            assertThat(ns.kubectl().run("patch", "pvc", "data", "--subresource=status", "--type=merge", "-p",
                    "{\"status\":{\"phase\":\"Bound\"}}")).succeeds();

            NodePods.createReady(ns, pod("writer", "data", false, "echo from-the-pod > /data/out"), "writer");
            NodePods.await("file written through the claim", Duration.ofSeconds(10),
                    () -> Files.exists(dir.resolve("out")), () -> "no " + dir.resolve("out"));
            assertThat(Files.readString(dir.resolve("out"))).isEqualTo("from-the-pod\n");

            NodePods.createReady(ns, pod("reader", "data", true, "true"), "reader");
            assertThat(ns.kubectl().run("exec", "reader", "--", "cat", "/data/out")).succeeds()
                    .printed("from-the-pod");
            assertThat(ns.kubectl().run("exec", "reader", "--", "sh", "-c", "echo x > /data/other")).exitsWith(1)
                    .stderrContains("Read-only file system");
        } finally {
            ns.kubectl().run("delete", "pv", pv, "--wait=false");
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException ignored) {
                // nothing was created
            }
        }
    }

    @Test
    void aPodWithAnUnboundClaimWaitsWithFailedMount(TestNamespace ns) {
        NodePods.apply(ns, """
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata:
                  name: pending
                spec:
                  accessModes: [ReadWriteOnce]
                  storageClassName: no-such-class
                  resources: {requests: {storage: 1Gi}}
                """);
        NodePods.apply(ns, pod("waiting", "pending", false, "true"));
        NodePods.awaitEvent(ns, "waiting", l -> l.contains("FailedMount"), Duration.ofSeconds(30));
        assertThat(NodePods.events(ns, "waiting")).anyMatch(l -> l.startsWith("Warning FailedMount MountVolume.SetUp "
                + "failed for volume \"data\" : PVC " + ns.name() + "/pending has non-bound phase"));
        assertThat(ns.kubectl().run("get", "pod", "waiting")).succeeds()
                .hasLineMatching("waiting\\s+0/1\\s+ContainerCreating\\s+0\\s+\\S+");
    }
}
