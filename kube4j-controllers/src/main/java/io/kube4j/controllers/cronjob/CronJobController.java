package io.kube4j.controllers.cronjob;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.kube4j.apimachinery.cron.CronSchedule;
import io.kube4j.apimachinery.cron.CronSyntaxException;
import io.kube4j.client.events.EventRecorder;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.ControllerContext;
import io.kube4j.controllers.job.JobStatusFunctions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Upstream's CronJob controller (v2): at each fire time of the schedule (in {@code spec.timeZone}, else UTC) creates
 * the Job {@code <name>-<minutes since epoch>} from the job template, honours {@code concurrencyPolicy},
 * {@code startingDeadlineSeconds} and {@code suspend}, keeps {@code status.active}, {@code lastScheduleTime} and
 * {@code lastSuccessfulTime}, deletes finished Jobs beyond the history limits, and requeues itself for the next fire
 * time. Time comes from the context's clock.
 */
public final class CronJobController extends Controller {
    private static final Logger LOG = LoggerFactory.getLogger(CronJobController.class);
    static final String COMPONENT = "cronjob-controller";
    public static final String SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp";
    /** Go's time.RFC1123Z, used in the MissSchedule event. */
    private static final DateTimeFormatter RFC1123Z = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss xx",
            java.util.Locale.ROOT);

    private SharedIndexInformer<CronJob> cronJobs;
    private SharedIndexInformer<Job> jobs;
    private final EventRecorder events;

    public CronJobController(ControllerContext ctx) {
        super(ctx);
        this.events = ctx.events(COMPONENT);
    }

    @Override
    public String name() {
        return "cronjob";
    }

    @Override
    protected void register() {
        cronJobs = ctx.informer(CronJob.class);
        jobs = ctx.informer(Job.class);
        enqueueOn(cronJobs, Controller::key);
        jobs.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Job job) {
                enqueue(cronJobKey(job));
            }

            @Override
            public void onUpdate(Job oldJob, Job job) {
                enqueue(cronJobKey(job));
            }

            @Override
            public void onDelete(Job job, boolean unknownFinalState) {
                enqueue(cronJobKey(job));
            }
        });
    }

    static String cronJobKey(Job job) {
        OwnerReference ref = controllerRef(job.getMetadata());
        return ref != null && "CronJob".equals(ref.getKind()) ? job.getMetadata().getNamespace() + "/" + ref.getName()
                : null;
    }

    private static OwnerReference controllerRef(ObjectMeta meta) {
        return meta.getOwnerReferences() == null ? null : meta.getOwnerReferences().stream()
                .filter(r -> Boolean.TRUE.equals(r.getController())).findFirst().orElse(null);
    }

    @Override
    protected void sync(String key) {
        CronJob shared = cronJobs.getStore().getByKey(key);
        if (shared == null) {
            return;
        }
        syncCronJob(ctx.client().getKubernetesSerialization().clone(shared))
                .ifPresent(d -> queue.addAfter(key, d));
    }

    /** One sync; returns when to look again (the next fire time), if ever. Package-private for tests. */
    Optional<Duration> syncCronJob(CronJob cj) {
        Instant now = ctx.clock().instant();
        if (cj.getStatus() == null) {
            cj.setStatus(new CronJobStatus());
        }
        CronJobStatus status = cj.getStatus();
        List<Job> owned = ownedJobs(cj);
        boolean changed = reconcileActive(cj, owned);
        Outcome outcome = schedule(cj, now);
        boolean cleaned = cj.getMetadata().getDeletionTimestamp() == null && cleanupFinished(cj, owned);
        if (changed || cleaned || outcome.statusChanged()) {
            ctx.client().batch().v1().cronjobs().inNamespace(cj.getMetadata().getNamespace()).resource(cj)
                    .updateStatus();
        }
        return outcome.requeue();
    }

    /** What scheduling did: when to look again, and whether it changed the status (created or replaced Jobs). */
    private record Outcome(Optional<Duration> requeue, boolean statusChanged) {
        static Outcome after(Optional<Duration> requeue) {
            return new Outcome(requeue, false);
        }
    }

    /** Updates status.active from the owned Jobs; returns whether the status changed. */
    private boolean reconcileActive(CronJob cj, List<Job> owned) {
        CronJobStatus status = cj.getStatus();
        List<ObjectReference> active = new ArrayList<>(status.getActive() == null ? List.of() : status.getActive());
        boolean changed = false;
        Set<String> children = new HashSet<>();
        for (Job j : owned) {
            String uid = j.getMetadata().getUid();
            children.add(uid);
            boolean found = active.stream().anyMatch(r -> uid.equals(r.getUid()));
            boolean finished = JobStatusFunctions.finished(j);
            if (!found && !finished) {
                events.warning(cj, null, "UnexpectedJob", "Saw a job that the controller did not create or forgot: "
                        + j.getMetadata().getName());
            } else if (found && finished) {
                String condition = JobStatusFunctions.hasTrue(j, JobStatusFunctions.COMPLETE) ? "Complete" : "Failed";
                active.removeIf(r -> uid.equals(r.getUid()));
                events.normal(cj, null, "SawCompletedJob", "Saw completed job: " + j.getMetadata().getName()
                        + ", condition: " + condition);
                changed = true;
            } else if (finished) {
                String completion = j.getStatus().getCompletionTime();
                if (completion != null && (status.getLastSuccessfulTime() == null
                        || Instant.parse(completion).isAfter(Instant.parse(status.getLastSuccessfulTime())))) {
                    status.setLastSuccessfulTime(completion);
                    changed = true;
                }
            }
        }
        for (ObjectReference r : List.copyOf(active)) {
            if (children.contains(r.getUid())) {
                continue;
            }
            Job live = null;
            try {
                live = ctx.client().batch().v1().jobs().inNamespace(r.getNamespace()).withName(r.getName()).get();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
            if (live == null) {
                events.normal(cj, null, "MissingJob", "Active job went missing: " + r.getName());
                active.remove(r);
                changed = true;
            }
        }
        status.setActive(active);
        return changed;
    }

    private Outcome schedule(CronJob cj, Instant now) {
        if (cj.getMetadata().getDeletionTimestamp() != null) {
            return Outcome.after(Optional.empty());
        }
        String tz = cj.getSpec().getTimeZone();
        if (tz != null && CronSchedule.loadZone(tz).isEmpty()) {
            events.warning(cj, null, "UnknownTimeZone", "invalid timeZone: \"" + tz + "\": unknown time zone " + tz);
            return Outcome.after(Optional.empty());
        }
        if (Boolean.TRUE.equals(cj.getSpec().getSuspend())) {
            return Outcome.after(Optional.empty());
        }
        String spec = cj.getSpec().getSchedule();
        if (spec.contains("TZ")) {
            events.warning(cj, null, "UnsupportedSchedule", "CRON_TZ or TZ used in schedule \"" + spec
                    + "\" is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details");
        }
        CronSchedule sched;
        try {
            sched = CronSchedule.parse(tz == null ? spec : "TZ=" + tz + " " + spec);
        } catch (CronSyntaxException e) {
            events.warning(cj, null, "UnparseableSchedule", "unparseable schedule: \"" + spec + "\" : " + e.getMessage());
            return Outcome.after(Optional.empty());
        }
        ZoneId zone = CronJobSchedule.zone(cj);
        CronJobSchedule.Recent recent;
        try {
            recent = CronJobSchedule.mostRecent(cj, now, sched, zone, true);
        } catch (IllegalArgumentException e) {
            events.warning(cj, null, "InvalidSchedule", "invalid schedule: " + spec + " : " + e.getMessage());
            return Outcome.after(Optional.empty());
        }
        if (recent.mostRecent().isEmpty() || recent.mostRecent().get().isAfter(now)) {
            return Outcome.after(CronJobSchedule.untilNext(cj, now, sched, zone));
        }
        if (recent.tooManyMissed()) {
            events.warning(cj, null, "TooManyMissedTimes", "too many missed start times. Set or decrease "
                    + ".spec.startingDeadlineSeconds or check clock skew");
        }
        Instant scheduled = recent.mostRecent().get();
        Long deadline = cj.getSpec().getStartingDeadlineSeconds();
        if (deadline != null && scheduled.plusSeconds(deadline).isBefore(now)) {
            events.warning(cj, null, "MissSchedule", "Missed scheduled time to start a job: "
                    + RFC1123Z.format(scheduled.atZone(java.time.ZoneOffset.UTC)));
            return Outcome.after(CronJobSchedule.untilNext(cj, now, sched, zone));
        }
        String jobName = CronJobSchedule.jobName(cj, scheduled);
        List<ObjectReference> active = cj.getStatus().getActive();
        String last = cj.getStatus().getLastScheduleTime();
        if (active.stream().anyMatch(r -> jobName.equals(r.getName()))
                || (last != null && Instant.parse(last).equals(scheduled))) {
            return Outcome.after(CronJobSchedule.untilNext(cj, now, sched, zone));
        }
        String policy = cj.getSpec().getConcurrencyPolicy();
        if ("Forbid".equals(policy) && !active.isEmpty()) {
            events.normal(cj, null, "JobAlreadyActive",
                    "Not starting job because prior execution is running and concurrency policy is Forbid");
            return Outcome.after(CronJobSchedule.untilNext(cj, now, sched, zone));
        }
        boolean replaced = false;
        if ("Replace".equals(policy)) {
            for (ObjectReference r : List.copyOf(active)) {
                replaced |= deleteJob(cj, r.getName());
            }
        }
        Job created;
        try {
            created = ctx.client().batch().v1().jobs().inNamespace(cj.getMetadata().getNamespace())
                    .resource(jobFor(cj, scheduled, zone)).create();
            events.normal(cj, null, "SuccessfulCreate", "Created job " + created.getMetadata().getName());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                events.warning(cj, null, "FailedCreate", "Error creating job: " + e.getMessage());
                throw e;
            }
            created = ctx.client().batch().v1().jobs().inNamespace(cj.getMetadata().getNamespace())
                    .withName(jobName).get();
            OwnerReference ref = created == null ? null : controllerRef(created.getMetadata());
            String uid = created == null ? null : created.getMetadata().getUid();
            if (ref == null || !cj.getMetadata().getUid().equals(ref.getUid())
                    || active.stream().anyMatch(r -> uid.equals(r.getUid()))) {
                return new Outcome(Optional.empty(), replaced);
            }
        }
        LOG.info("cronjob={}/{} job={} scheduled={}", cj.getMetadata().getNamespace(), cj.getMetadata().getName(),
                created.getMetadata().getName(), scheduled);
        List<ObjectReference> next = new ArrayList<>(cj.getStatus().getActive());
        next.add(new ObjectReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
                .withName(created.getMetadata().getName()).withNamespace(created.getMetadata().getNamespace())
                .withUid(created.getMetadata().getUid()).withResourceVersion(created.getMetadata().getResourceVersion())
                .build());
        cj.getStatus().setActive(next);
        cj.getStatus().setLastScheduleTime(JobStatusFunctions.timestamp(scheduled));
        return new Outcome(CronJobSchedule.untilNext(cj, now, sched, zone), true);
    }

    /** The Job for one fire time: the template's labels, annotations and spec, owned by the CronJob. */
    static Job jobFor(CronJob cj, Instant scheduled, ZoneId zone) {
        var template = cj.getSpec().getJobTemplate();
        ObjectMeta tm = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        ObjectMeta meta = new ObjectMeta();
        meta.setName(CronJobSchedule.jobName(cj, scheduled));
        meta.setNamespace(cj.getMetadata().getNamespace());
        meta.setLabels(new HashMap<>(tm.getLabels() == null ? Map.of() : tm.getLabels()));
        Map<String, String> annotations = new HashMap<>(tm.getAnnotations() == null ? Map.of() : tm.getAnnotations());
        annotations.put(SCHEDULED_TIMESTAMP, DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                ZonedDateTime.ofInstant(scheduled, zone)).replace("+00:00", "Z"));
        meta.setAnnotations(annotations);
        meta.setOwnerReferences(List.of(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("CronJob")
                .withName(cj.getMetadata().getName()).withUid(cj.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build()));
        Job job = new Job();
        job.setMetadata(meta);
        job.setSpec(new io.fabric8.kubernetes.api.model.batch.v1.JobSpecBuilder(template.getSpec()).build());
        return job;
    }

    private List<Job> ownedJobs(CronJob cj) {
        List<Job> out = new ArrayList<>();
        for (Job j : jobs.getIndexer().byIndex(Cache.NAMESPACE_INDEX, cj.getMetadata().getNamespace())) {
            OwnerReference ref = controllerRef(j.getMetadata());
            if (ref != null && cj.getMetadata().getUid().equals(ref.getUid())) {
                out.add(j);
            }
        }
        return out;
    }

    /** Deletes the oldest finished Jobs beyond the history limits; returns whether status.active changed. */
    private boolean cleanupFinished(CronJob cj, List<Job> owned) {
        Integer okLimit = cj.getSpec().getSuccessfulJobsHistoryLimit();
        Integer failLimit = cj.getSpec().getFailedJobsHistoryLimit();
        if (okLimit == null && failLimit == null) {
            return false;
        }
        List<Job> ok = new ArrayList<>();
        List<Job> failed = new ArrayList<>();
        for (Job j : owned) {
            if (j.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            if (JobStatusFunctions.hasTrue(j, JobStatusFunctions.COMPLETE)) {
                ok.add(j);
            } else if (JobStatusFunctions.hasTrue(j, JobStatusFunctions.FAILED)) {
                failed.add(j);
            }
        }
        boolean changed = false;
        if (okLimit != null) {
            changed |= removeOldest(cj, ok, okLimit);
        }
        if (failLimit != null) {
            changed |= removeOldest(cj, failed, failLimit);
        }
        return changed;
    }

    private boolean removeOldest(CronJob cj, List<Job> finished, int limit) {
        if (finished.size() <= limit) {
            return false;
        }
        // oldest start first; a Job that never started counts as oldest
        finished.sort(Comparator.comparing(j -> j.getStatus() == null || j.getStatus().getStartTime() == null
                ? Instant.MIN : Instant.parse(j.getStatus().getStartTime())));
        boolean changed = false;
        for (Job j : finished.subList(0, finished.size() - limit)) {
            changed |= deleteJob(cj, j.getMetadata().getName());
        }
        return changed;
    }

    /** Deletes a Job and its pods (background), drops it from status.active; returns whether active changed. */
    private boolean deleteJob(CronJob cj, String name) {
        try {
            ctx.client().batch().v1().jobs().inNamespace(cj.getMetadata().getNamespace()).withName(name)
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                events.warning(cj, null, "FailedDelete", "Deleted job: " + e.getMessage());
                throw e;
            }
        }
        events.normal(cj, null, "SuccessfulDelete", "Deleted job " + name);
        List<ObjectReference> active = cj.getStatus().getActive();
        return active != null && active.removeIf(r -> name.equals(r.getName()));
    }
}
