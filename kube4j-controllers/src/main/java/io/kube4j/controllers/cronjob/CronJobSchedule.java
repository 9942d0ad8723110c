package io.kube4j.controllers.cronjob;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.kube4j.apimachinery.cron.CronSchedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * When a CronJob fires, as plain functions of the CronJob, its parsed schedule and the time (upstream's
 * mostRecentScheduleTime and nextScheduleTimeDuration): the most recent unmet fire time, whether more than 100 were
 * missed, and how long to wait for the next one. Stateless and thread-safe.
 */
public final class CronJobSchedule {
    /** Upstream wakes a little after the fire time so the time has passed when it looks. */
    public static final Duration NEXT_SCHEDULE_DELTA = Duration.ofMillis(100);
    public static final int TOO_MANY_MISSED = 100;

    private CronJobSchedule() {
    }

    /** The result of looking for unmet fire times since the last one (or since creation). */
    public record Recent(Instant earliest, Optional<Instant> mostRecent, long missed) {
        public boolean tooManyMissed() {
            return missed > TOO_MANY_MISSED;
        }
    }

    /** The zone a CronJob's schedule is read in: {@code spec.timeZone}, else UTC (the controller's zone). */
    public static ZoneId zone(CronJob cj) {
        String tz = cj.getSpec().getTimeZone();
        if (tz == null) {
            return ZoneOffset.UTC;
        }
        return CronSchedule.loadZone(tz).orElseThrow(() -> new IllegalArgumentException("unknown time zone " + tz));
    }

    static Instant lastScheduleTime(CronJob cj) {
        String t = cj.getStatus() == null ? null : cj.getStatus().getLastScheduleTime();
        return t == null ? null : Instant.parse(t);
    }

    /**
     * The most recent fire time at or before {@code now} that has not run yet: fire times are looked for after the
     * last schedule time (or the creation time), and, when {@code withStartingDeadline}, no earlier than
     * {@code now - startingDeadlineSeconds}.
     *
     * @throws IllegalArgumentException when two fire times are less than a second apart (an impossible schedule)
     */
    public static Recent mostRecent(CronJob cj, Instant now, CronSchedule schedule, ZoneId zone,
                                    boolean withStartingDeadline) {
        Instant earliest = Instant.parse(cj.getMetadata().getCreationTimestamp());
        Instant last = lastScheduleTime(cj);
        if (last != null) {
            earliest = last;
        }
        Long deadline = cj.getSpec().getStartingDeadlineSeconds();
        if (withStartingDeadline && deadline != null) {
            Instant limit = now.minusSeconds(deadline);
            if (limit.isAfter(earliest)) {
                earliest = limit;
            }
        }
        Optional<Instant> t1 = schedule.next(earliest, zone);
        if (t1.isEmpty() || now.isBefore(t1.get())) {
            return new Recent(earliest, Optional.empty(), 0);
        }
        Optional<Instant> t2 = schedule.next(t1.get(), zone);
        if (t2.isEmpty() || now.isBefore(t2.get())) {
            return new Recent(earliest, t1, 0);
        }
        long between = Math.round(Duration.between(t1.get(), t2.get()).toMillis() / 1000.0);
        if (between < 1) {
            throw new IllegalArgumentException("time difference between two schedules is less than 1 second");
        }
        long elapsed = Duration.between(t1.get(), now).getSeconds();
        long missed = elapsed / between + 1;
        // start a little before the estimate and walk forward, which is exact for uneven schedules too
        Instant from = t1.get().plusSeconds((missed - 2) * between);
        Instant mostRecent = null;
        for (Optional<Instant> t = schedule.next(from, zone); t.isPresent() && !t.get().isAfter(now);
             t = schedule.next(t.get(), zone)) {
            mostRecent = t.get();
        }
        return new Recent(earliest, Optional.ofNullable(mostRecent), missed);
    }

    /** How long until the next fire time after the most recent one, plus {@link #NEXT_SCHEDULE_DELTA}. */
    public static Optional<Duration> untilNext(CronJob cj, Instant now, CronSchedule schedule, ZoneId zone) {
        Instant from;
        try {
            Recent r = mostRecent(cj, now, schedule, zone, false);
            if (r.mostRecent().isPresent()) {
                from = r.mostRecent().get();
            } else {
                from = r.missed() == 0 ? r.earliest() : now;
            }
        } catch (IllegalArgumentException e) {
            from = now;
        }
        return schedule.next(from, zone).map(t -> Duration.between(now, t).plus(NEXT_SCHEDULE_DELTA));
    }

    /** The name of the Job for a fire time: {@code <cronjob>-<minutes since the epoch>}. */
    public static String jobName(CronJob cj, Instant scheduled) {
        return cj.getMetadata().getName() + "-" + scheduled.getEpochSecond() / 60;
    }
}
