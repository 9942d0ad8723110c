package io.kube4j.e2e.node;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.TestNamespace;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Liveness, readiness and startup probes on the node, as chapter 4 of the book shows them: a failing liveness probe
 * (HTTP, TCP, exec) restarts the container, readiness drives READY without restarts, a startup probe holds liveness
 * off. Periods are one second so each test takes seconds; pods of one test run side by side.
 */
@Kube4jE2E
class ProbesIT {

    @Test
    void failingLivenessProbesRestartTheContainer(TestNamespace ns) {
        // The book's kubia-liveness: kubia-unhealthy answers 500 from its 6th request on.
        NodePods.apply(ns, NodePods.pod("kubia-liveness", "  terminationGracePeriodSeconds: 5", """
                  - name: kubia
                    image: %s
                    livenessProbe:
                      httpGet:
                        path: /
                        port: 8080
                      initialDelaySeconds: 1
                      periodSeconds: 1
                """.formatted(NodePods.KUBIA_UNHEALTHY)));
        // busybox sh as PID 1 ignores SIGTERM: the kill takes the 2 s grace and ends with SIGKILL (137).
        NodePods.apply(ns, NodePods.pod("liveness-tcp", "  terminationGracePeriodSeconds: 2", """
                  - name: main
                    image: %s
                    command: ["sh", "-c", "echo tcp run; sleep 3600"]
                    livenessProbe:
                      tcpSocket:
                        port: 8081
                      periodSeconds: 1
                      failureThreshold: 2
                """.formatted(NodePods.BUSYBOX)));
        NodePods.apply(ns, NodePods.pod("liveness-exec", "  terminationGracePeriodSeconds: 2", """
                  - name: main
                    image: %s
                    command: ["sh", "-c", "echo exec run started at $(date +%%s); sleep 3600"]
                    livenessProbe:
                      exec:
                        command: ["sh", "-c", "echo not healthy; exit 1"]
                      periodSeconds: 1
                      failureThreshold: 2
                """.formatted(NodePods.BUSYBOX)));

        for (String pod : new String[] {"kubia-liveness", "liveness-tcp", "liveness-exec"}) {
            NodePods.PodRow row = NodePods.awaitRow(ns, pod, r -> r.restartCount() >= 1 && r.status().equals("Running"),
                    Duration.ofSeconds(60));
            assertThat(row.restarts()).as(pod).matches("\\d+ \\(\\S+ ago\\)");
        }
        String ip = NodePods.jsonPath(ns, "pod/liveness-tcp", "{.status.podIP}");

        // kubia-unhealthy ignores SIGTERM, as the book's node.js app does: SIGKILL after the grace period, 137
        assertThat(ns.kubectl().run("describe", "pod", "kubia-liveness")).succeeds().stdoutContains(
                "    Last State:     Terminated\n      Reason:       Error\n      Exit Code:    137\n",
                "    Liveness:       http-get http://:8080/ delay=1s timeout=1s period=1s #success=1 #failure=3\n");
        assertThat(NodePods.eventText(ns, "kubia-liveness")).contains(
                "Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500\n",
                "Killing: Container kubia failed liveness probe, will be restarted\n");
        assertThat(ns.kubectl().run("logs", "kubia-liveness", "--previous")).succeeds()
                .stdoutContains("Kubia server starting...", "Received request: GET / HTTP/1.1");

        assertThat(ns.kubectl().run("describe", "pod", "liveness-tcp")).succeeds().stdoutContains(
                "    Last State:     Terminated\n      Reason:       Error\n      Exit Code:    137\n",
                "    Liveness:       tcp-socket :8081 delay=0s timeout=1s period=1s #success=1 #failure=2\n");
        assertThat(NodePods.eventText(ns, "liveness-tcp")).contains(
                "Unhealthy: Liveness probe failed: dial tcp " + ip + ":8081: connect: connection refused\n",
                "Killing: Container main failed liveness probe, will be restarted\n");
        assertThat(ns.kubectl().run("logs", "liveness-tcp", "--previous")).succeeds().printed("tcp run");

        assertThat(ns.kubectl().run("describe", "pod", "liveness-exec")).succeeds().stdoutContains(
                "    Last State:     Terminated\n      Reason:       Error\n      Exit Code:    137\n",
                "    Liveness:       exec [sh -c echo not healthy; exit 1] delay=0s timeout=1s period=1s #success=1 "
                        + "#failure=2\n");
        assertThat(NodePods.eventText(ns, "liveness-exec")).contains(
                "Unhealthy: Liveness probe failed: not healthy\n",
                "Killing: Container main failed liveness probe, will be restarted\n");
        String previous = ns.kubectl().run("logs", "liveness-exec", "--previous").out();
        String current = ns.kubectl().run("logs", "liveness-exec").out();
        assertThat(previous).startsWith("exec run started at ");
        assertThat(current).startsWith("exec run started at ").isNotEqualTo(previous);
    }

