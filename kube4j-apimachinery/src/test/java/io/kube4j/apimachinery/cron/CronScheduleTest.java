package io.kube4j.apimachinery.cron;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CronScheduleTest {
    private static final ZoneId UTC = ZoneOffset.UTC;

    private static Instant next(String spec, String after) {
        return CronSchedule.parse(spec).next(Instant.parse(after), UTC).orElseThrow();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "* * * * *        | 2024-03-10T10:15:30Z | 2024-03-10T10:16:00Z",
            "* * * * *        | 2024-03-10T10:15:00Z | 2024-03-10T10:16:00Z",
            "*/5 * * * *      | 2024-03-10T10:15:00Z | 2024-03-10T10:20:00Z",
            "*/5 * * * *      | 2024-03-10T10:14:59Z | 2024-03-10T10:15:00Z",
            "0 * * * *        | 2024-03-10T10:15:00Z | 2024-03-10T11:00:00Z",
            "30 2 * * *       | 2024-03-10T10:15:00Z | 2024-03-11T02:30:00Z",
            "0 0 1 * *        | 2024-03-10T10:15:00Z | 2024-04-01T00:00:00Z",
            "0 0 1 1 *        | 2024-03-10T10:15:00Z | 2025-01-01T00:00:00Z",
            "0 0 29 2 *       | 2024-03-10T10:15:00Z | 2028-02-29T00:00:00Z",
            "0 9 * * mon-fri  | 2024-03-09T10:00:00Z | 2024-03-11T09:00:00Z",
            "0 9 * * 1-5      | 2024-03-11T09:00:00Z | 2024-03-12T09:00:00Z",
            "0 12 * jan,JUL * | 2024-03-10T10:15:00Z | 2024-07-01T12:00:00Z",
            "15,45 8-9 * * *  | 2024-03-10T08:46:00Z | 2024-03-10T09:15:00Z",
            "5/20 * * * *     | 2024-03-10T10:26:00Z | 2024-03-10T10:45:00Z",
            "0 0 ? * SUN      | 2024-03-10T00:00:00Z | 2024-03-17T00:00:00Z",
            "@hourly          | 2024-03-10T10:15:00Z | 2024-03-10T11:00:00Z",
            "@daily           | 2024-03-10T10:15:00Z | 2024-03-11T00:00:00Z",
            "@midnight        | 2024-03-10T10:15:00Z | 2024-03-11T00:00:00Z",
            "@weekly          | 2024-03-10T10:15:00Z | 2024-03-17T00:00:00Z",
            "@monthly         | 2024-03-10T10:15:00Z | 2024-04-01T00:00:00Z",
            "@yearly          | 2024-03-10T10:15:00Z | 2025-01-01T00:00:00Z",
            "@annually        | 2024-03-10T10:15:00Z | 2025-01-01T00:00:00Z",
    })
    void nextFireTimes(String spec, String after, String expected) {
        assertThat(next(spec.strip(), after)).isEqualTo(Instant.parse(expected));
    }

    @Test
    void dayOfMonthAndDayOfWeekAreOredWhenNeitherIsAStar() {
        // the 13th or any Friday: from Monday 2024-09-09, Friday 13th is 2024-09-13 either way,
        // but from 2024-09-14 the next is Friday 2024-09-20 (not the 13th of October)
        assertThat(next("0 0 13 * 5", "2024-09-14T00:00:00Z")).isEqualTo(Instant.parse("2024-09-20T00:00:00Z"));
        assertThat(next("0 0 13 * 5", "2024-09-10T00:00:00Z")).isEqualTo(Instant.parse("2024-09-13T00:00:00Z"));
        // with a star day of week, only the 13th counts
        assertThat(next("0 0 13 * *", "2024-09-14T00:00:00Z")).isEqualTo(Instant.parse("2024-10-13T00:00:00Z"));
        // a stepped star is not a star: */2 days of month OR Sundays
        assertThat(next("0 0 */2 * 0", "2024-09-01T12:00:00Z")).isEqualTo(Instant.parse("2024-09-03T00:00:00Z"));
    }

    @Test
    void fireTimesFollowTheGivenZoneAcrossDaylightSaving() {
        ZoneId ny = ZoneId.of("America/New_York");
        CronSchedule s = CronSchedule.parse("0 9 * * *");
        // 9:00 EST is 14:00Z, 9:00 EDT is 13:00Z; DST starts 2024-03-10
        assertThat(s.next(Instant.parse("2024-03-09T15:00:00Z"), ny)).contains(Instant.parse("2024-03-10T13:00:00Z"));
        assertThat(s.next(Instant.parse("2024-03-08T15:00:00Z"), ny)).contains(Instant.parse("2024-03-09T14:00:00Z"));
        // 02:30 does not exist on 2024-03-10 in New York: hourly stepping lands on the next day
        CronSchedule gap = CronSchedule.parse("30 2 * * *");
        assertThat(gap.next(Instant.parse("2024-03-10T05:00:00Z"), ny)).contains(Instant.parse("2024-03-11T06:30:00Z"));
    }

    @Test
    void tzPrefixOverridesTheDefaultZone() {
        CronSchedule s = CronSchedule.parse("CRON_TZ=Asia/Tokyo 0 9 * * *");
        assertThat(s.zone()).contains(ZoneId.of("Asia/Tokyo"));
        assertThat(s.next(Instant.parse("2024-03-10T00:30:00Z"), UTC)).contains(Instant.parse("2024-03-11T00:00:00Z"));
        assertThat(CronSchedule.parse("TZ=UTC @daily").zone()).contains(ZoneOffset.UTC);
    }

    @Test
    void everyIsAConstantDelayOfWholeSeconds() {
        CronSchedule s = CronSchedule.parse("@every 1h30m");
        assertThat(s.next(Instant.parse("2024-03-10T10:15:30.700Z"), UTC)).contains(Instant.parse("2024-03-10T11:45:30Z"));
        assertThat(CronSchedule.parse("@every 10ms").next(Instant.parse("2024-03-10T10:15:30Z"), UTC))
                .contains(Instant.parse("2024-03-10T10:15:31Z"));
        assertThat(CronSchedule.parse("@every 1.5m").next(Instant.parse("2024-03-10T10:00:00Z"), UTC))
                .contains(Instant.parse("2024-03-10T10:01:30Z"));
    }

    @Test
    void impossibleDatesNeverFire() {
        assertThat(CronSchedule.parse("0 0 30 2 *").next(Instant.parse("2024-01-01T00:00:00Z"), UTC)).isEmpty();
    }

    @Test
    void successiveFireTimesAreStrictlyIncreasing() {
        CronSchedule s = CronSchedule.parse("*/7 */3 * * *");
        Instant t = Instant.parse("2024-12-31T20:00:00Z");
        List<Instant> seen = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            t = s.next(t, UTC).orElseThrow();
            seen.add(t);
        }
        assertThat(seen).isSorted().doesNotHaveDuplicates();
        assertThat(seen.get(0)).isEqualTo(Instant.parse("2024-12-31T21:00:00Z"));
        assertThat(seen.get(9)).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "foo                | expected exactly 5 fields, found 1: [foo]",
            "* * * *            | expected exactly 5 fields, found 4: [* * * *]",
            "* * * * * *        | expected exactly 5 fields, found 6: [* * * * * *]",
            "60 * * * *         | end of range (60) above maximum (59): 60",
            "* 24 * * *         | end of range (24) above maximum (23): 24",
            "* * 0 * *          | beginning of range (0) below minimum (1): 0",
            "* * * 13 *         | end of range (13) above maximum (12): 13",
            "* * * * 7          | end of range (7) above maximum (6): 7",
            "5-2 * * * *        | beginning of range (5) beyond end of range (2): 5-2",
            "*/0 * * * *        | step of range should be a positive number: */0",
            "1-2-3 * * * *      | too many hyphens: 1-2-3",
            "*/2/3 * * * *      | too many slashes: */2/3",
            "x * * * *          | failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax",
            "@often             | unrecognized descriptor: @often",
            "@every 1d          | failed to parse duration @every 1d: time: unknown unit \"d\" in duration \"1d\"",
            "@every 5           | failed to parse duration @every 5: time: missing unit in duration \"5\"",
            "@every x           | failed to parse duration @every x: time: invalid duration \"x\"",
            "TZ=Mars/Olympus * * * * * | provided bad location Mars/Olympus: unknown time zone Mars/Olympus",
            "TZ=UTC             | invalid location descriptior: TZ=UTC",
    })
    void rejectsWithUpstreamMessages(String spec, String message) {
        assertThatThrownBy(() -> CronSchedule.parse(spec.strip()))
                .isInstanceOf(CronSyntaxException.class)
                .hasMessage(message.strip());
    }

    @Test
    void rejectsEmptySpec() {
        assertThatThrownBy(() -> CronSchedule.parse("")).hasMessage("empty spec string");
    }

    @Test
    void loadsZonesLikeGo() {
        assertThat(CronSchedule.loadZone("Europe/Berlin")).contains(ZoneId.of("Europe/Berlin"));
        assertThat(CronSchedule.loadZone("UTC")).contains(ZoneOffset.UTC);
        assertThat(CronSchedule.loadZone("Nowhere/City")).isEmpty();
        assertThat(CronSchedule.loadZone("+01:00")).isEmpty();
    }
}
