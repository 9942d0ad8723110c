package io.kube4j.e2e.controllers;

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
 * Chapter 10's stateful pods with real kubectl and containers: a StatefulSet with a claim template gets a claim
 * {@code data-<pod>} per ordinal, provisioned by the default {@code local-path} class; the claim outlives a scale-down
 * and a pod deletion, so the pod that comes back under the same name finds its data.
 */
@Kube4jE2E
class StatefulSetStorageIT {
    static final Duration TIMEOUT = Duration.ofSeconds(90);
    static final String YAML = """
            apiVersion: v1
            kind: Service
            metadata:
              name: kv
            spec:
              clusterIP: None
              selector:
                app: kv
              ports:
              - name: http
                port: 80
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: kv
            spec:
              serviceName: kv
              replicas: 2
              selector:
                matchLabels:
                  app: kv
              template:
                metadata:
                  labels:
                    app: kv
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    image: %s
                    command: ["sh", "-c", "[ -f /data/owner ] || hostname > /data/owner; trap 'exit 0' TERM; sleep 3600 & wait"]
                    volumeMounts:
                    - name: data
                      mountPath: /data
              volumeClaimTemplates:
              - metadata:
                  name: data
                spec:
                  accessModes:
                  - ReadWriteOnce
                  resources:
                    requests:
                      storage: 10Mi
            """.formatted(NodePods.BUSYBOX);

    private static String json(TestNamespace ns, String resource, String expr) {
        KubectlResult r = ns.kubectl().run("get", resource, "-o", "jsonpath=" + expr);
        return r.succeeded() ? r.stdout().trim() : "";
    }

    private static void awaitPodReady(TestNamespace ns, String pod, String oldUid) {
        NodePods.await(pod + " running again", TIMEOUT, () -> {
            String v = json(ns, "pod/" + pod, "{.metadata.uid} {.status.conditions[?(@.type==\"Ready\")].status}");
            return !v.isEmpty() && !v.startsWith(oldUid + " ") && v.endsWith(" True");
        }, () -> ns.kubectl().run("get", "pods,pvc", "-o", "wide").stdout() + NodePods.eventText(ns, pod));
    }

    private static String cat(TestNamespace ns, String pod, String file) {
        KubectlResult r = ns.kubectl().run("exec", pod, "--", "cat", "/data/" + file);
        assertThat(r).succeeds();
        return r.stdout().trim();
    }

