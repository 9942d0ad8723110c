package io.kube4j.apimachinery.time;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GoDurationsTest {
    @Test
    void parsesGoDurations() {
        assertThat(GoDurations.parse("40s")).isEqualTo(Duration.ofSeconds(40));
        assertThat(GoDurations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(GoDurations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(GoDurations.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDurations.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(GoDurations.parse("-2s")).isEqualTo(Duration.ofSeconds(-2));
    }

    @Test
    void rejectsWhatGoRejects() {
        assertThatThrownBy(() -> GoDurations.parse("5")).hasMessage("time: missing unit in duration \"5\"");
        assertThatThrownBy(() -> GoDurations.parse("5x")).hasMessage("time: unknown unit \"x\" in duration \"5x\"");
        assertThatThrownBy(() -> GoDurations.parse("")).hasMessage("time: invalid duration \"\"");
    }
}
