package io.kube4j.e2e.node;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.TestNamespace;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Local storage capacity isolation: the kubelet's eviction manager measures on-disk emptyDir volumes every 10 s and
 * evicts a pod whose emptyDir outgrows its {@code sizeLimit}: phase Failed, reason Evicted, upstream's message, and a
 * Warning Evicted event. A ReplicaSet replaces its evicted pod, since a Failed pod no longer counts.
 */
@Kube4jE2E
class EvictionIT {
    private static final String MESSAGE = "Usage of EmptyDir volume \"scratch\" exceeds the limit \"1Mi\".";
    /** A pod spec whose container writes 4 MiB into an emptyDir limited to 1 MiB, then sleeps. */
    private static final String HOG_SPEC = """
            terminationGracePeriodSeconds: 30
            containers:
            - name: main
              image: %s
              command: ["sh", "-c", "dd if=/dev/zero of=/scratch/big bs=1048576 count=4; sleep 3600"]
              volumeMounts:
              - name: scratch
                mountPath: /scratch
            volumes:
            - name: scratch
              emptyDir:
                sizeLimit: 1Mi
            """.formatted(NodePods.BUSYBOX);

    @Test
    void aPodWhoseEmptyDirOutgrowsItsSizeLimitIsEvicted(TestNamespace ns) {
        NodePods.apply(ns, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: hog
                spec:
                """ + HOG_SPEC.indent(2));
        // one housekeeping pass (10 s) after the write, then a kill within the 1 s eviction grace (2 s minimum),
        // whatever the pod's own 30 s
        NodePods.awaitJsonPath(ns, "pod/hog", "{.status.phase}", "Failed"::equals, Duration.ofSeconds(45));
        assertThat(NodePods.jsonPath(ns, "pod/hog", "{.status.reason}")).isEqualTo("Evicted");
        assertThat(NodePods.jsonPath(ns, "pod/hog", "{.status.message}")).isEqualTo(MESSAGE + " ");
        // the killed container ended with SIGKILL: upstream's printer lets its terminated reason (Error) win over
        // the pod's reason, so an evicted pod whose container was running reads Error in kubectl get
        NodePods.PodRow row = NodePods.awaitRow(ns, "hog", r -> r.status().equals("Error"), Duration.ofSeconds(10));
        assertThat(row.ready()).isEqualTo("0/1");
        assertThat(NodePods.jsonPath(ns, "pod/hog", "{.status.containerStatuses[0].state.terminated.exitCode}"))
                .isEqualTo("137");

        String describe = ns.kubectl().run("describe", "pod", "hog").stdout();
        assertThat(describe).containsPattern("(?m)^Status:\\s+Failed$")
                .containsPattern("(?m)^Reason:\\s+Evicted$")
                .containsPattern("(?m)^Message:\\s+\\QUsage of EmptyDir volume \"scratch\" exceeds the limit \"1Mi\".\\E");
        assertThat(describe).containsPattern("Warning\\s+Evicted\\s+\\S+\\s+kubelet\\s+\\QUsage of EmptyDir volume");
        assertThat(NodePods.events(ns, "hog")).anyMatch(l -> l.startsWith("Warning Evicted " + MESSAGE));
    }

    @Test
    void aReplicaSetReplacesItsEvictedPod(TestNamespace ns) {
        NodePods.apply(ns, """
                apiVersion: apps/v1
                kind: ReplicaSet
                metadata:
                  name: hogs
                spec:
                  replicas: 1
                  selector:
                    matchLabels:
                      app: hogs
                  template:
                    metadata:
                      labels:
                        app: hogs
                    spec:
                """ + HOG_SPEC.indent(6));
        String first = NodePods.awaitJsonPath(ns, "pods", "{.items[*].metadata.name}", s -> !s.isBlank(),
                Duration.ofSeconds(30)).trim();
        NodePods.awaitJsonPath(ns, "pod/" + first, "{.status.reason}", "Evicted"::equals, Duration.ofSeconds(45));
        String names = NodePods.awaitJsonPath(ns, "pods", "{.items[*].metadata.name}",
                s -> s.trim().split("\\s+").length >= 2, Duration.ofSeconds(20));
        List<String> all = Arrays.asList(names.trim().split("\\s+"));
        assertThat(all).contains(first).hasSizeGreaterThanOrEqualTo(2);
        // the evicted pod stays (Failed) beside its replacement, which the ReplicaSet counts as its one replica
        assertThat(NodePods.jsonPath(ns, "pod/" + first, "{.status.phase}")).isEqualTo("Failed");
        assertThat(NodePods.jsonPath(ns, "pod/" + first, "{.metadata.ownerReferences[0].name}")).isEqualTo("hogs");
        assertThat(ns.kubectl().run("get", "rs", "hogs", "-o", "jsonpath={.spec.replicas}")).succeeds()
                .stdoutContains("1");
    }

    @Test
    void aContainerOverItsEphemeralStorageLimitIsEvicted(TestNamespace ns) {
        NodePods.apply(ns, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: layer-hog
                spec:
                  containers:
                  - name: main
                    image: %s
                    command: ["sh", "-c", "dd if=/dev/zero of=/big bs=1048576 count=4; sleep 3600"]
                    resources:
                      limits:
                        ephemeral-storage: 1Mi
                """.formatted(NodePods.BUSYBOX));
        // containerd refreshes its writable-layer figures every 10 s, then one housekeeping pass
        NodePods.awaitJsonPath(ns, "pod/layer-hog", "{.status.reason}", "Evicted"::equals, Duration.ofSeconds(60));
        // with one container, the pod total (limit 1Mi) is over first, as upstream checks it before the container
        assertThat(NodePods.jsonPath(ns, "pod/layer-hog", "{.status.message}"))
                .isEqualTo("Pod ephemeral local storage usage exceeds the total limit of containers 1Mi. ");
        assertThat(NodePods.jsonPath(ns, "pod/layer-hog", "{.status.phase}")).isEqualTo("Failed");
    }
}
