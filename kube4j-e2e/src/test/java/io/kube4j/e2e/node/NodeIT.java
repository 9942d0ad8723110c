package io.kube4j.e2e.node;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.Kubectl;
import io.kube4j.e2e.TestNamespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** The node with real containerd, as chapters 2 and 3 use it: a Ready node, pods Running with an IP, logs, exec. */
@Kube4jE2E
class NodeIT {
    @TempDir
    Path dir;

    @Test
    void nodeIsReadyWithVersionAddressOsAndRuntime(Kubectl kubectl) {
        assertThat(kubectl.run("get", "nodes", "-o", "wide"))
                .succeeds()
                .headerMatches("NAME\\s+STATUS\\s+ROLES\\s+AGE\\s+VERSION\\s+INTERNAL-IP\\s+EXTERNAL-IP\\s+OS-IMAGE\\s+"
                        + "KERNEL-VERSION\\s+CONTAINER-RUNTIME")
                .hasLineMatching(NodePods.NODE + "\\s+Ready\\s+control-plane\\s+\\S+\\s+v1\\.32\\.\\d+\\S*\\s+127\\.0\\.0\\.1\\s+"
                        + "<none>\\s+.+\\s+\\S+\\s+containerd://1\\.\\S+");
        assertThat(kubectl.run("get", "lease", "-n", "kube-node-lease", NodePods.NODE, "-o",
                "jsonpath={.spec.holderIdentity}")).succeeds().printed(NodePods.NODE);
        assertThat(kubectl.run("get", "node", NodePods.NODE, "-o", "jsonpath={.status.capacity.pods}"))
                .succeeds().printed("110");
    }

    @Test
    void podFromYamlRunsWithAnIpAndAnswersFromItsContainer(TestNamespace ns) throws Exception {
        NodePods.createReady(ns, NodePods.kubia("kubia-manual"), "kubia-manual");
        String ip = NodePods.podIp(ns, "kubia-manual");
        assertThat(ip).startsWith("10.42.");
        assertThat(ns.kubectl().run("get", "pods", "-o", "wide"))
                .succeeds()
                .headerMatches("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE\\s+IP\\s+NODE\\s+NOMINATED NODE\\s+READINESS GATES")
                .hasLineMatching("kubia-manual\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+" + ip.replace(".", "\\.") + "\\s+"
                        + NodePods.NODE + "\\s+<none>\\s+<none>");
        assertThat(NodePods.httpGet(ip, 8080).body()).isEqualTo("You've hit kubia-manual\n");
        assertThat(ns.kubectl().run("logs", "kubia-manual")).succeeds().stdoutContains("Kubia server starting");
        assertThat(ns.kubectl().run("exec", "kubia-manual", "--", "hostname")).succeeds().printed("kubia-manual");
        assertThat(ns.kubectl().run("exec", "kubia-manual", "--", "sh", "-c", "exit 3")).exitsWith(3);
        assertThat(ns.kubectl().runWithStdin("piped through\n", "exec", "-i", "kubia-manual", "--", "cat"))
                .succeeds().printed("piped through");
        assertThat(ns.kubectl().run("describe", "pod", "kubia-manual")).succeeds()
                .stdoutContains("Status:           Running", "IP:               " + ip, "Node:             "
                        + NodePods.NODE + "/127.0.0.1", "Started container kubia");
    }

    @Test
    void portForwardAndCopy(TestNamespace ns) throws Exception {
        NodePods.createReady(ns, NodePods.kubia("kubia-pf"), "kubia-pf");
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (Kubectl.Background pf = ns.kubectl().start("port-forward", "pod/kubia-pf", port + ":8080")) {
            String body = null;
            for (int i = 0; i < 50 && body == null; i++) {
                try {
                    body = NodePods.httpGet("127.0.0.1", port).body();
                } catch (java.io.IOException e) {
                    NodePods.sleep(200);
                }
            }
            assertThat(body).isEqualTo("You've hit kubia-pf\n");
        }
        Path file = Files.writeString(dir.resolve("greeting.txt"), "hello from the host\n");
        assertThat(ns.kubectl().run("cp", file.toString(), "kubia-pf:/tmp/greeting.txt")).succeeds();
        assertThat(ns.kubectl().run("exec", "kubia-pf", "--", "cat", "/tmp/greeting.txt")).succeeds()
                .printed("hello from the host");
        assertThat(ns.kubectl().run("cp", "kubia-pf:/tmp/greeting.txt", dir.resolve("back.txt").toString())).succeeds();
        assertThat(Files.readString(dir.resolve("back.txt"))).isEqualTo("hello from the host\n");
    }

    @Test
    void deletedPodGoesAwayAfterItsContainersStopped(TestNamespace ns) {
        NodePods.createReady(ns, NodePods.kubia("kubia-del"), "kubia-del");
        assertThat(ns.kubectl().withTimeout(Duration.ofSeconds(60)).run("delete", "pod", "kubia-del"))
                .succeeds().printed("pod \"kubia-del\" deleted");
        assertThat(ns.kubectl().run("get", "pods")).stderrContains("No resources found");
        assertThat(ns.kubectl().run("get", "events", "--field-selector", "involvedObject.name=kubia-del",
                "-o", "jsonpath={.items[*].reason}")).succeeds().stdoutContains("Killing");
    }
}
