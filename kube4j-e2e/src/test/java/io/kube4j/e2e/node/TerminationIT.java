package io.kube4j.e2e.node;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.TestNamespace;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Graceful deletion on the node: SIGTERM first, SIGKILL after terminationGracePeriodSeconds, a preStop hook before
 * either, and the pod object stays (Terminating) until its containers stopped.
 */
@Kube4jE2E
class TerminationIT {

    /** What {@link #deleteAndWatch} saw: how long the pod object lived on, and the STATUS values meanwhile. */
    record Deletion(Duration took, Set<String> statuses) {
    }

    /** Deletes without waiting, then polls {@code kubectl get pod} until the pod is gone. */
    private static Deletion deleteAndWatch(TestNamespace ns, String name, Runnable whileTerminating) {
        Instant start = Instant.now();
        assertThat(ns.kubectl().run("delete", "pod", name, "--wait=false")).succeeds()
                .printed("pod \"" + name + "\" deleted");
        Set<String> statuses = new LinkedHashSet<>();
        boolean ran = false;
        while (Duration.between(start, Instant.now()).compareTo(Duration.ofSeconds(40)) < 0) {
            NodePods.PodRow row = NodePods.row(ns, name);
            if (row == null) {
                return new Deletion(Duration.between(start, Instant.now()), statuses);
            }
            statuses.add(row.status());
            if (!ran && whileTerminating != null) {
                whileTerminating.run();
                ran = true;
            }
            NodePods.sleep(200);
        }
        throw new AssertionError("pod " + name + " still there 40 s after its delete; saw " + statuses);
    }

    private static String sleeper(String name, String grace, String script) {
        return NodePods.pod(name, "  terminationGracePeriodSeconds: " + grace, """
                  - name: main
                    image: %s
                    command: ["sh", "-c", "%s"]
                """.formatted(NodePods.BUSYBOX, script));
    }

    @Test
    void sigtermEndsAHandlingProcessAtOnceAndSigkillEndsAnIgnoringOneAfterTheGracePeriod(TestNamespace ns) {
        NodePods.apply(ns, sleeper("handles-term", "30",
                "trap 'echo got TERM; exit 0' TERM; echo started; sleep 3600 & wait"));
        NodePods.apply(ns, sleeper("ignores-term", "3", "trap '' TERM; echo started; sleep 3600"));
        NodePods.waitReady(ns, "handles-term");
        NodePods.waitReady(ns, "ignores-term");

        Instant start = Instant.now();
        KubectlResult deleted = ns.kubectl().withTimeout(Duration.ofSeconds(60)).run("delete", "pod", "handles-term");
        assertThat(deleted).succeeds().printed("pod \"handles-term\" deleted");
        // The 30 s grace period is not used up: the process exits as soon as SIGTERM arrives.
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(8));

        Deletion ignoring = deleteAndWatch(ns, "ignores-term", null);
        assertThat(ignoring.statuses()).contains("Terminating");
        assertThat(ignoring.took()).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(10));
        assertThat(ns.kubectl().run("get", "pods")).stderrContains("No resources found");
        assertThat(NodePods.eventText(ns, "ignores-term")).contains("Killing: Stopping container main\n");
    }

    @Test
    void preStopHookRunsBeforeSigterm(TestNamespace ns) {
        NodePods.apply(ns, NodePods.pod("prestop", "  terminationGracePeriodSeconds: 30", """
                  - name: main
                    image: %s
                    command: ["sh", "-c", "trap 'echo got TERM; exit 0' TERM; echo started; sleep 3600 & wait"]
                    lifecycle:
                      preStop:
                        exec:
                          command: ["sh", "-c", "echo preStop ran > /proc/1/fd/1; sleep 4"]
                """.formatted(NodePods.BUSYBOX)));
        NodePods.waitReady(ns, "prestop");
        String[] logsWhileHookRuns = new String[1];
        Deletion d = deleteAndWatch(ns, "prestop", () -> {
            NodePods.sleep(1500);
            logsWhileHookRuns[0] = ns.kubectl().run("logs", "prestop").stdout();
        });
        // The hook's output is in the log, the TERM handler's not yet: the hook runs first, SIGTERM after it.
        assertThat(logsWhileHookRuns[0]).isEqualTo("started\npreStop ran\n");
        assertThat(d.statuses()).contains("Terminating");
        // The process exits at SIGTERM, so the delete lasts as long as the hook's sleep, not the 30 s grace.
        assertThat(d.took()).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(12));
    }
}
