package io.kube4j.controllers.job;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.kube4j.controllers.InProcessCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Job controller against an in-process API server; the test plays the kubelet by writing pod phases. */
class JobControllerTest {
    @TempDir
    static Path dir;
    static InProcessCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = new InProcessCluster(dir, List.of(JobController::new));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static Job create(String name, Integer completions, Integer parallelism, int backoffLimit) {
        return cluster.client.batch().v1().jobs().resource(new JobBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withCompletions(completions).withParallelism(parallelism).withBackoffLimit(backoffLimit)
                .withNewTemplate().withNewSpec().withRestartPolicy("Never").addNewContainer().withName("c")
                .withImage("busybox").endContainer().endSpec().endTemplate().endSpec().build()).create();
    }

    static Job job(String name) {
        return cluster.client.batch().v1().jobs().withName(name).get();
    }

    static List<Pod> pods(Job job) {
        return cluster.client.pods().withLabel("batch.kubernetes.io/controller-uid", job.getMetadata().getUid())
                .list().getItems();
    }

    static List<Pod> active(Job job) {
        return pods(job).stream().filter(JobStatusFunctions::isActive).toList();
    }

    static void finish(Pod p, String phase) {
        cluster.client.pods().withName(p.getMetadata().getName())
                .editStatus(x -> new PodBuilder(x).editOrNewStatus().withPhase(phase).endStatus().build());
    }

    static void poke(String name) {
        cluster.client.batch().v1().jobs().withName(name).edit(j -> new JobBuilder(j).editMetadata()
                .addToAnnotations("poke", Long.toString(System.nanoTime())).endMetadata().build());
    }

    static List<String> conditions(Job j) {
        return j.getStatus().getConditions() == null ? List.of() : j.getStatus().getConditions().stream()
                .map(c -> c.getType() + "=" + c.getStatus()).toList();
    }

    static List<String> events(Job j) {
        return cluster.client.v1().events().withField("involvedObject.uid", j.getMetadata().getUid()).list().getItems()
                .stream().map(e -> e.getReason() + ": " + e.getMessage()).toList();
    }

