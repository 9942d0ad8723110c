package io.kube4j.controllers.job;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The Job controller's decisions as plain functions of a Job, its pods and the time: which pods are active, failed
 * or terminating, how many pods should run, whether the back-off limit or the deadline is past, the conditions,
 * completed indexes. Stateless and thread-safe.
 */
public final class JobStatusFunctions {
    public static final String TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking";
    public static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
    /** Upstream's pod back-off: 10 s doubling to 6 minutes between replacements of failed pods. */
    public static final Duration BACKOFF_BASE = Duration.ofSeconds(10);
    public static final Duration BACKOFF_MAX = Duration.ofMinutes(6);

    public static final String COMPLETE = "Complete";
    public static final String FAILED = "Failed";
    public static final String SUCCESS_CRITERIA_MET = "SuccessCriteriaMet";
    public static final String FAILURE_TARGET = "FailureTarget";
    public static final String SUSPENDED = "Suspended";

    private JobStatusFunctions() {
    }

    static String phase(Pod p) {
        return p.getStatus() == null ? null : p.getStatus().getPhase();
    }

    static boolean terminal(Pod p) {
        return "Succeeded".equals(phase(p)) || "Failed".equals(phase(p));
    }

    /** Upstream's FilterActivePods: neither finished nor being deleted. */
    public static boolean isActive(Pod p) {
        return !terminal(p) && p.getMetadata().getDeletionTimestamp() == null;
    }

    public static boolean isTerminating(Pod p) {
        return !terminal(p) && p.getMetadata().getDeletionTimestamp() != null;
    }

    /** A pod counts as failed when it failed, or (unless only Failed pods are replaced) when deleted unfinished. */
    public static boolean isFailed(Pod p, Job job) {
        if ("Failed".equals(phase(p))) {
            return true;
        }
        if ("Failed".equals(job.getSpec().getPodReplacementPolicy())) {
            return false;
        }
        return p.getMetadata().getDeletionTimestamp() != null && !"Succeeded".equals(phase(p));
    }

    public static boolean isSucceeded(Pod p) {
        return "Succeeded".equals(phase(p));
    }