    @Test
    void readinessDrivesReadyAndStartupHoldsOffLiveness(TestNamespace ns) {
        NodePods.apply(ns, NodePods.pod("readiness", "  terminationGracePeriodSeconds: 2", """
                  - name: main
                    image: %s
                    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
                    readinessProbe:
                      exec:
                        command: ["cat", "/tmp/ready"]
                      periodSeconds: 1
                      failureThreshold: 1
                """.formatted(NodePods.BUSYBOX)));
        // Liveness alone would kill this container within 2 s; the startup probe succeeds only after about 5 s.
        NodePods.apply(ns, NodePods.pod("slow-start", "  terminationGracePeriodSeconds: 2", """
                  - name: main
                    image: %s
                    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 5; touch /tmp/started; sleep 3600 & wait"]
                    startupProbe:
                      exec:
                        command: ["cat", "/tmp/started"]
                      periodSeconds: 1
                      failureThreshold: 20
                    livenessProbe:
                      exec:
                        command: ["cat", "/tmp/started"]
                      periodSeconds: 1
                      failureThreshold: 1
                """.formatted(NodePods.BUSYBOX)));

        NodePods.awaitRow(ns, "readiness", r -> r.status().equals("Running"), Duration.ofSeconds(30));
        NodePods.sleep(2000);
        assertThat(NodePods.row(ns, "readiness")).isEqualTo(new NodePods.PodRow("0/1", "Running", "0"));
        assertThat(NodePods.jsonPath(ns, "pod/readiness", "{.status.conditions[?(@.type==\"Ready\")].status}"))
                .isEqualTo("False");
        assertThat(ns.kubectl().run("exec", "readiness", "--", "touch", "/tmp/ready")).succeeds();
        NodePods.awaitRow(ns, "readiness", r -> r.ready().equals("1/1"), Duration.ofSeconds(10));
        assertThat(NodePods.jsonPath(ns, "pod/readiness", "{.status.conditions[?(@.type==\"Ready\")].status}"))
                .isEqualTo("True");
        assertThat(ns.kubectl().run("exec", "readiness", "--", "rm", "/tmp/ready")).succeeds();
        NodePods.PodRow unready = NodePods.awaitRow(ns, "readiness", r -> r.ready().equals("0/1"),
                Duration.ofSeconds(10));
        assertThat(unready).isEqualTo(new NodePods.PodRow("0/1", "Running", "0"));
        assertThat(NodePods.eventText(ns, "readiness"))
                .contains("Unhealthy: Readiness probe failed: cat: can't open '/tmp/ready': No such file or directory\n")
                .doesNotContain("Killing");

        NodePods.waitReady(ns, "slow-start");
        assertThat(NodePods.jsonPath(ns, "pod/slow-start", "{.status.containerStatuses[0].started}"))
                .isEqualTo("true");
        NodePods.sleep(2000);
        assertThat(NodePods.row(ns, "slow-start")).isEqualTo(new NodePods.PodRow("1/1", "Running", "0"));
        assertThat(NodePods.eventText(ns, "slow-start"))
                .contains("Unhealthy: Startup probe failed: cat: can't open '/tmp/started': No such file or directory\n")
                .doesNotContain("Liveness probe failed", "Killing");
    }
}
