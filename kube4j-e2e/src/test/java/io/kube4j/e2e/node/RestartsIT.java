package io.kube4j.e2e.node;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.TestNamespace;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restart policies, CrashLoopBackOff with upstream's back-off (an immediate first restart, then 10 s, 20 s, ...), and
 * init containers that run one after the other before the app containers.
 */
@Kube4jE2E
class RestartsIT {

    @Test
    void crashingContainerGoesIntoCrashLoopBackOff(TestNamespace ns) {
        NodePods.apply(ns, NodePods.pod("crash", "  terminationGracePeriodSeconds: 2", """
                  - name: main
                    image: %s
                    command: ["sh", "-c", "echo crashing; exit 1"]
                """.formatted(NodePods.BUSYBOX)));
        NodePods.awaitRow(ns, "crash", r -> r.restartCount() >= 1, Duration.ofSeconds(30));
        Instant firstRestart = Instant.now();
        NodePods.PodRow backingOff = NodePods.awaitRow(ns, "crash", r -> r.status().equals("CrashLoopBackOff"),
                Duration.ofSeconds(10));
        assertThat(backingOff.ready()).isEqualTo("0/1");
        assertThat(backingOff.restarts()).matches("1 \\(\\S+ ago\\)");
        NodePods.awaitRow(ns, "crash", r -> r.restartCount() >= 2, Duration.ofSeconds(30));
        Duration secondRestart = Duration.between(firstRestart, Instant.now());
        // The second restart waits out the 10 s back-off (less the moments the first run took to exit).
        assertThat(secondRestart).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(16));

