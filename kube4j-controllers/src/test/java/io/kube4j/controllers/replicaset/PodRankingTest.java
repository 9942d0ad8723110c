package io.kube4j.controllers.replicaset;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PodRankingTest {
    static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    private static List<String> names(List<Pod> pods) {
        return pods.stream().map(p -> p.getMetadata().getName()).toList();
    }

    @Test
    void unscheduledThenPendingThenNotReadyGoFirst() {
        Pod readyOld = TestPods.running("ready", "n1", NOW.minusSeconds(1000), NOW.minusSeconds(900));
        Pod notReady = TestPods.running("not-ready", "n1", NOW.minusSeconds(1000), null);
        Pod pending = new PodBuilder(TestPods.pod("pending", NOW.minusSeconds(1000)).build())
                .editSpec().withNodeName("n1").endSpec().build();
        Pod unscheduled = TestPods.pod("unscheduled", NOW.minusSeconds(1000)).build();
        List<Pod> all = List.of(readyOld, notReady, pending, unscheduled);
        assertThat(names(PodRanking.podsToDelete(all, all, 3, NOW)))
                .containsExactly("unscheduled", "pending", "not-ready");
    }

    @Test
    void lowerDeletionCostGoesFirst() {
        Pod cheap = new PodBuilder(TestPods.running("cheap", "n1", NOW.minusSeconds(5), NOW.minusSeconds(4)))
                .editMetadata().addToAnnotations(PodRanking.DELETION_COST, "-10").endMetadata().build();
        Pod young = TestPods.running("young", "n1", NOW.minusSeconds(1), NOW.minusSeconds(1));
        List<Pod> all = List.of(young, cheap);
        assertThat(names(PodRanking.podsToDelete(all, all, 1, NOW))).containsExactly("cheap");
    }

    @Test
    void podsDoubledUpOnANodeGoBeforeLonelyOnes() {
        Pod lonely = TestPods.running("lonely", "n2", NOW.minusSeconds(10), NOW.minusSeconds(10));
        Pod crowdedA = TestPods.running("crowded-a", "n1", NOW.minusSeconds(100000), NOW.minusSeconds(100000));
        Pod crowdedB = TestPods.running("crowded-b", "n1", NOW.minusSeconds(100000), NOW.minusSeconds(100000));
        List<Pod> all = List.of(lonely, crowdedA, crowdedB);
        assertThat(names(PodRanking.podsToDelete(all, all, 1, NOW))).containsAnyOf("crowded-a", "crowded-b");
    }

    @Test
    void readyForLessTimeThenMoreRestartsThenNewerGoFirst() {
        Pod longReady = TestPods.running("long", "n1", NOW.minusSeconds(10000), NOW.minusSeconds(5000));
        Pod shortReady = TestPods.running("short", "n2", NOW.minusSeconds(10000), NOW.minusSeconds(3));
        List<Pod> two = List.of(longReady, shortReady);
        assertThat(names(PodRanking.podsToDelete(two, two, 1, NOW))).containsExactly("short");

        Pod restarted = new PodBuilder(TestPods.running("restarted", "n3", NOW.minusSeconds(10000), NOW.minusSeconds(5000)))
                .editStatus().addNewContainerStatus().withName("app").withRestartCount(3).endContainerStatus()
                .endStatus().build();
        List<Pod> sameReady = List.of(longReady, restarted);
        assertThat(names(PodRanking.podsToDelete(sameReady, sameReady, 1, NOW))).containsExactly("restarted");

        Pod newer = TestPods.pod("newer", NOW.minusSeconds(2)).build();
        Pod older = TestPods.pod("older", NOW.minusSeconds(5000)).build();
        List<Pod> pendings = List.of(older, newer);
        assertThat(names(PodRanking.podsToDelete(pendings, pendings, 1, NOW))).containsExactly("newer");
    }

    @Test
    void agesInTheSameBucketCountAsEqual() {
        // 1,000 s and 1,001 s old fall in the same power-of-two bucket of nanoseconds
        assertThat(PodRanking.compareAges(NOW.minusSeconds(1000), NOW.minusSeconds(1001), NOW)).isZero();
        assertThat(PodRanking.compareAges(NOW.minusSeconds(10), NOW.minusSeconds(1000), NOW)).isNegative();
        assertThat(PodRanking.compareAges(null, NOW.minusSeconds(1000), NOW)).isNegative();
    }

    @Test
    void deletingAllOrMoreReturnsEveryPod() {
        List<Pod> all = List.of(TestPods.pod("a", NOW).build(), TestPods.pod("b", NOW).build());
        assertThat(PodRanking.podsToDelete(all, all, 5, NOW)).hasSize(2);
    }
}
