package io.kube4j.controllers.cronjob;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.InProcessCluster;
import io.kube4j.controllers.job.JobStatusFunctions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The CronJob controller against an in-process API server, its clock moved by hand: fire times pass in
 * milliseconds. Jobs are finished by writing their status, as no Job controller runs here.
 */
class CronJobControllerTest {
    @TempDir
    static Path dir;
    static InProcessCluster cluster;
    static final AtomicReference<CronJobController> controller = new AtomicReference<>();

    @BeforeAll
    static void start() throws Exception {
        cluster = new InProcessCluster(dir, List.of(ctx -> {
            CronJobController c = new CronJobController(ctx);
            controller.set(c);
            return (Controller) c;
        }));
    }

    @BeforeEach
    void realTime() {
        // each test starts at the real time, so the creation times the server writes are "now"
        cluster.clock.set(Instant.now());
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static CronJob create(String name, String schedule, String policy) {
        return cluster.client.batch().v1().cronjobs().resource(cronJob(name, schedule, policy)).create();
    }

    static CronJob cronJob(String name, String schedule, String policy) {
        return (new CronJobBuilder().withNewMetadata().withName(name)
                .endMetadata().withNewSpec().withSchedule(schedule).withConcurrencyPolicy(policy)
                .withSuccessfulJobsHistoryLimit(2).withNewJobTemplate().withNewMetadata().addToLabels("cron", name)
                .endMetadata().withNewSpec().withNewTemplate().withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().endTemplate().endSpec()
                .endJobTemplate().endSpec().build());
    }

    static CronJob get(String name) {
        return cluster.client.batch().v1().cronjobs().withName(name).get();
    }

    static List<Job> jobs(String name) {
        return cluster.client.batch().v1().jobs().withLabel("cron", name).list().getItems().stream()
                .filter(j -> j.getMetadata().getDeletionTimestamp() == null).toList();
    }

    /** Sets the fake clock to the next whole minute after the given time (plus a second) and syncs. */
    static Optional<Duration> fireAfter(Instant t, String name) {
        cluster.clock.set(t.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1)).plusSeconds(1));
        return sync(name);
    }

    static Optional<Duration> sync(String name) {
        // a worker may sync the same CronJob at the same time: a lost status race is retried, as the queue would
        for (int i = 0; ; i++) {
            try {
                return controller.get().syncCronJob(cluster.client.batch().v1().cronjobs().withName(name).get());
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || i == 5) {
                    throw e;
                }
            }
        }
    }

    static void complete(Job j) {
        String now = JobStatusFunctions.timestamp(cluster.clock.instant());
        cluster.client.batch().v1().jobs().withName(j.getMetadata().getName()).editStatus(x -> new JobBuilder(x)
                .editOrNewStatus().withStartTime(now).withCompletionTime(now).addNewCondition().withType("Complete")
                .withStatus("True").endCondition().endStatus().build());
    }

    static List<String> events(CronJob cj) {
        return cluster.client.v1().events().withField("involvedObject.uid", cj.getMetadata().getUid()).list().getItems()
                .stream().map(e -> e.getReason() + ": " + e.getMessage()).toList();
    }

    @Test
    void createsAJobAtEachFireTimeAndRequeuesForTheNext() {
        CronJob cj = create("every-minute", "*/1 * * * *", "Allow");
        Instant created = Instant.parse(cj.getMetadata().getCreationTimestamp());
        Optional<Duration> next = fireAfter(created, "every-minute");
        Instant fired = created.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        String expected = "every-minute-" + fired.getEpochSecond() / 60;
        assertThat(jobs("every-minute")).extracting(j -> j.getMetadata().getName()).containsExactly(expected);
        assertThat(next).contains(Duration.ofSeconds(59).plus(CronJobSchedule.NEXT_SCHEDULE_DELTA));
        await().atMost(Duration.ofSeconds(10)).until(() -> get("every-minute").getStatus().getActive() != null
                && get("every-minute").getStatus().getActive().size() == 1);
        CronJob after = get("every-minute");
        assertThat(after.getStatus().getLastScheduleTime()).isEqualTo(fired.toString());
        assertThat(after.getStatus().getActive().get(0).getName()).isEqualTo(expected);
        await().atMost(Duration.ofSeconds(10)).until(() -> events(after).contains("SuccessfulCreate: Created job " + expected));
        // the same fire time again creates nothing
        sync("every-minute");
        assertThat(jobs("every-minute")).hasSize(1);

        // finished: it leaves status.active and sets lastSuccessfulTime
        complete(jobs("every-minute").get(0));
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            sync("every-minute");
            CronJob c = get("every-minute");
            return c.getStatus().getActive().isEmpty() && c.getStatus().getLastSuccessfulTime() != null;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> events(after).stream()
                .anyMatch(e -> e.equals("SawCompletedJob: Saw completed job: " + expected + ", condition: Complete")));
    }

    @Test
    void forbidSkipsWhileAJobRuns() {
        CronJob forbid = create("forbid", "* * * * *", "Forbid");
        Instant t = Instant.parse(forbid.getMetadata().getCreationTimestamp());
        fireAfter(t, "forbid");
        await().atMost(Duration.ofSeconds(10)).until(() -> get("forbid").getStatus().getActive().size() == 1);
        fireAfter(cluster.clock.instant(), "forbid");
        assertThat(jobs("forbid")).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> events(forbid).contains("JobAlreadyActive: Not starting job "
                + "because prior execution is running and concurrency policy is Forbid"));
    }

    @Test
    void replaceDeletesTheRunningJob() {
        CronJob replace = create("replace", "* * * * *", "Replace");
        fireAfter(Instant.parse(replace.getMetadata().getCreationTimestamp()), "replace");
        await().atMost(Duration.ofSeconds(10)).until(() -> get("replace").getStatus().getActive().size() == 1);
        String first = jobs("replace").get(0).getMetadata().getName();
        fireAfter(cluster.clock.instant(), "replace");
        await().atMost(Duration.ofSeconds(10)).until(() -> jobs("replace").size() == 1
                && !jobs("replace").get(0).getMetadata().getName().equals(first));
        assertThat(get("replace").getStatus().getActive()).extracting(r -> r.getName()).doesNotContain(first);
    }

    @Test
    void suspendedCronJobCreatesNothing() {
        CronJob cj = create("paused", "* * * * *", "Allow");
        cluster.client.batch().v1().cronjobs().withName("paused").edit(c -> new CronJobBuilder(c).editSpec()
                .withSuspend(true).endSpec().build());
        await().atMost(Duration.ofSeconds(5)).until(() -> Boolean.TRUE.equals(get("paused").getSpec().getSuspend()));
        assertThat(fireAfter(Instant.parse(cj.getMetadata().getCreationTimestamp()), "paused")).isEmpty();
        assertThat(jobs("paused")).isEmpty();
    }

    @Test
    void missedStartingDeadlineSkipsTheRun() {
        CronJob cj = cluster.client.batch().v1().cronjobs().resource(new CronJobBuilder(cronJob("late", "* * * * *",
                "Allow")).editSpec().withStartingDeadlineSeconds(10L).endSpec().build()).create();
        Instant t = Instant.parse(cj.getMetadata().getCreationTimestamp());
        // 30 s after the fire time, with a 10 s deadline
        cluster.clock.set(t.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1)).plusSeconds(30));
        // as upstream: the window [now - deadline, now] holds no fire time, so the run is skipped silently
        assertThat(sync("late")).contains(Duration.ofSeconds(30).plus(CronJobSchedule.NEXT_SCHEDULE_DELTA));
        assertThat(jobs("late")).isEmpty();
    }

    @Test
    void keepsOnlyTheSuccessfulJobsHistoryLimit() {
        CronJob cj = create("history", "* * * * *", "Allow");
        Instant t = Instant.parse(cj.getMetadata().getCreationTimestamp());
        for (int i = 0; i < 4; i++) {
            fireAfter(t.plus(Duration.ofMinutes(i)), "history");
            int n = i + 1;
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.client.batch().v1().jobs().withLabel("cron",
                    "history").list().getItems().size() >= Math.min(n, 3));
            jobs("history").stream().filter(j -> !JobStatusFunctions.finished(j)).forEach(CronJobControllerTest::complete);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            sync("history");
            return jobs("history").size() == 2;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> events(cj).stream()
                .anyMatch(e -> e.startsWith("SuccessfulDelete: Deleted job history-")));
    }
}
