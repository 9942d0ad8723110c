package io.kube4j.scheduler.queue;

import io.kube4j.client.testing.FakeClock;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kube4j.scheduler.Fixtures;
import io.kube4j.scheduler.framework.PodInfo;
import io.kube4j.scheduler.framework.plugins.queuesort.PrioritySort;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class SchedulingQueueTest {
    final FakeClock clock = new FakeClock(java.time.Instant.parse("2025-01-01T00:00:00Z"));
    final SchedulingQueue q = new SchedulingQueue(clock, new PrioritySort()::less);

    PodInfo pod(String name) {
        return new PodInfo(Fixtures.pod(name));
    }

    QueuedPodInfo pop() throws InterruptedException {
        return q.pop(0, TimeUnit.MILLISECONDS);
    }

    @Test
    void popsByPriorityThenArrival() throws Exception {
        q.add(pod("first"));
        clock.advance(Duration.ofMillis(1));
        q.add(pod("second"));
        clock.advance(Duration.ofMillis(1));
        q.add(new PodInfo(new PodBuilder(Fixtures.pod("urgent")).editSpec().withPriority(1000).endSpec().build()));
        assertThat(pop().podInfo().pod().getMetadata().getName()).isEqualTo("urgent");
        assertThat(pop().podInfo().pod().getMetadata().getName()).isEqualTo("first");
        assertThat(pop().podInfo().pod().getMetadata().getName()).isEqualTo("second");
        assertThat(pop()).isNull();
    }

    @Test
    void backoffDoublesFromOneSecondUpToTen() {
        assertThat(q.backoffDuration(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(q.backoffDuration(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(q.backoffDuration(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(q.backoffDuration(5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(q.backoffDuration(30)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void unschedulablePodWaitsForAClusterChangeThenBacksOff() throws Exception {
        q.add(pod("p"));
        QueuedPodInfo p = pop();
        q.addUnschedulableIfNotPresent(p, q.schedulingCycle(), false);
        assertThat(q.whereIs(p.uid())).isEqualTo("unschedulable");
        q.flushBackoffQCompleted();
        assertThat(pop()).isNull();

        // a node is added half a second later: the pod is still backing off (1 s after its first attempt)
        clock.advance(Duration.ofMillis(500));
        q.moveAllToActiveOrBackoffQueue("NodeAdd");
        assertThat(q.whereIs(p.uid())).isEqualTo("backoff");
        q.flushBackoffQCompleted();
        assertThat(pop()).isNull();
        clock.advance(Duration.ofMillis(500));
        q.flushBackoffQCompleted();
        QueuedPodInfo again = pop();
        assertThat(again.uid()).isEqualTo(p.uid());
        assertThat(again.attempts()).isEqualTo(2);

        // second failure: 2 s of back-off once moved
        q.addUnschedulableIfNotPresent(again, q.schedulingCycle(), false);
        q.moveAllToActiveOrBackoffQueue("NodeUpdate");
        clock.advance(Duration.ofMillis(1999));
        q.flushBackoffQCompleted();
        assertThat(pop()).isNull();
        clock.advance(Duration.ofMillis(1));
        q.flushBackoffQCompleted();
        assertThat(pop()).isNotNull();
    }

    @Test
    void aClusterChangeDuringTheAttemptSendsThePodToBackoffNotUnschedulable() throws Exception {
        q.add(pod("p"));
        QueuedPodInfo p = pop();
        long cycle = q.schedulingCycle();
        q.moveAllToActiveOrBackoffQueue("NodeAdd"); // while p was being scheduled
        q.addUnschedulableIfNotPresent(p, cycle, false);
        assertThat(q.whereIs(p.uid())).isEqualTo("backoff");
    }

    @Test
    void errorsGoToBackoff() throws Exception {
        q.add(pod("p"));
        QueuedPodInfo p = pop();
        q.addUnschedulableIfNotPresent(p, q.schedulingCycle(), true);
        assertThat(q.whereIs(p.uid())).isEqualTo("backoff");
        clock.advance(Duration.ofSeconds(1));
        q.flushBackoffQCompleted();
        assertThat(q.whereIs(p.uid())).isEqualTo("active");
    }

    @Test
    void unschedulablePodsAreRetriedAfterFiveMinutes() throws Exception {
        q.add(pod("p"));
        QueuedPodInfo p = pop();
        q.addUnschedulableIfNotPresent(p, q.schedulingCycle(), false);
        clock.advance(Duration.ofMinutes(4));
        q.flushUnschedulablePodsLeftover();
        assertThat(q.whereIs(p.uid())).isEqualTo("unschedulable");
        clock.advance(Duration.ofMinutes(1));
        q.flushUnschedulablePodsLeftover();
        assertThat(q.whereIs(p.uid())).isEqualTo("active");
    }

    @Test
    void aChangedUnschedulablePodIsRetried() throws Exception {
        q.add(pod("p"));
        QueuedPodInfo p = pop();
        q.addUnschedulableIfNotPresent(p, q.schedulingCycle(), false);
        // a status-only change (our own condition) does not move it
        q.update(new PodInfo(new PodBuilder(Fixtures.pod("p")).withNewStatus().withPhase("Pending").endStatus().build()));
        assertThat(q.whereIs(p.uid())).isEqualTo("unschedulable");
        clock.advance(Duration.ofSeconds(2));
        q.update(new PodInfo(new PodBuilder(Fixtures.pod("p")).editSpec().withNodeSelector(java.util.Map.of("a", "b"))
                .endSpec().build()));
        assertThat(q.whereIs(p.uid())).isEqualTo("active");
        assertThat(pop().podInfo().pod().getSpec().getNodeSelector()).containsEntry("a", "b");
    }

    @Test
    void deletedWhileInFlightIsNotRequeued() throws Exception {
        q.add(pod("p"));
        QueuedPodInfo p = pop();
        q.delete(p.uid());
        assertThat(q.addUnschedulableIfNotPresent(p, q.schedulingCycle(), false)).isFalse();
        assertThat(q.whereIs(p.uid())).isNull();
        assertThat(q.sizes()).containsExactly(0, 0, 0);
    }

    @Test
    void popWaitsForAPod() throws Exception {
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException ignored) {
                return;
            }
            q.add(pod("late"));
        });
        QueuedPodInfo p = q.pop(5, TimeUnit.SECONDS);
        t.join();
        assertThat(p.podInfo().pod().getMetadata().getName()).isEqualTo("late");
    }
}
