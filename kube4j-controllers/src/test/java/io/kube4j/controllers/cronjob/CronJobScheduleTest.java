package io.kube4j.controllers.cronjob;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.kube4j.apimachinery.cron.CronSchedule;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CronJobScheduleTest {
    static final Instant CREATED = Instant.parse("2025-03-01T10:00:30Z");

    static CronJob cj(String schedule, String lastSchedule, Long startingDeadline) {
        return new CronJobBuilder().withNewMetadata().withName("hello").withNamespace("ns").withUid("u")
                .withCreationTimestamp(CREATED.toString()).endMetadata()
                .withNewSpec().withSchedule(schedule).withStartingDeadlineSeconds(startingDeadline).endSpec()
                .withNewStatus().withLastScheduleTime(lastSchedule).endStatus().build();
    }

    static CronJobSchedule.Recent recent(CronJob cj, Instant now, boolean deadline) {
        return CronJobSchedule.mostRecent(cj, now, CronSchedule.parse(cj.getSpec().getSchedule()), ZoneOffset.UTC,
                deadline);
    }

    @Test
    void nothingDueBeforeTheFirstFireTime() {
        CronJobSchedule.Recent r = recent(cj("*/5 * * * *", null, null), Instant.parse("2025-03-01T10:04:59Z"), true);
        assertThat(r.mostRecent()).isEmpty();
        assertThat(r.missed()).isZero();
    }

    @Test
    void theFireTimeJustPassedIsDue() {
        CronJobSchedule.Recent r = recent(cj("*/5 * * * *", null, null), Instant.parse("2025-03-01T10:05:01Z"), true);
        assertThat(r.mostRecent()).contains(Instant.parse("2025-03-01T10:05:00Z"));
    }

    @Test
    void severalMissedGiveTheMostRecentAndTheCount() {
        CronJobSchedule.Recent r = recent(cj("*/5 * * * *", "2025-03-01T10:05:00Z", null),
                Instant.parse("2025-03-01T10:31:00Z"), true);
        assertThat(r.mostRecent()).contains(Instant.parse("2025-03-01T10:30:00Z"));
        assertThat(r.missed()).isEqualTo(5);
        assertThat(r.tooManyMissed()).isFalse();
    }

    @Test
    void moreThanAHundredMissedIsFlaggedButStillSchedulesTheLatest() {
        CronJobSchedule.Recent r = recent(cj("* * * * *", "2025-03-01T10:00:00Z", null),
                Instant.parse("2025-03-01T12:00:10Z"), true);
        assertThat(r.tooManyMissed()).isTrue();
        assertThat(r.mostRecent()).contains(Instant.parse("2025-03-01T12:00:00Z"));
    }

    @Test
    void startingDeadlineBoundsHowFarBackToLook() {
        // with a 200 s deadline only the last few minutes count: not "too many"
        CronJobSchedule.Recent r = recent(cj("* * * * *", "2025-03-01T10:00:00Z", 200L),
                Instant.parse("2025-03-01T12:00:10Z"), true);
        assertThat(r.tooManyMissed()).isFalse();
        assertThat(r.mostRecent()).contains(Instant.parse("2025-03-01T12:00:00Z"));
    }

    @Test
    void untilNextWaitsForTheNextFireTimePlusADelta() {
        CronJob c = cj("0 * * * *", "2025-03-01T11:00:00Z", null);
        assertThat(CronJobSchedule.untilNext(c, Instant.parse("2025-03-01T11:30:00Z"),
                CronSchedule.parse("0 * * * *"), ZoneOffset.UTC))
                .contains(Duration.ofMinutes(30).plus(CronJobSchedule.NEXT_SCHEDULE_DELTA));
    }

    @Test
    void descriptorsAndEvery() {
        CronJob hourly = cj("@hourly", null, null);
        assertThat(recent(hourly, Instant.parse("2025-03-01T11:00:05Z"), true).mostRecent())
                .contains(Instant.parse("2025-03-01T11:00:00Z"));
        CronJob every = cj("@every 90s", null, null);
        assertThat(recent(every, Instant.parse("2025-03-01T10:02:01Z"), true).mostRecent())
                .contains(Instant.parse("2025-03-01T10:02:00Z"));
    }

    @Test
    void timeZoneShiftsTheFireTimes() {
        CronJob c = cj("0 9 * * *", null, null);
        c.getSpec().setTimeZone("Europe/Paris");
        ZoneId zone = CronJobSchedule.zone(c);
        // 09:00 in Paris in March (CET) is 08:00 UTC
        CronJobSchedule.Recent r = CronJobSchedule.mostRecent(c, Instant.parse("2025-03-02T08:00:10Z"),
                CronSchedule.parse("TZ=Europe/Paris 0 9 * * *"), zone, true);
        assertThat(r.mostRecent()).contains(Instant.parse("2025-03-02T08:00:00Z"));
    }

    @Test
    void jobNamesAreMinutesSinceTheEpoch() {
        assertThat(CronJobSchedule.jobName(cj("* * * * *", null, null), Instant.parse("2025-03-01T10:05:00Z")))
                .isEqualTo("hello-" + Instant.parse("2025-03-01T10:05:00Z").getEpochSecond() / 60);
    }

    @Test
    void jobFromTemplateCarriesTheScheduledTimestampAndOwner() {
        CronJob c = cj("* * * * *", null, null);
        c.getSpec().setJobTemplate(new io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpecBuilder()
                .withNewMetadata().addToLabels("app", "x").endMetadata().withNewSpec().withBackoffLimit(1)
                .endSpec().build());
        var job = CronJobController.jobFor(c, Instant.parse("2025-03-01T10:05:00Z"), ZoneOffset.UTC);
        assertThat(job.getMetadata().getName()).isEqualTo("hello-29013725");
        assertThat(job.getMetadata().getLabels()).containsEntry("app", "x");
        assertThat(job.getMetadata().getAnnotations())
                .containsEntry(CronJobController.SCHEDULED_TIMESTAMP, "2025-03-01T10:05:00Z");
        assertThat(job.getMetadata().getOwnerReferences().get(0).getKind()).isEqualTo("CronJob");
        assertThat(job.getSpec().getBackoffLimit()).isEqualTo(1);
    }

    @Test
    void impossibleZoneIsRejected() {
        CronJob c = cj("* * * * *", null, null);
        c.getSpec().setTimeZone("Mars/Olympus");
        assertThatThrownBy(() -> CronJobSchedule.zone(c)).isInstanceOf(IllegalArgumentException.class);
    }
}
