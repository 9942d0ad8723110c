package io.kube4j.e2e.node;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.TestNamespace;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The volumes the node sets up today, as chapter 6's first examples use them: an emptyDir shared by two containers
 * (the book's fortune pod), a hostPath with its type check; a volume type not supported yet keeps the container
 * waiting with a FailedMount event instead of starting it without its data.
 */
@Kube4jE2E
class VolumesIT {
    @Test
    void emptyDirIsSharedByTheContainersOfAPod(TestNamespace ns) {
        NodePods.createReady(ns, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: fortune
                spec:
                  nodeName: %s
                  terminationGracePeriodSeconds: 2
                  containers:
                  - name: html-generator
                    image: %s
                    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do date > /var/htdocs/index.html; sleep 1; done"]
                    volumeMounts:
                    - name: html
                      mountPath: /var/htdocs
                  - name: web-server
                    image: %s
                    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]
                    volumeMounts:
                    - name: html
                      mountPath: /usr/share/nginx/html
                      readOnly: true
                  volumes:
                  - name: html
                    emptyDir: {}
                """.formatted(NodePods.NODE, NodePods.BUSYBOX, NodePods.BUSYBOX), "fortune");
        String written = NodePods.awaitJsonPath(ns, "pod/fortune", "{.status.phase}", "Running"::equals,
                Duration.ofSeconds(30));
        assertThat(written).isEqualTo("Running");
        assertThat(ns.kubectl().run("exec", "fortune", "-c", "web-server", "--", "cat",
                "/usr/share/nginx/html/index.html")).succeeds().stdoutContains("UTC");
        assertThat(ns.kubectl().run("exec", "fortune", "-c", "web-server", "--", "sh", "-c",
                "echo x > /usr/share/nginx/html/other")).exitsWith(1).stderrContains("Read-only file system");
    }

    @Test
    void hostPathIsTheNodesDirectory(TestNamespace ns) throws Exception {
        Path dir = Path.of("/tmp", "kube4j-e2e-hostpath-" + UUID.randomUUID());
        try {
            NodePods.createReady(ns, """
                    apiVersion: v1
                    kind: Pod
                    metadata:
                      name: hostpath
                    spec:
                      nodeName: %s
                      terminationGracePeriodSeconds: 2
                      containers:
                      - name: main
                        image: %s
                        command: ["sh", "-c", "echo from-the-pod > /data/out; trap 'exit 0' TERM; while :; do sleep 1; done"]
                        volumeMounts:
                        - name: data
                          mountPath: /data
                      volumes:
                      - name: data
                        hostPath:
                          path: %s
                          type: DirectoryOrCreate
                    """.formatted(NodePods.NODE, NodePods.BUSYBOX, dir), "hostpath");
            NodePods.await("file written by the pod", Duration.ofSeconds(10), () -> Files.exists(dir.resolve("out")),
                    () -> "no " + dir.resolve("out"));
            assertThat(Files.readString(dir.resolve("out"))).isEqualTo("from-the-pod\n");
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException ignored) {
                // nothing was created
            }
        }
    }

    @Test
    void aMemoryEmptyDirIsATmpfsOfItsSizeLimit(TestNamespace ns) {
        NodePods.createReady(ns, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: ram
                spec:
                  nodeName: %s
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    image: %s
                    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]
                    volumeMounts:
                    - name: cache
                      mountPath: /cache
                  volumes:
                  - name: cache
                    emptyDir:
                      medium: Memory
                      sizeLimit: 1Mi
                """.formatted(NodePods.NODE, NodePods.BUSYBOX), "ram");
        assertThat(ns.kubectl().run("exec", "ram", "--", "sh", "-c", "grep ' /cache ' /proc/mounts")).succeeds()
                .stdoutContains("tmpfs /cache tmpfs rw").stdoutContains("size=1024k");
        // the limit holds: 2 MiB do not fit
        assertThat(ns.kubectl().run("exec", "ram", "--", "sh", "-c",
                "dd if=/dev/zero of=/cache/big bs=1024 count=2048")).exitsWith(1)
                .stderrContains("No space left on device");
    }

    @Test
    void aHostPathOfTheWrongTypeKeepsThePodWaitingWithUpstreamsMessage(TestNamespace ns) {
        Path missing = Path.of("/tmp", "kube4j-e2e-missing-" + UUID.randomUUID());
        NodePods.apply(ns, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: wrong-type
                spec:
                  nodeName: %s
                  containers:
                  - name: main
                    image: %s
                    volumeMounts:
                    - name: data
                      mountPath: /data
                  volumes:
                  - name: data
                    hostPath:
                      path: %s
                      type: Directory
                """.formatted(NodePods.NODE, NodePods.BUSYBOX, missing));
        NodePods.awaitEvent(ns, "wrong-type", l -> l.contains("FailedMount"), Duration.ofSeconds(30));
        assertThat(NodePods.events(ns, "wrong-type")).anyMatch(l -> l.equals("Warning FailedMount MountVolume.SetUp "
                + "failed for volume \"data\" : hostPath type check failed: " + missing + " is not a directory"));
        assertThat(ns.kubectl().run("get", "pod", "wrong-type")).succeeds()
                .hasLineMatching("wrong-type\\s+0/1\\s+ContainerCreating\\s+0\\s+\\S+");
        assertThat(Files.exists(missing)).as("Directory does not create the path").isFalse();
    }

    @Test
    void aVolumeTypeNotSupportedYetKeepsTheContainerWaiting(TestNamespace ns) {
        NodePods.apply(ns, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: needs-config
                spec:
                  nodeName: %s
                  containers:
                  - name: main
                    image: %s
                    volumeMounts:
                    - name: cfg
                      mountPath: /etc/cfg
                  volumes:
                  - name: cfg
                    nfs:
                      server: nfs.invalid
                      path: /exports
                """.formatted(NodePods.NODE, NodePods.BUSYBOX));
        NodePods.awaitEvent(ns, "needs-config", l -> l.contains("FailedMount"), Duration.ofSeconds(30));
        assertThat(NodePods.events(ns, "needs-config")).anyMatch(l -> l.equals("Warning FailedMount MountVolume.SetUp "
                + "failed for volume \"cfg\" : volume type nfs is not supported by this node yet"));
        assertThat(ns.kubectl().run("get", "pod", "needs-config")).succeeds()
                .hasLineMatching("needs-config\\s+0/1\\s+ContainerCreating\\s+0\\s+\\S+");
    }
}
