package io.kube4j.e2e.controllers;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.TestNamespace;
import io.kube4j.e2e.node.NodePods;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** Jobs with real kubectl and real containers on the node: completion, parallelism, back-off limit, deadline. */
@Kube4jE2E
class JobsIT {

    static String job(String name, String spec, String command) {
        return """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: %s
                spec:
                %s
                  template:
                    spec:
                      nodeName: %s
                      restartPolicy: Never
                      terminationGracePeriodSeconds: 2
                      containers:
                      - name: main
                        image: %s
                        command: ["sh", "-c", "%s"]
                """.formatted(name, spec.stripTrailing(), NodePods.NODE, NodePods.BUSYBOX, command);
    }

    static KubectlResult waitFor(TestNamespace ns, String condition, String job) {
        return ns.kubectl().withTimeout(Duration.ofSeconds(100))
                .run("wait", "--for=condition=" + condition, "job/" + job, "--timeout=90s");
    }

    /** {@code kubectl get job NAME --no-headers}: NAME STATUS COMPLETIONS DURATION AGE. */
    static String[] row(TestNamespace ns, String job) {
        KubectlResult r = ns.kubectl().run("get", "job", job, "--no-headers");
        assertThat(r).succeeds();
        return r.lines().get(0).trim().split("\\s+");
    }

    @Test
    void aJobRunsItsPodToCompletion(TestNamespace ns) {
        NodePods.apply(ns, job("sleeper", "  backoffLimit: 2", "sleep 2"));
        assertThat(ns.kubectl().run("get", "jobs")).succeeds().headerMatches("NAME\\s+STATUS\\s+COMPLETIONS\\s+DURATION\\s+AGE");
        assertThat(waitFor(ns, "complete", "sleeper")).succeeds().printed("job.batch/sleeper condition met\n");
        String[] row = row(ns, "sleeper");
        assertThat(row[1]).isEqualTo("Complete");
        assertThat(row[2]).isEqualTo("1/1");
        assertThat(NodePods.eventText(ns, "sleeper")).containsPattern("SuccessfulCreate: Created pod: sleeper-\\w{5}\n")
                .contains("Completed: Job completed\n");
        assertThat(ns.kubectl().run("get", "pods", "-l", "job-name=sleeper", "--no-headers"))
                .succeeds().hasLineMatching("sleeper-\\w{5}\\s+0/1\\s+Completed\\s+0\\s+\\S+");
        assertThat(NodePods.jsonPath(ns, "job/sleeper", "{.status.succeeded} {.status.active} {.status.failed}"))
                .isEqualTo("1  ");
        assertThat(NodePods.jsonPath(ns, "job/sleeper", "{.status.conditions[*].type}"))
                .isEqualTo("SuccessCriteriaMet Complete");
        // counted pods keep no tracking finalizer
        assertThat(NodePods.jsonPath(ns, "pods", "{.items[*].metadata.finalizers}")).doesNotContain("job-tracking");
    }

    @Test
    void completionsRunWithBoundedParallelism(TestNamespace ns) {
        NodePods.apply(ns, job("batch", "  completions: 3\n  parallelism: 2", "sleep 1"));
        String active = NodePods.awaitJsonPath(ns, "job/batch", "{.status.active}", v -> !v.isEmpty(),
                Duration.ofSeconds(30));
        assertThat(Integer.parseInt(active)).isLessThanOrEqualTo(2);
        assertThat(waitFor(ns, "complete", "batch")).succeeds();
        assertThat(row(ns, "batch")[2]).isEqualTo("3/3");
        assertThat(ns.kubectl().run("get", "pods", "-l", "job-name=batch")).succeeds().hasRows(3);
    }

    @Test
    void failingPodsHitTheBackoffLimit(TestNamespace ns) {
        NodePods.apply(ns, job("failing", "  backoffLimit: 1", "exit 1"));
        assertThat(waitFor(ns, "failed", "failing")).succeeds();
        String[] row = row(ns, "failing");
        assertThat(row[1]).isEqualTo("Failed");
        assertThat(row[2]).isEqualTo("0/1");
        assertThat(NodePods.jsonPath(ns, "job/failing", "{.status.failed}")).isEqualTo("2");
        assertThat(NodePods.jsonPath(ns, "job/failing", "{.status.conditions[?(@.type==\"Failed\")].reason}"))
                .isEqualTo("BackoffLimitExceeded");
        assertThat(NodePods.eventText(ns, "failing"))
                .contains("BackoffLimitExceeded: Job has reached the specified backoff limit\n");
        assertThat(ns.kubectl().run("get", "pods", "-l", "job-name=failing")).succeeds().hasRows(2);
    }

    @Test
    void activeDeadlineStopsALongJob(TestNamespace ns) {
        NodePods.apply(ns, job("deadline", "  activeDeadlineSeconds: 3",
                "trap 'exit 0' TERM; sleep 60 & wait"));
        assertThat(waitFor(ns, "failed", "deadline")).succeeds();
        assertThat(NodePods.jsonPath(ns, "job/deadline", "{.status.conditions[?(@.type==\"Failed\")].reason}"))
                .isEqualTo("DeadlineExceeded");
        assertThat(NodePods.jsonPath(ns, "job/deadline", "{.status.conditions[?(@.type==\"Failed\")].message}"))
                .isEqualTo("Job was active longer than specified deadline");
        assertThat(row(ns, "deadline")[1]).isEqualTo("Failed");
        assertThat(ns.kubectl().run("get", "pods", "-l", "job-name=deadline", "--no-headers")).succeeds()
                .printed("");
    }

    @Test
    void aFinishedJobGoesAfterItsTtl(TestNamespace ns) {
        NodePods.apply(ns, job("shortlived", "  ttlSecondsAfterFinished: 2", "true"));
        assertThat(waitFor(ns, "complete", "shortlived")).succeeds();
        NodePods.awaitJsonPath(ns, "jobs", "{.items[*].metadata.name}", String::isEmpty, java.time.Duration.ofSeconds(30));
    }
}
