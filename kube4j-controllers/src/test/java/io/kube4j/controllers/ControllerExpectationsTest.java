package io.kube4j.controllers;

import io.kube4j.client.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ControllerExpectationsTest {
    /** A clock the test moves. */

    @Test
    void satisfiedOnceEveryCreationIsObserved() {
        ControllerExpectations e = new ControllerExpectations(new FakeClock(Instant.parse("2026-01-01T00:00:00Z")));
        assertThat(e.satisfied("ns/rs")).isTrue();
        e.expectCreations("ns/rs", 2);
        assertThat(e.satisfied("ns/rs")).isFalse();
        e.creationObserved("ns/rs");
        assertThat(e.satisfied("ns/rs")).isFalse();
        e.creationObserved("ns/rs");
        assertThat(e.satisfied("ns/rs")).isTrue();
    }

    @Test
    void deletionsAreTrackedByPodSoARepeatedEventCountsOnce() {
        ControllerExpectations e = new ControllerExpectations(new FakeClock(Instant.parse("2026-01-01T00:00:00Z")));
        e.expectDeletions("ns/rs", Set.of("ns/a", "ns/b"));
        e.deletionObserved("ns/rs", "ns/a");
        e.deletionObserved("ns/rs", "ns/a");
        assertThat(e.satisfied("ns/rs")).isFalse();
        e.deletionObserved("ns/rs", "ns/b");
        assertThat(e.satisfied("ns/rs")).isTrue();
    }

    @Test
    void expectationsExpireAfterFiveMinutes() {
        FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
        ControllerExpectations e = new ControllerExpectations(clock);
        e.expectCreations("ns/rs", 3);
        clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        assertThat(e.satisfied("ns/rs")).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(e.satisfied("ns/rs")).isTrue();
    }

    @Test
    void deleteForgetsTheKey() {
        ControllerExpectations e = new ControllerExpectations(new FakeClock(Instant.parse("2026-01-01T00:00:00Z")));
        e.expectCreations("ns/rs", 1);
        e.delete("ns/rs");
        assertThat(e.satisfied("ns/rs")).isTrue();
        assertThat(e.pendingCreations("ns/rs")).isZero();
    }
}