    public static boolean isReady(Pod p) {
        if (p.getStatus() == null || p.getStatus().getConditions() == null) {
            return false;
        }
        for (PodCondition c : p.getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }

    public static boolean hasFinalizer(Pod p) {
        List<String> f = p.getMetadata().getFinalizers();
        return f != null && f.contains(TRACKING_FINALIZER);
    }

    public static boolean suspended(Job job) {
        return Boolean.TRUE.equals(job.getSpec().getSuspend());
    }

    public static boolean indexed(Job job) {
        return "Indexed".equals(job.getSpec().getCompletionMode());
    }

    static int backoffLimit(Job job) {
        Integer b = job.getSpec().getBackoffLimit();
        return b == null ? 6 : b;
    }

    static int parallelism(Job job) {
        Integer p = job.getSpec().getParallelism();
        return p == null ? 1 : p;
    }

    /**
     * Under {@code restartPolicy: OnFailure} failed containers restart in place, so the restarts of the running and
     * pending pods are the failures: the limit is reached when they add up to {@code backoffLimit} (any restart
     * when the limit is 0).
     */
    public static boolean pastBackoffLimitOnFailure(Job job, List<Pod> pods) {
        if (!"OnFailure".equals(job.getSpec().getTemplate().getSpec().getRestartPolicy())) {
            return false;
        }
        int restarts = 0;
        for (Pod p : pods) {
            String phase = phase(p);
            if (!"Running".equals(phase) && !"Pending".equals(phase)) {
                continue;
            }
            restarts += restarts(p.getStatus().getInitContainerStatuses()) + restarts(p.getStatus().getContainerStatuses());
        }
        int limit = backoffLimit(job);
        return limit == 0 ? restarts > 0 : restarts >= limit;
    }

    private static int restarts(List<ContainerStatus> statuses) {
        int n = 0;
        if (statuses != null) {
            for (ContainerStatus s : statuses) {
                n += s.getRestartCount() == null ? 0 : s.getRestartCount();
            }
        }
        return n;
    }

    /** Whether the Job has been running (unsuspended) longer than {@code activeDeadlineSeconds}. */
    public static boolean pastActiveDeadline(Job job, Instant now) {
        Long deadline = job.getSpec().getActiveDeadlineSeconds();
        Instant start = startTime(job);
        if (deadline == null || start == null || suspended(job)) {
            return false;
        }
        return !now.isBefore(start.plusSeconds(deadline));
    }

    static Instant startTime(Job job) {
        String s = job.getStatus() == null ? null : job.getStatus().getStartTime();
        return s == null ? null : Instant.parse(s);
    }

    /** How many pods should run now: parallelism, capped by the completions still missing. */
    public static int wantActive(Job job, int succeeded) {
        if (suspended(job)) {
            return 0;
        }
        int parallelism = parallelism(job);
        Integer completions = job.getSpec().getCompletions();
        if (completions == null) {
            // a work queue: once one pod succeeded no new pods start
            return succeeded > 0 ? 0 : parallelism;
        }
        return Math.max(0, Math.min(parallelism, completions - succeeded));
    }

    /** Whether the pods the Job needed have all succeeded and none runs any more. */
    public static boolean complete(Job job, int succeeded, int active) {
        Integer completions = job.getSpec().getCompletions();
        if (completions == null) {
            return succeeded > 0 && active == 0;
        }
        return succeeded >= completions && active == 0;
    }

    /** The delay before the next replacement pod after {@code failures} consecutive failures. */
    public static Duration backoff(int failures) {
        if (failures <= 0) {
            return Duration.ZERO;
        }
        if (failures > 6) {
            return BACKOFF_MAX;
        }
        Duration d = BACKOFF_BASE.multipliedBy(1L << (failures - 1));
        return d.compareTo(BACKOFF_MAX) > 0 ? BACKOFF_MAX : d;
    }

    // ---------------------------------------------------------------- conditions

    public static Optional<JobCondition> condition(Job job, String type) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return job.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public static boolean hasTrue(Job job, String type) {
        return condition(job, type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    /** A Job is finished once it has a True Complete or Failed condition. */
    public static boolean finished(Job job) {
        return hasTrue(job, COMPLETE) || hasTrue(job, FAILED);
    }

    /** When the Job finished: the transition time of its Complete or Failed condition. */
    public static Optional<Instant> finishTime(Job job) {
        for (String t : List.of(COMPLETE, FAILED)) {
            Optional<JobCondition> c = condition(job, t).filter(x -> "True".equals(x.getStatus()));
            if (c.isPresent() && c.get().getLastTransitionTime() != null) {
                return Optional.of(Instant.parse(c.get().getLastTransitionTime()));
            }
        }
        return Optional.empty();
    }

    public static String timestamp(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    public static JobCondition newCondition(String type, String status, String reason, String message, Instant now) {
        String ts = timestamp(now);
        return new JobConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastProbeTime(ts).withLastTransitionTime(ts).build();
    }

    /**
     * Sets a condition, as upstream's ensureJobConditionStatus: a condition that does not exist is added only when
     * True; an existing one changes (with a new transition time) only when its status differs. Returns whether
     * anything changed.
     */
    public static boolean ensureCondition(Job job, String type, String status, String reason, String message,
                                          Instant now) {
        List<JobCondition> list = job.getStatus().getConditions() == null ? new ArrayList<>()
                : new ArrayList<>(job.getStatus().getConditions());
        for (int i = 0; i < list.size(); i++) {
            JobCondition c = list.get(i);
            if (type.equals(c.getType())) {
                if (status.equals(c.getStatus()) && reason.equals(c.getReason()) && message.equals(c.getMessage())) {
                    return false;
                }
                if (status.equals(c.getStatus())) {
                    list.set(i, new JobConditionBuilder(c).withReason(reason).withMessage(message).build());
                } else {
                    list.set(i, newCondition(type, status, reason, message, now));
                }
                job.getStatus().setConditions(list);
                return true;
            }
        }
        if (!"True".equals(status)) {
            return false;
        }
        list.add(newCondition(type, status, reason, message, now));
        job.getStatus().setConditions(list);
        return true;
    }

    // ---------------------------------------------------------------- Indexed jobs

    /** The completion index of a pod, or -1. */
    public static int completionIndex(Pod p) {
        Map<String, String> a = p.getMetadata().getAnnotations();
        String v = a == null ? null : a.get(COMPLETION_INDEX);
        if (v == null) {
            return -1;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Parses {@code status.completedIndexes}, e.g. {@code 1,3-5}. */
    public static TreeSet<Integer> parseIndexes(String text, int completions) {
        TreeSet<Integer> out = new TreeSet<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String part : text.split(",")) {
            String[] range = part.split("-");
            try {
                int from = Integer.parseInt(range[0].strip());
                int to = range.length > 1 ? Integer.parseInt(range[1].strip()) : from;
                for (int i = from; i <= to && i < completions; i++) {
                    out.add(i);
                }
            } catch (NumberFormatException ignored) {
                // a malformed entry counts for nothing, as upstream
            }
        }
        return out;
    }

    /** Formats indexes as upstream: ascending, consecutive runs of three or more as ranges ({@code 0,2-4}). */
    public static String formatIndexes(TreeSet<Integer> indexes) {
        StringBuilder b = new StringBuilder();
        Integer start = null;
        Integer prev = null;
        for (int i : indexes) {
            if (start == null) {
                start = i;
            } else if (i != prev + 1) {
                appendRange(b, start, prev);
                start = i;
            }
            prev = i;
        }
        if (start != null) {
            appendRange(b, start, prev);
        }
        return b.toString();
    }

    private static void appendRange(StringBuilder b, int from, int to) {
        if (!b.isEmpty()) {
            b.append(',');
        }
        b.append(from);
        if (to == from + 1) {
            b.append(',').append(to);
        } else if (to > from) {
            b.append('-').append(to);
        }
    }
}