    @Test
    void runsCompletionsWithParallelismAndCompletes() {
        Job j = create("three", 3, 2, 6);
        await().atMost(Duration.ofSeconds(10)).until(() -> active(j).size() == 2);
        Pod p = active(j).get(0);
        assertThat(p.getMetadata().getGenerateName()).isEqualTo("three-");
        assertThat(p.getMetadata().getLabels()).containsEntry("batch.kubernetes.io/job-name", "three")
                .containsEntry("job-name", "three").containsEntry("controller-uid", j.getMetadata().getUid());
        assertThat(p.getMetadata().getFinalizers()).contains(JobStatusFunctions.TRACKING_FINALIZER);
        assertThat(p.getMetadata().getOwnerReferences().get(0).getKind()).isEqualTo("Job");
        await().atMost(Duration.ofSeconds(10)).until(() -> Integer.valueOf(2).equals(job("three").getStatus().getActive()));
        assertThat(job("three").getStatus().getStartTime()).isNotNull();

        active(j).forEach(x -> finish(x, "Succeeded"));
        await().atMost(Duration.ofSeconds(10)).until(() -> job("three").getStatus().getSucceeded() != null
                && job("three").getStatus().getSucceeded() == 2 && active(j).size() == 1);
        // counted pods give up their finalizer; deleting one now loses nothing
        await().atMost(Duration.ofSeconds(10)).until(() -> pods(j).stream().filter(JobStatusFunctions::isSucceeded)
                .noneMatch(JobStatusFunctions::hasFinalizer));
        Pod last = active(j).get(0);
        finish(last, "Succeeded");
        cluster.client.pods().withName(last.getMetadata().getName()).delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> JobStatusFunctions.finished(job("three")));
        Job done = job("three");
        assertThat(done.getStatus().getSucceeded()).isEqualTo(3);
        assertThat(done.getStatus().getActive()).isNull();
        assertThat(done.getStatus().getCompletionTime()).isNotNull();
        assertThat(done.getStatus().getUncountedTerminatedPods().getSucceeded()).isEmpty();
        assertThat(conditions(done)).containsExactly("SuccessCriteriaMet=True", "Complete=True");
        JobCondition complete = JobStatusFunctions.condition(done, "Complete").orElseThrow();
        assertThat(complete.getReason()).isEqualTo("CompletionsReached");
        assertThat(complete.getMessage()).isEqualTo("Reached expected number of succeeded pods");
        await().atMost(Duration.ofSeconds(10)).until(() -> events(done).contains("Completed: Job completed"));
        assertThat(events(done)).anyMatch(e -> e.startsWith("SuccessfulCreate: Created pod: three-"));
    }

    @Test
    void failsPastTheBackoffLimit() {
        Job j = create("fails", 1, 1, 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> active(j).size() == 1);
        finish(active(j).get(0), "Failed");
        await().atMost(Duration.ofSeconds(10)).until(() -> JobStatusFunctions.finished(job("fails")));
        Job failed = job("fails");
        assertThat(failed.getStatus().getFailed()).isEqualTo(1);
        assertThat(conditions(failed)).containsExactly("FailureTarget=True", "Failed=True");
        JobCondition c = JobStatusFunctions.condition(failed, "Failed").orElseThrow();
        assertThat(c.getReason()).isEqualTo("BackoffLimitExceeded");
        assertThat(c.getMessage()).isEqualTo("Job has reached the specified backoff limit");
        await().atMost(Duration.ofSeconds(10)).until(() -> events(failed)
                .contains("BackoffLimitExceeded: Job has reached the specified backoff limit"));
    }

    @Test
    void replacesAFailedPodAfterTheBackoff() {
        Job j = create("retry", 1, 1, 3);
        await().atMost(Duration.ofSeconds(10)).until(() -> active(j).size() == 1);
        finish(active(j).get(0), "Failed");
        await().atMost(Duration.ofSeconds(10)).until(() -> job("retry").getStatus().getFailed() != null
                && job("retry").getStatus().getFailed() == 1);
        // within the 10 s back-off no replacement
        poke("retry");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> active(j).isEmpty());
        cluster.clock.advance(Duration.ofSeconds(11));
        poke("retry");
        await().atMost(Duration.ofSeconds(10)).until(() -> active(j).size() == 1);
    }

    @Test
    void failsPastTheActiveDeadlineAndDeletesItsPods() {
        Job j = cluster.client.batch().v1().jobs().resource(new JobBuilder().withNewMetadata().withName("slow")
                .endMetadata().withNewSpec().withActiveDeadlineSeconds(30L).withNewTemplate().withNewSpec()
                .withRestartPolicy("Never").addNewContainer().withName("c").withImage("busybox").endContainer()
                .endSpec().endTemplate().endSpec().build()).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> active(j).size() == 1);
        cluster.clock.advance(Duration.ofSeconds(31));
        poke("slow");
        await().atMost(Duration.ofSeconds(10)).until(() -> JobStatusFunctions.finished(job("slow")));
        JobCondition c = JobStatusFunctions.condition(job("slow"), "Failed").orElseThrow();
        assertThat(c.getReason()).isEqualTo("DeadlineExceeded");
        assertThat(c.getMessage()).isEqualTo("Job was active longer than specified deadline");
        assertThat(job("slow").getStatus().getFailed()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> pods(j).isEmpty());
    }

    @Test
    void suspendedJobRunsNoPodsUntilResumed() {
        Job j = cluster.client.batch().v1().jobs().resource(new JobBuilder().withNewMetadata().withName("later")
                .endMetadata().withNewSpec().withSuspend(true).withNewTemplate().withNewSpec()
                .withRestartPolicy("Never").addNewContainer().withName("c").withImage("busybox").endContainer()
                .endSpec().endTemplate().endSpec().build()).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> conditions(job("later")).contains("Suspended=True"));
        assertThat(pods(j)).isEmpty();
        assertThat(job("later").getStatus().getStartTime()).isNull();
        cluster.client.batch().v1().jobs().withName("later").edit(x -> new JobBuilder(x).editSpec().withSuspend(false)
                .endSpec().build());
        await().atMost(Duration.ofSeconds(10)).until(() -> active(j).size() == 1
                && conditions(job("later")).contains("Suspended=False"));
    }

    @Test
    void indexedJobGivesEachPodAnIndex() {
        Job j = cluster.client.batch().v1().jobs().resource(new JobBuilder().withNewMetadata().withName("idx")
                .endMetadata().withNewSpec().withCompletions(3).withParallelism(3).withCompletionMode("Indexed")
                .withNewTemplate().withNewSpec().withRestartPolicy("Never").addNewContainer().withName("c")
                .withImage("busybox").endContainer().endSpec().endTemplate().endSpec().build()).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> active(j).size() == 3);
        assertThat(active(j)).extracting(p -> p.getMetadata().getAnnotations().get(JobStatusFunctions.COMPLETION_INDEX))
                .containsExactlyInAnyOrder("0", "1", "2");
        Pod zero = active(j).stream().filter(p -> JobStatusFunctions.completionIndex(p) == 0).findFirst().orElseThrow();
        assertThat(zero.getMetadata().getName()).startsWith("idx-0-");
        assertThat(zero.getSpec().getHostname()).isEqualTo("idx-0");
        assertThat(zero.getSpec().getContainers().get(0).getEnv()).extracting(e -> e.getName())
                .contains("JOB_COMPLETION_INDEX");
        active(j).stream().filter(p -> JobStatusFunctions.completionIndex(p) != 1).forEach(p -> finish(p, "Succeeded"));
        await().atMost(Duration.ofSeconds(10)).until(() -> "0,2".equals(job("idx").getStatus().getCompletedIndexes()));
        assertThat(job("idx").getStatus().getSucceeded()).isEqualTo(2);
    }

    @Test
    void deletesTheJobTtlSecondsAfterItFinished() {
        Job j = cluster.client.batch().v1().jobs().resource(new JobBuilder().withNewMetadata().withName("ttl")
                .endMetadata().withNewSpec().withTtlSecondsAfterFinished(60).withNewTemplate().withNewSpec()
                .withRestartPolicy("Never").addNewContainer().withName("c").withImage("busybox").endContainer()
                .endSpec().endTemplate().endSpec().build()).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> active(j).size() == 1);
        finish(active(j).get(0), "Succeeded");
        await().atMost(Duration.ofSeconds(10)).until(() -> JobStatusFunctions.finished(job("ttl")));
        poke("ttl");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> job("ttl") != null);
        cluster.clock.advance(Duration.ofSeconds(61));
        poke("ttl");
        await().atMost(Duration.ofSeconds(10)).until(() -> job("ttl") == null);
    }

}
