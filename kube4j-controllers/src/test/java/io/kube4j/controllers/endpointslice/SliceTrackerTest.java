package io.kube4j.controllers.endpointslice;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.kube4j.client.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SliceTrackerTest {
    final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
    final SliceTracker tracker = new SliceTracker(clock);

    static EndpointSlice slice(String name, String rv) {
        return new EndpointSliceBuilder().withNewMetadata().withName(name).withResourceVersion(rv).endMetadata().build();
    }

    @Test
    void aCreatedSliceMakesTheCacheStaleUntilItShowsUp() {
        tracker.written("ns/kubia", slice("kubia-abcde", "7"));
        assertThat(tracker.stale("ns/kubia", List.of())).isTrue();
        assertThat(tracker.stale("ns/other", List.of())).isFalse();
        assertThat(tracker.stale("ns/kubia", List.of(slice("kubia-abcde", "7")))).isFalse();
        // caught up: forgotten
        assertThat(tracker.stale("ns/kubia", List.of())).isFalse();
    }

    @Test
    void anUpdatedSliceNeedsItsNewVersionAndADeletedOneItsAbsence() {
        tracker.written("ns/kubia", slice("a", "10"));
        tracker.deleted("ns/kubia", slice("b", "3"));
        assertThat(tracker.stale("ns/kubia", List.of(slice("a", "9")))).isTrue();
        assertThat(tracker.stale("ns/kubia", List.of(slice("a", "10"), slice("b", "3")))).isTrue();
        assertThat(tracker.stale("ns/kubia", List.of(slice("a", "11")))).isFalse();
    }

    @Test
    void expectationsExpireSoALostEventCannotWedgeTheService() {
        tracker.written("ns/kubia", slice("a", "10"));
        clock.advance(SliceTracker.TIMEOUT.plus(Duration.ofSeconds(1)));
        assertThat(tracker.stale("ns/kubia", List.of())).isFalse();
    }
}
