package io.kube4j.controllers.job;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;

import static io.kube4j.controllers.job.JobStatusFunctions.*;
import static org.assertj.core.api.Assertions.assertThat;

class JobStatusFunctionsTest {
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    static Job job(Integer completions, Integer parallelism, String restartPolicy) {
        return new JobBuilder().withNewMetadata().withName("j").withNamespace("ns").withUid("u1").endMetadata()
                .withNewSpec().withCompletions(completions).withParallelism(parallelism).withBackoffLimit(2)
                .withNewTemplate().withNewSpec().withRestartPolicy(restartPolicy).addNewContainer().withName("c")
                .withImage("busybox").endContainer().endSpec().endTemplate().endSpec().withNewStatus().endStatus().build();
    }

    static Pod pod(String phase, int restarts, boolean deleting) {
        return new PodBuilder().withNewMetadata().withName("p").withUid("p1")
                .withDeletionTimestamp(deleting ? "2025-01-01T00:00:00Z" : null).endMetadata()
                .withNewStatus().withPhase(phase).addNewContainerStatus().withName("c").withRestartCount(restarts)
                .endContainerStatus().endStatus().build();
    }

    @Test
    void wantsParallelismCappedByMissingCompletions() {
        assertThat(wantActive(job(3, 2, "Never"), 0)).isEqualTo(2);
        assertThat(wantActive(job(3, 2, "Never"), 2)).isEqualTo(1);
        assertThat(wantActive(job(3, 2, "Never"), 3)).isZero();
        // a work queue stops starting pods after the first success
        assertThat(wantActive(job(null, 2, "Never"), 0)).isEqualTo(2);
        assertThat(wantActive(job(null, 2, "Never"), 1)).isZero();
        Job suspended = job(3, 2, "Never");
        suspended.getSpec().setSuspend(true);
        assertThat(wantActive(suspended, 0)).isZero();
    }

    @Test
    void completeOnceEnoughSucceededAndNoneRuns() {
        assertThat(complete(job(2, 1, "Never"), 2, 0)).isTrue();
        assertThat(complete(job(2, 1, "Never"), 2, 1)).isFalse();
        assertThat(complete(job(2, 1, "Never"), 1, 0)).isFalse();
        assertThat(complete(job(null, 2, "Never"), 1, 0)).isTrue();
    }

    @Test
    void podStates() {
        Job j = job(1, 1, "Never");
        assertThat(isActive(pod("Running", 0, false))).isTrue();
        assertThat(isActive(pod("Running", 0, true))).isFalse();
        assertThat(isTerminating(pod("Running", 0, true))).isTrue();
        assertThat(isFailed(pod("Failed", 0, false), j)).isTrue();
        // deleted before it finished counts as failed, unless only Failed pods are replaced
        assertThat(isFailed(pod("Running", 0, true), j)).isTrue();
        j.getSpec().setPodReplacementPolicy("Failed");
        assertThat(isFailed(pod("Running", 0, true), j)).isFalse();
        assertThat(isFailed(pod("Succeeded", 0, true), j)).isFalse();
    }

    @Test
    void onFailureCountsContainerRestartsOfRunningPods() {
        Job j = job(1, 1, "OnFailure");
        assertThat(pastBackoffLimitOnFailure(j, List.of(pod("Running", 1, false)))).isFalse();
        assertThat(pastBackoffLimitOnFailure(j, List.of(pod("Running", 1, false), pod("Pending", 1, false)))).isTrue();
        // finished pods' restarts do not count
        assertThat(pastBackoffLimitOnFailure(j, List.of(pod("Failed", 5, false)))).isFalse();
        j.getSpec().setBackoffLimit(0);
        assertThat(pastBackoffLimitOnFailure(j, List.of(pod("Running", 1, false)))).isTrue();
        assertThat(pastBackoffLimitOnFailure(job(1, 1, "Never"), List.of(pod("Running", 9, false)))).isFalse();
    }

    @Test
    void activeDeadlineFromStartTime() {
        Job j = job(1, 1, "Never");
        j.getSpec().setActiveDeadlineSeconds(10L);
        assertThat(pastActiveDeadline(j, T0)).isFalse();
        j.getStatus().setStartTime("2025-01-01T00:00:00Z");
        assertThat(pastActiveDeadline(j, T0.plusSeconds(9))).isFalse();
        assertThat(pastActiveDeadline(j, T0.plusSeconds(10))).isTrue();
        j.getSpec().setSuspend(true);
        assertThat(pastActiveDeadline(j, T0.plusSeconds(100))).isFalse();
    }

    @Test
    void backoffDoublesFromTenSecondsToSixMinutes() {
        assertThat(backoff(0)).isEqualTo(Duration.ZERO);
        assertThat(backoff(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(backoff(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(backoff(6)).isEqualTo(Duration.ofSeconds(320));
        assertThat(backoff(7)).isEqualTo(Duration.ofMinutes(6));
        assertThat(backoff(50)).isEqualTo(Duration.ofMinutes(6));
    }

    @Test
    void conditionsAreAddedOnlyWhenTrueAndChangeTransitionTimeOnlyOnStatusChange() {
        Job j = job(1, 1, "Never");
        assertThat(ensureCondition(j, SUSPENDED, "False", "JobResumed", "Job resumed", T0)).isFalse();
        assertThat(j.getStatus().getConditions()).isNullOrEmpty();
        assertThat(ensureCondition(j, SUSPENDED, "True", "JobSuspended", "Job suspended", T0)).isTrue();
        assertThat(ensureCondition(j, SUSPENDED, "True", "JobSuspended", "Job suspended", T0.plusSeconds(5))).isFalse();
        assertThat(ensureCondition(j, SUSPENDED, "False", "JobResumed", "Job resumed", T0.plusSeconds(7))).isTrue();
        assertThat(condition(j, SUSPENDED).orElseThrow().getLastTransitionTime()).isEqualTo("2025-01-01T00:00:07Z");
        assertThat(finished(j)).isFalse();
        ensureCondition(j, COMPLETE, "True", "CompletionsReached", "Reached expected number of succeeded pods", T0);
        assertThat(finished(j)).isTrue();
        assertThat(finishTime(j)).contains(T0);
    }

    @Test
    void completedIndexesRoundTripInUpstreamsFormat() {
        TreeSet<Integer> s = new TreeSet<>(List.of(0, 2, 3, 5, 6, 7, 9));
        assertThat(formatIndexes(s)).isEqualTo("0,2,3,5-7,9");
        assertThat(parseIndexes("0,2,3,5-7,9", 10)).isEqualTo(s);
        assertThat(parseIndexes("5-7", 6)).containsExactly(5);
        assertThat(formatIndexes(new TreeSet<>())).isEmpty();
    }
}
