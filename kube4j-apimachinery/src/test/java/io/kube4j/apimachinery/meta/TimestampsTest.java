package io.kube4j.apimachinery.meta;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class TimestampsTest {
    @org.junit.jupiter.api.Test
    void formatWritesWhatTheFormatterWrites() {
        java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
                .withZone(java.time.ZoneOffset.UTC);
        java.util.Random r = new java.util.Random(3);
        java.util.List<java.time.Instant> instants = new java.util.ArrayList<>(java.util.List.of(java.time.Instant.EPOCH,
                java.time.Instant.parse("2024-02-29T23:59:59.999Z"), java.time.Instant.parse("9999-12-31T23:59:59Z"),
                java.time.Instant.parse("+10000-01-01T00:00:00Z"), java.time.Instant.parse("1969-12-31T23:59:59.5Z")));
        for (int i = 0; i < 10_000; i++) {
            instants.add(java.time.Instant.ofEpochSecond(r.nextLong(260_000_000_000L) - 1_000_000_000L, r.nextInt(1_000_000_000)));
        }
        for (java.time.Instant t : instants) {
            assertThat(Timestamps.format(t)).as("%s", t).isEqualTo(f.format(t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        }
    }

    @ParameterizedTest(name = "{0} ms -> {1}")
    @CsvSource({
            "-2000, <invalid>",
            "-1500, 0s",
            "-1000, 0s",
            "-500, 0s",
            "0, 0s",
            "1000, 1s",
            "119999, 119s",
            "120000, 2m",
            "121000, 2m1s",
            "599000, 9m59s",
            "600000, 10m",
            "10799000, 179m",
            "10800000, 3h",
            "12600000, 3h30m",
            "28740000, 7h59m",
            "28800000, 8h",
            "172799000, 47h",
            "172800000, 2d",
            "176400000, 2d1h",
            "687600000, 7d23h",
            "691200000, 8d",
            "62985600000, 729d",
            "63072000000, 2y",
            "63158400000, 2y1d",
            "252288000000, 8y",
            "315360000000, 10y",
    })
    void humanDurationMatchesUpstream(long millis, String expected) {
        assertThat(Timestamps.humanDuration(Duration.ofMillis(millis))).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void parsesTheApiFormsAndRejectsOthers() {
        org.assertj.core.api.Assertions.assertThat(Timestamps.parse("2026-11-24T22:30:05Z"))
                .isEqualTo(java.time.Instant.parse("2026-11-24T22:30:05Z"));
        org.assertj.core.api.Assertions.assertThat(Timestamps.parse("2026-11-24T22:30:05.123456Z"))
                .isEqualTo(java.time.Instant.parse("2026-11-24T22:30:05.123456Z"));
        org.assertj.core.api.Assertions.assertThat(Timestamps.parse("2026-02-30T22:30:05Z")).isNull();
        org.assertj.core.api.Assertions.assertThat(Timestamps.parse("2026-11-24T25:30:05Z")).isNull();
        org.assertj.core.api.Assertions.assertThat(Timestamps.parse("yesterday")).isNull();
        org.assertj.core.api.Assertions.assertThat(Timestamps.format(Timestamps.parse("2026-11-24T22:30:05Z")))
                .isEqualTo("2026-11-24T22:30:05Z");
    }
}
