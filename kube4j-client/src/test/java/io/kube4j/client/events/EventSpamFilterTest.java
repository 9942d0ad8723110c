package io.kube4j.client.events;

import io.kube4j.client.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class EventSpamFilterTest {
    private final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final EventSpamFilter filter = new EventSpamFilter(clock);

    private int accepted(String key, int tries) {
        int n = 0;
        for (int i = 0; i < tries; i++) {
            n += filter.tryAccept(key) ? 1 : 0;
        }
        return n;
    }

    @Test
    void aBurstOf25ThenOneTokenEveryFiveMinutes() {
        assertThat(accepted("a", 30)).isEqualTo(25);
        assertThat(accepted("b", 30)).as("another object's bucket").isEqualTo(25);
        clock.advance(Duration.ofSeconds(299));
        assertThat(filter.tryAccept("a")).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(filter.tryAccept("a")).isTrue();
        assertThat(filter.tryAccept("a")).isFalse();
        // time spent rejected still counts toward the next token
        clock.advance(Duration.ofSeconds(600));
        assertThat(accepted("a", 5)).isEqualTo(2);
    }

    @Test
    void aBucketRefillsToTheBurstAndNoFurther() {
        assertThat(accepted("a", 25)).isEqualTo(25);
        clock.advance(Duration.ofDays(1));
        assertThat(accepted("a", 30)).isEqualTo(25);
    }
}