        NodePods.awaitRow(ns, "crash", r -> r.status().equals("CrashLoopBackOff"), Duration.ofSeconds(10));
        assertThat(ns.kubectl().run("describe", "pod", "crash")).succeeds().stdoutContains(
                "    State:          Waiting\n      Reason:       CrashLoopBackOff\n"
                        + "    Last State:     Terminated\n      Reason:       Error\n      Exit Code:    1\n",
                "    Restart Count:  2\n");
        String uid = NodePods.jsonPath(ns, "pod/crash", "{.metadata.uid}");
        assertThat(NodePods.eventText(ns, "crash")).contains("BackOff: Back-off restarting failed container main in pod crash_"
                + ns.name() + "(" + uid + ")\n");
        assertThat(NodePods.jsonPath(ns, "pod/crash", "{.status.containerStatuses[0].state.waiting.message}"))
                .isEqualTo("back-off 20s restarting failed container=main pod=crash_" + ns.name() + "(" + uid + ")");
        assertThat(ns.kubectl().run("logs", "crash", "--previous")).succeeds().printed("crashing");
    }

    @Test
    void restartPoliciesDecideWhatHappensAfterAnExit(TestNamespace ns) {
        NodePods.apply(ns, NodePods.pod("onfailure-ok", "  restartPolicy: OnFailure", exiting(0)));
        NodePods.apply(ns, NodePods.pod("onfailure-fails", "  restartPolicy: OnFailure", exiting(3)));
        NodePods.apply(ns, NodePods.pod("never-ok", "  restartPolicy: Never", exiting(0)));
        NodePods.apply(ns, NodePods.pod("never-fails", "  restartPolicy: Never", exiting(1)));

        assertThat(NodePods.awaitRow(ns, "onfailure-ok", r -> r.status().equals("Completed"), Duration.ofSeconds(30)))
                .isEqualTo(new NodePods.PodRow("0/1", "Completed", "0"));
        assertThat(NodePods.awaitRow(ns, "never-ok", r -> r.status().equals("Completed"), Duration.ofSeconds(30)))
                .isEqualTo(new NodePods.PodRow("0/1", "Completed", "0"));
        assertThat(NodePods.awaitRow(ns, "never-fails", r -> r.status().equals("Error"), Duration.ofSeconds(30)))
                .isEqualTo(new NodePods.PodRow("0/1", "Error", "0"));
        NodePods.awaitRow(ns, "onfailure-fails", r -> r.restartCount() >= 1, Duration.ofSeconds(30));

        assertThat(NodePods.jsonPath(ns, "pod/onfailure-ok", "{.status.phase}")).isEqualTo("Succeeded");
        assertThat(NodePods.jsonPath(ns, "pod/never-ok", "{.status.phase}")).isEqualTo("Succeeded");
        assertThat(NodePods.jsonPath(ns, "pod/never-fails", "{.status.phase}")).isEqualTo("Failed");
        assertThat(NodePods.jsonPath(ns, "pod/onfailure-fails", "{.status.phase}")).isEqualTo("Running");
        assertThat(ns.kubectl().run("describe", "pod", "never-fails")).succeeds().stdoutContains(
                "Status:           Failed\n",
                "    State:          Terminated\n      Reason:       Error\n      Exit Code:    1\n");
        assertThat(ns.kubectl().run("describe", "pod", "never-ok")).succeeds().stdoutContains(
                "Status:           Succeeded\n",
                "    State:          Terminated\n      Reason:       Completed\n      Exit Code:    0\n");
        NodePods.sleep(2000);
        assertThat(NodePods.row(ns, "onfailure-ok").restarts()).isEqualTo("0");
        assertThat(NodePods.row(ns, "never-fails").restarts()).isEqualTo("0");
        assertThat(ns.kubectl().run("logs", "never-fails")).succeeds().printed("exiting with 1");
    }

    @Test
    void failingInitContainerFailsThePodOrLoopsAsItsPolicySays(TestNamespace ns) {
        String failingInit = """
                  initContainers:
                  - name: init
                    image: %s
                    command: ["sh", "-c", "echo init failing; exit 2"]
                """.formatted(NodePods.BUSYBOX);
        NodePods.apply(ns, NodePods.pod("init-never", "  restartPolicy: Never\n" + failingInit, exiting(0)));
        NodePods.apply(ns, NodePods.pod("init-always", "  terminationGracePeriodSeconds: 2\n" + failingInit,
                exiting(0)));

        assertThat(NodePods.awaitRow(ns, "init-never", r -> r.status().equals("Init:Error"), Duration.ofSeconds(30)))
                .isEqualTo(new NodePods.PodRow("0/1", "Init:Error", "0"));
        assertThat(NodePods.jsonPath(ns, "pod/init-never", "{.status.phase}")).isEqualTo("Failed");
        NodePods.PodRow looping = NodePods.awaitRow(ns, "init-always",
                r -> r.status().equals("Init:CrashLoopBackOff"), Duration.ofSeconds(30));
        assertThat(looping.ready()).isEqualTo("0/1");
        assertThat(looping.restartCount()).isGreaterThanOrEqualTo(1);
        assertThat(NodePods.jsonPath(ns, "pod/init-always", "{.status.phase}")).isEqualTo("Pending");
        // The app container never started.
        assertThat(NodePods.jsonPath(ns, "pod/init-always", "{.status.containerStatuses[0].state.waiting.reason}"))
                .isEqualTo("PodInitializing");
        assertThat(ns.kubectl().run("describe", "pod", "init-always")).succeeds().stdoutContains(
                "      Reason:       CrashLoopBackOff\n    Last State:     Terminated\n      Reason:       Error\n"
                        + "      Exit Code:    2\n");
    }

    private static String exiting(int code) {
        return """
                  - name: main
                    image: %s
                    command: ["sh", "-c", "echo exiting with %d; exit %d"]
                """.formatted(NodePods.BUSYBOX, code, code);
    }

    @Test
    void initContainersRunInOrderBeforeTheAppContainer(TestNamespace ns) {
        NodePods.apply(ns, NodePods.pod("with-init", """
                  terminationGracePeriodSeconds: 2
                  initContainers:
                  - name: init-one
                    image: %1$s
                    command: ["sh", "-c", "echo first; sleep 3"]
                  - name: init-two
                    image: %1$s
                    command: ["sh", "-c", "echo second; sleep 3"]
                """.formatted(NodePods.BUSYBOX), """
                  - name: main
                    image: %s
                    command: ["sh", "-c", "trap 'exit 0' TERM; echo app; sleep 3600 & wait"]
                """.formatted(NodePods.BUSYBOX)));

        List<String> seen = new ArrayList<>();
        String appWaitingReason = null;
        Instant deadline = Instant.now().plusSeconds(40);
        while (Instant.now().isBefore(deadline)) {
            NodePods.PodRow row = NodePods.row(ns, "with-init");
            if (row != null && (seen.isEmpty() || !seen.getLast().equals(row.status()))) {
                seen.add(row.status());
            }
            if (row != null && row.status().startsWith("Init:") && appWaitingReason == null) {
                appWaitingReason = NodePods.jsonPath(ns, "pod/with-init",
                        "{.status.containerStatuses[0].state.waiting.reason}");
            }
            if (row != null && row.status().equals("Running") && row.ready().equals("1/1")) {
                break;
            }
            NodePods.sleep(200);
        }
        assertThat(seen).as("STATUS column over time").containsSubsequence("Init:0/2", "Init:1/2", "Running")
                .doesNotContain("Init:2/2", "Completed");
        // What `kubectl describe` shows for the app container while the init containers run.
        assertThat(appWaitingReason).isEqualTo("PodInitializing");

        Instant oneFinished = Instant.parse(NodePods.jsonPath(ns, "pod/with-init",
                "{.status.initContainerStatuses[0].state.terminated.finishedAt}"));
        Instant twoStarted = Instant.parse(NodePods.jsonPath(ns, "pod/with-init",
                "{.status.initContainerStatuses[1].state.terminated.startedAt}"));
        Instant twoFinished = Instant.parse(NodePods.jsonPath(ns, "pod/with-init",
                "{.status.initContainerStatuses[1].state.terminated.finishedAt}"));
        Instant appStarted = Instant.parse(NodePods.jsonPath(ns, "pod/with-init",
                "{.status.containerStatuses[0].state.running.startedAt}"));
        assertThat(twoStarted).isAfterOrEqualTo(oneFinished);
        assertThat(appStarted).isAfterOrEqualTo(twoFinished);
        assertThat(ns.kubectl().run("describe", "pod", "with-init")).succeeds().stdoutContains(
                "Init Containers:\n  init-one:\n",
                "    State:          Terminated\n      Reason:       Completed\n      Exit Code:    0\n");
        assertThat(NodePods.jsonPath(ns, "pod/with-init", "{.status.conditions[?(@.type==\"Initialized\")].status}"))
                .isEqualTo("True");
        assertThat(ns.kubectl().run("logs", "with-init", "-c", "init-two")).succeeds().printed("second");
    }
}
