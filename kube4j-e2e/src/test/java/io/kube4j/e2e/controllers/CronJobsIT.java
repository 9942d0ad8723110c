package io.kube4j.e2e.controllers;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.TestNamespace;
import io.kube4j.e2e.node.NodePods;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * CronJobs with real kubectl. Fire times are proven with a fake clock in the controller's own tests; here a Job is
 * made from the CronJob's template by hand ({@code kubectl create job --from=cronjob/...}) and runs on the node.
 */
@Kube4jE2E
class CronJobsIT {

    @Test
    void aJobFromTheCronJobTemplateRunsAndTheTableShowsTheSchedule(TestNamespace ns) {
        NodePods.apply(ns, """
                apiVersion: batch/v1
                kind: CronJob
                metadata:
                  name: hourly
                spec:
                  schedule: "@hourly"
                  timeZone: Europe/Paris
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          nodeName: %s
                          restartPolicy: OnFailure
                          containers:
                          - name: main
                            image: %s
                            command: ["sh", "-c", "echo hello from cron"]
                """.formatted(NodePods.NODE, NodePods.BUSYBOX));
        assertThat(ns.kubectl().run("get", "cronjobs")).succeeds()
                .headerMatches("NAME\\s+SCHEDULE\\s+TIMEZONE\\s+SUSPEND\\s+ACTIVE\\s+LAST SCHEDULE\\s+AGE")
                .hasLineMatching("hourly\\s+@hourly\\s+Europe/Paris\\s+False\\s+0\\s+<none>\\s+\\S+");

        assertThat(ns.kubectl().run("create", "job", "manual", "--from=cronjob/hourly")).succeeds()
                .printed("job.batch/manual created\n");
        assertThat(NodePods.jsonPath(ns, "job/manual", "{.metadata.annotations.cronjob\\.kubernetes\\.io/instantiate}"))
                .isEqualTo("manual");
        assertThat(NodePods.jsonPath(ns, "job/manual", "{.metadata.ownerReferences[0].kind}")).isEqualTo("CronJob");
        assertThat(ns.kubectl().withTimeout(Duration.ofSeconds(100))
                .run("wait", "--for=condition=complete", "job/manual", "--timeout=90s")).succeeds();
        assertThat(ns.kubectl().run("logs", "job/manual")).succeeds().printed("hello from cron\n");

        assertThat(ns.kubectl().run("patch", "cronjob", "hourly", "-p", "{\"spec\":{\"suspend\":true}}")).succeeds();
        assertThat(ns.kubectl().run("get", "cronjob", "hourly", "--no-headers")).succeeds()
                .hasLineMatching("hourly\\s+@hourly\\s+Europe/Paris\\s+True\\s+0\\s+<none>\\s+\\S+");
    }
}