    @Test
    void eachPodKeepsItsClaimAcrossScaleDownAndDeletion(TestNamespace ns, Kube4jServer server) throws Exception {
        assertThat(ns.kubectl().runWithStdin(YAML, "apply", "-f", "-")).succeeds();
        assertThat(ns.kubectl().withTimeout(Duration.ofSeconds(150)).run("rollout", "status", "statefulset/kv",
                "--timeout=120s")).succeeds();
        Path storage = server.dataDir().resolve("agent").resolve("storage").toAbsolutePath();
        String[] pvs = new String[2];
        for (int i = 0; i < 2; i++) {
            String claim = "data-kv-" + i;
            NodePods.await(claim + " bound", TIMEOUT, () -> "Bound".equals(json(ns, "pvc/" + claim, "{.status.phase}")),
                    () -> ns.kubectl().run("get", "pvc", "-o", "yaml").stdout());
            pvs[i] = json(ns, "pvc/" + claim, "{.spec.volumeName}");
            assertThat(pvs[i]).isEqualTo("pvc-" + json(ns, "pvc/" + claim, "{.metadata.uid}"));
            assertThat(json(ns, "pv/" + pvs[i], "{.spec.hostPath.path}"))
                    .isEqualTo(storage + "/" + pvs[i] + "_" + ns.name() + "_" + claim);
            assertThat(json(ns, "pod/kv-" + i, "{.spec.volumes[?(@.name==\"data\")].persistentVolumeClaim.claimName}"))
                    .isEqualTo(claim);
            assertThat(cat(ns, "kv-" + i, "owner")).isEqualTo("kv-" + i);
        }
        assertThat(ns.kubectl().run("get", "pvc")).succeeds()
                .headerMatches("NAME\\s+STATUS\\s+VOLUME\\s+CAPACITY\\s+ACCESS MODES\\s+STORAGECLASS\\s+"
                        + "VOLUMEATTRIBUTESCLASS\\s+AGE")
                .hasLineMatching("data-kv-0\\s+Bound\\s+" + pvs[0] + "\\s+10Mi\\s+RWO\\s+local-path\\s+<unset>\\s+\\S+")
                .hasLineMatching("data-kv-1\\s+Bound\\s+" + pvs[1] + "\\s+10Mi\\s+RWO\\s+local-path\\s+<unset>\\s+\\S+");
        assertThat(NodePods.eventText(ns, "kv")).contains(
                "SuccessfulCreate: create Claim data-kv-0 Pod kv-0 in StatefulSet kv success\n",
                "SuccessfulCreate: create Claim data-kv-1 Pod kv-1 in StatefulSet kv success\n");
        assertThat(ns.kubectl().run("exec", "kv-1", "--", "sh", "-c", "echo kept > /data/marker")).succeeds();

        // scaling down removes kv-1 but keeps its claim and volume
        String uid1 = json(ns, "pod/kv-1", "{.metadata.uid}");
        assertThat(ns.kubectl().run("scale", "statefulset", "kv", "--replicas=1")).succeeds()
                .printed("statefulset.apps/kv scaled");
        NodePods.await("kv-1 gone", TIMEOUT, () -> !ns.kubectl().run("get", "pod", "kv-1").succeeded(),
                () -> ns.kubectl().run("get", "pods").stdout());
        assertThat(json(ns, "pvc/data-kv-1", "{.status.phase} {.spec.volumeName}")).isEqualTo("Bound " + pvs[1]);
        assertThat(ns.kubectl().run("get", "pvc")).succeeds()
                .hasLineMatching("data-kv-1\\s+Bound\\s+" + pvs[1] + "\\s+.*");

        // scaling up again reattaches the same claim: kv-1 reads what it wrote before
        assertThat(ns.kubectl().run("scale", "statefulset", "kv", "--replicas=2")).succeeds();
        awaitPodReady(ns, "kv-1", uid1);
        assertThat(cat(ns, "kv-1", "marker")).isEqualTo("kept");
        assertThat(cat(ns, "kv-1", "owner")).isEqualTo("kv-1");

        // a deleted pod comes back under its name with its data
        assertThat(ns.kubectl().run("exec", "kv-0", "--", "sh", "-c", "echo zero > /data/marker")).succeeds();
        String uid0 = json(ns, "pod/kv-0", "{.metadata.uid}");
        assertThat(ns.kubectl().withTimeout(Duration.ofSeconds(60)).run("delete", "pod", "kv-0")).succeeds()
                .printed("pod \"kv-0\" deleted");
        awaitPodReady(ns, "kv-0", uid0);
        assertThat(cat(ns, "kv-0", "marker")).isEqualTo("zero");
        assertThat(cat(ns, "kv-0", "owner")).isEqualTo("kv-0");
        assertThat(json(ns, "pvc/data-kv-0", "{.spec.volumeName}")).isEqualTo(pvs[0]);

        // clean up: the set, then the claims; the provisioner removes the volumes and their directories
        assertThat(ns.kubectl().withTimeout(Duration.ofSeconds(90)).run("delete", "statefulset", "kv",
                "--wait=true", "--timeout=60s")).succeeds();
        NodePods.await("pods gone", TIMEOUT, () -> json(ns, "pods", "{.items[*].metadata.name}").isEmpty(),
                () -> ns.kubectl().run("get", "pods").stdout());
        assertThat(ns.kubectl().run("delete", "pvc", "data-kv-0", "data-kv-1")).succeeds();
        for (String pv : pvs) {
            NodePods.await(pv + " deleted", TIMEOUT, () -> !ns.kubectl().run("get", "pv", pv).succeeded(),
                    () -> ns.kubectl().run("get", "pv", pv, "-o", "yaml").stdout());
            assertThat(Files.exists(storage.resolve(pv + "_" + ns.name() + "_data-kv-0"))
                    || Files.exists(storage.resolve(pv + "_" + ns.name() + "_data-kv-1")))
                    .as("the directory of " + pv + " is removed").isFalse();
        }
        assertThat(ns.kubectl().run("get", "statefulsets,pods,pvc")).succeeds()
                .stderrContains("No resources found in " + ns.name() + " namespace.");
    }
}
