package io.kube4j.controllers;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ControllerExpectationsTest {
    /** A clock the test moves. */
    static final class FakeClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void satisfiedOnceEveryCreationIsObserved() {
        ControllerExpectations e = new ControllerExpectations(new FakeClock());
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
        ControllerExpectations e = new ControllerExpectations(new FakeClock());
        e.expectDeletions("ns/rs", Set.of("ns/a", "ns/b"));
        e.deletionObserved("ns/rs", "ns/a");
        e.deletionObserved("ns/rs", "ns/a");
        assertThat(e.satisfied("ns/rs")).isFalse();
        e.deletionObserved("ns/rs", "ns/b");
        assertThat(e.satisfied("ns/rs")).isTrue();
    }

    @Test
    void expectationsExpireAfterFiveMinutes() {
        FakeClock clock = new FakeClock();
        ControllerExpectations e = new ControllerExpectations(clock);
        e.expectCreations("ns/rs", 3);
        clock.now = clock.now.plus(Duration.ofMinutes(5)).minusSeconds(1);
        assertThat(e.satisfied("ns/rs")).isFalse();
        clock.now = clock.now.plusSeconds(1);
        assertThat(e.satisfied("ns/rs")).isTrue();
    }

    @Test
    void deleteForgetsTheKey() {
        ControllerExpectations e = new ControllerExpectations(new FakeClock());
        e.expectCreations("ns/rs", 1);
        e.delete("ns/rs");
        assertThat(e.satisfied("ns/rs")).isTrue();
        assertThat(e.pendingCreations("ns/rs")).isZero();
    }
}
