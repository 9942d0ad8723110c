package io.kube4j.controllers.job;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.UncountedTerminatedPods;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.kube4j.client.events.EventRecorder;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.OwnedPodEvents;
import io.kube4j.controllers.ControllerContext;
import io.kube4j.controllers.ControllerExpectations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import static io.kube4j.controllers.job.JobStatusFunctions.*;

/**
 * Upstream's Job controller: runs a Job's pods (parallelism, completions, NonIndexed or Indexed), replaces failed
 * ones after a back-off, fails the Job past {@code backoffLimit} or {@code activeDeadlineSeconds}, suspends and
 * resumes it, and deletes it {@code ttlSecondsAfterFinished} after it finished. Finished pods are counted through
 * the {@code batch.kubernetes.io/job-tracking} finalizer: a pod's uid goes to {@code status.uncountedTerminatedPods}
 * first, then its finalizer is removed, then it moves to the counters, so deleting pods loses no count.
 */
public final class JobController extends Controller {
    private static final Logger LOG = LoggerFactory.getLogger(JobController.class);
    static final String COMPONENT = "job-controller";

    private SharedIndexInformer<Job> jobs;
    private SharedIndexInformer<Pod> pods;
    private final ControllerExpectations expectations;
    private final EventRecorder events;
    /** Consecutive failures and when the last was seen, per job key (upstream's pod back-off store). */
    private final Map<String, Backoff> backoffs = new ConcurrentHashMap<>();

    record Backoff(int failures, Instant lastFailure) {
    }

    public JobController(ControllerContext ctx) {
        super(ctx);
        this.expectations = new ControllerExpectations(ctx.clock());
        this.events = ctx.events(COMPONENT);
    }

    @Override
    public String name() {
        return "job";
    }

    @Override
    protected void register() {
        jobs = ctx.informer(Job.class);
        pods = ctx.informer(Pod.class);
        enqueueOn(jobs, Controller::key);
        pods.addEventHandler(new OwnedPodEvents(JobController::jobKey, expectations, this::enqueue));
    }

    /** The key of the Job that controls a pod, or null. */
    static String jobKey(Pod pod) {
        OwnerReference ref = controllerRef(pod.getMetadata());
        if (ref == null || !"Job".equals(ref.getKind()) || !ref.getApiVersion().startsWith("batch/")) {
            return null;
        }
        return pod.getMetadata().getNamespace() + "/" + ref.getName();
    }

    static OwnerReference controllerRef(ObjectMeta meta) {
        if (meta.getOwnerReferences() == null) {
            return null;
        }
        return meta.getOwnerReferences().stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst()
                .orElse(null);
    }

    @Override
    protected void sync(String key) {
        Job shared = jobs.getStore().getByKey(key);
        if (shared == null) {
            expectations.delete(key);
            backoffs.remove(key);
            releaseOrphans(key);
            return;
        }
        Job job = ctx.client().getKubernetesSerialization().clone(shared);
        if (job.getStatus() == null) {
            job.setStatus(new JobStatus());
        }
        if (finished(job)) {
            backoffs.remove(key);
            releaseAll(job);
            expireAfterTtl(job, key);
            return;
        }
        if (job.getSpec().getCompletionMode() != null && !"NonIndexed".equals(job.getSpec().getCompletionMode())
                && !"Indexed".equals(job.getSpec().getCompletionMode())) {
            events.warning(job, null, "UnknownCompletionMode", "Skipped Job sync because completion mode is unknown");
            return;
        }
        new JobSync(job, key).run();
    }

    /** One sync of one Job; the fields are that sync's view (upstream's syncJobCtx). */
    private final class JobSync {
        final Job job;
        final String key;
        final Instant now = ctx.clock().instant();
        final List<Pod> owned;
        final List<Pod> active = new ArrayList<>();
        final Set<String> uncountedSucceeded;
        final Set<String> uncountedFailed;
        int terminating;
        int succeeded;
        int failed;
        TreeSet<Integer> succeededIndexes;

        JobSync(Job job, String key) {
            this.job = job;
            this.key = key;
            this.owned = ownedPods(job);
            UncountedTerminatedPods u = job.getStatus().getUncountedTerminatedPods();
            uncountedSucceeded = new LinkedHashSet<>(u == null || u.getSucceeded() == null ? List.of() : u.getSucceeded());
            uncountedFailed = new LinkedHashSet<>(u == null || u.getFailed() == null ? List.of() : u.getFailed());
        }

        void run() {
            boolean satisfied = expectations.satisfied(key);
            JobStatus status = job.getStatus();
            int newSucceeded = 0;
            int newFailed = 0;
            for (Pod p : owned) {
                if (isActive(p)) {
                    active.add(p);
                } else if (isTerminating(p)) {
                    terminating++;
                }
                String uid = p.getMetadata().getUid();
                if (hasFinalizer(p) && !uncountedSucceeded.contains(uid) && !uncountedFailed.contains(uid)) {
                    if (isSucceeded(p)) {
                        newSucceeded++;
                    } else if (isFailed(p, job)) {
                        newFailed++;
                    }
                }
            }
            int ready = (int) active.stream().filter(JobStatusFunctions::isReady).count();
            succeeded = n(status.getSucceeded()) + newSucceeded + uncountedSucceeded.size();
            failed = n(status.getFailed()) + newFailed + uncountedFailed.size();
            if (status.getStartTime() == null && !suspended(job)) {
                status.setStartTime(timestamp(now));
            }
            recordBackoff(newSucceeded, newFailed);
            if (indexed(job)) {
                succeededIndexes = succeededIndexes();
                succeeded = succeededIndexes.size();
            }

            JobCondition finishing = null;
            if (hasTrue(job, SUCCESS_CRITERIA_MET)) {
                finishing = condition(job, SUCCESS_CRITERIA_MET).orElseThrow();
            } else if (hasTrue(job, FAILURE_TARGET)) {
                finishing = condition(job, FAILURE_TARGET).orElseThrow();
            } else if (failed > backoffLimit(job) || pastBackoffLimitOnFailure(job, owned)) {
                finishing = newCondition(FAILURE_TARGET, "True", "BackoffLimitExceeded",
                        "Job has reached the specified backoff limit", now);
            } else if (pastActiveDeadline(job, now)) {
                finishing = newCondition(FAILURE_TARGET, "True", "DeadlineExceeded",
                        "Job was active longer than specified deadline", now);
            } else if (job.getSpec().getActiveDeadlineSeconds() != null && !suspended(job)) {
                Instant deadline = startTime(job).plusSeconds(job.getSpec().getActiveDeadlineSeconds());
                queue.addAfter(key, Duration.between(now, deadline));
            }

            boolean suspendChanged = false;
            int activeCount = active.size();
            int readyCount = ready;
            if (finishing != null && FAILURE_TARGET.equals(finishing.getType())) {
                int deleted = deletePods(active);
                readyCount -= (int) active.stream().filter(JobStatusFunctions::isReady).count();
                activeCount -= deleted;
                terminating += deleted;
                if (deleted != active.size() || !satisfied) {
                    finishing = null;
                }
            } else if (finishing == null) {
                if (satisfied && job.getMetadata().getDeletionTimestamp() == null) {
                    activeCount = manage();
                    if (complete(job, succeeded, activeCount)) {
                        finishing = newCondition(SUCCESS_CRITERIA_MET, "True", "CompletionsReached",
                                "Reached expected number of succeeded pods", now);
                    } else if (suspended(job)) {
                        if (ensureCondition(job, SUSPENDED, "True", "JobSuspended", "Job suspended", now)) {
                            suspendChanged = true;
                            events.normal(job, null, "Suspended", "Job suspended");
                        }
                    } else if (ensureCondition(job, SUSPENDED, "False", "JobResumed", "Job resumed", now)) {
                        suspendChanged = true;
                        events.normal(job, null, "Resumed", "Job resumed");
                        // the deadline counts from the resume
                        status.setStartTime(timestamp(now));
                    }
                } else if (complete(job, succeeded, activeCount)) {
                    finishing = newCondition(SUCCESS_CRITERIA_MET, "True", "CompletionsReached",
                            "Reached expected number of succeeded pods", now);
                }
            }

            boolean needsFlush = suspendChanged || activeCount != n(status.getActive())
                    || !Objects.equals(readyCount, status.getReady()) || !Objects.equals(terminating, status.getTerminating());
            // active, succeeded and failed are omitted when zero, as upstream's omitempty; ready and terminating not
            status.setActive(activeCount == 0 ? null : activeCount);
            status.setReady(readyCount);
            status.setTerminating(terminating);
            track(finishing, needsFlush);
        }

        /** Creates or deletes pods towards the wanted number of active pods; returns the active count after. */
        int manage() {
            int want = wantActive(job, succeeded);
            if (active.size() > want) {
                List<Pod> victims = new ArrayList<>(active);
                // not ready before ready, newest first, as upstream's ActivePods ordering
                victims.sort((a, b) -> {
                    int c = Boolean.compare(isReady(a), isReady(b));
                    return c != 0 ? c : String.valueOf(b.getMetadata().getCreationTimestamp())
                            .compareTo(String.valueOf(a.getMetadata().getCreationTimestamp()));
                });
                List<Pod> excess = victims.subList(0, active.size() - want);
                expectations.expect(key, 0, excess.size());
                int deleted = deletePods(excess);
                return active.size() - deleted;
            }
            if (active.size() < want) {
                Backoff b = backoffs.get(key);
                if (b != null && b.failures > 0) {
                    Duration wait = Duration.between(now, b.lastFailure.plus(backoff(b.failures)));
                    if (!wait.isNegative() && !wait.isZero()) {
                        queue.addAfter(key, wait);
                        return active.size();
                    }
                }
                List<Integer> indexes = indexed(job) ? pendingIndexes(want - active.size()) : null;
                int diff = indexes == null ? want - active.size() : indexes.size();
                expectations.expect(key, diff, 0);
                int created = 0;
                for (int i = 0; i < diff; i++) {
                    try {
                        Pod pod = ctx.client().pods().inNamespace(job.getMetadata().getNamespace())
                                .resource(newPod(job, indexes == null ? -1 : indexes.get(i))).create();
                        events.normal(job, null, "SuccessfulCreate", "Created pod: " + pod.getMetadata().getName());
                        created++;
                    } catch (KubernetesClientException e) {
                        expectations.creationObserved(key);
                        events.warning(job, null, "FailedCreate", "Error creating: " + e.getMessage());
                        LOG.warn("job={} pod create failed: {}", key, e.getMessage());
                        if (e.getCode() == 403 || e.getCode() == 409 || e.getCode() == 422) {
                            // a quota or admission refusal: stop this round, try again later
                            for (int j = i + 1; j < diff; j++) {
                                expectations.creationObserved(key);
                            }
                            break;
                        }
                    }
                }
                return active.size() + created;
            }
            return active.size();
        }

        /** Indexes neither succeeded nor running, lowest first, at most {@code n}. */
        List<Integer> pendingIndexes(int n) {
            Set<Integer> running = new HashSet<>();
            for (Pod p : active) {
                running.add(completionIndex(p));
            }
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < job.getSpec().getCompletions() && out.size() < n; i++) {
                if (!succeededIndexes.contains(i) && !running.contains(i)) {
                    out.add(i);
                }
            }
            return out;
        }

        TreeSet<Integer> succeededIndexes() {
            int completions = job.getSpec().getCompletions();
            TreeSet<Integer> s = parseIndexes(job.getStatus().getCompletedIndexes(), completions);
            for (Pod p : owned) {
                int ix = completionIndex(p);
                if (isSucceeded(p) && ix >= 0 && ix < completions) {
                    s.add(ix);
                }
            }
            return s;
        }

        void recordBackoff(int newSucceeded, int newFailed) {
            if (newSucceeded > 0) {
                backoffs.remove(key);
            }
            if (newFailed > 0) {
                backoffs.merge(key, new Backoff(newFailed, now),
                        (a, b) -> new Backoff(a.failures + b.failures, b.lastFailure));
            }
        }

        /**
         * Upstream's trackJobStatusAndRemoveFinalizers: records finished pods in uncountedTerminatedPods, removes
         * their finalizers, moves them to the counters, and sets the final condition once nothing is left uncounted
         * or terminating.
         */
        void track(JobCondition finishing, boolean needsFlush) {
            JobStatus status = job.getStatus();
            Set<String> withFinalizer = new HashSet<>();
            for (Pod p : owned) {
                if (hasFinalizer(p)) {
                    withFinalizer.add(p.getMetadata().getUid());
                }
            }
            needsFlush |= countReleased(withFinalizer);
            boolean failing = finishing != null && FAILURE_TARGET.equals(finishing.getType());
            List<Pod> release = new ArrayList<>();
            for (Pod p : owned) {
                if (!hasFinalizer(p)) {
                    continue;
                }
                boolean podFailed = isFailed(p, job);
                if (job.getMetadata().getDeletionTimestamp() == null && finishing == null && !isSucceeded(p) && !podFailed) {
                    continue;
                }
                release.add(p);
                String uid = p.getMetadata().getUid();
                if (isSucceeded(p) && !uncountedFailed.contains(uid)) {
                    if (!indexed(job) && uncountedSucceeded.add(uid)) {
                        needsFlush = true;
                    }
                } else if ((podFailed || failing) && uncountedFailed.add(uid)) {
                    needsFlush = true;
                }
            }
            if (indexed(job)) {
                String text = formatIndexes(succeededIndexes);
                if (!text.equals(status.getCompletedIndexes())) {
                    needsFlush = true;
                }
                status.setCompletedIndexes(text);
                status.setSucceeded(succeededIndexes.isEmpty() ? null : succeededIndexes.size());
            }
            JobCondition finalCondition = null;
            if (finishing != null) {
                if (condition(job, finishing.getType()).isEmpty()) {
                    List<JobCondition> list = status.getConditions() == null ? new ArrayList<>()
                            : new ArrayList<>(status.getConditions());
                    list.add(finishing);
                    status.setConditions(list);
                    needsFlush = true;
                }
                finalCondition = newCondition(failing ? FAILED : COMPLETE, "True", finishing.getReason(),
                        finishing.getMessage(), now);
            }
            writeUncounted();
            Job current = job;
            if (needsFlush) {
                current = updateStatus(current);
                needsFlush = false;
            }
            for (Pod p : release) {
                if (removeFinalizer(p)) {
                    withFinalizer.remove(p.getMetadata().getUid());
                }
            }
            copyCounts(current);
            needsFlush = countReleased(withFinalizer);
            boolean done = false;
            if (finalCondition != null && uncountedSucceeded.isEmpty() && uncountedFailed.isEmpty() && terminating == 0) {
                ensureCondition(job, finalCondition.getType(), "True", finalCondition.getReason(),
                        finalCondition.getMessage(), now);
                if (COMPLETE.equals(finalCondition.getType())) {
                    status.setCompletionTime(timestamp(now));
                }
                done = true;
                needsFlush = true;
            }
            if (needsFlush) {
                writeUncounted();
                job.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
                updateStatus(job);
            }
            if (done) {
                if (COMPLETE.equals(finalCondition.getType())) {
                    events.normal(job, null, "Completed", "Job completed");
                } else {
                    events.warning(job, null, finalCondition.getReason(), finalCondition.getMessage());
                }
                LOG.info("job={} finished condition={} reason={}", key, finalCondition.getType(), finalCondition.getReason());
                expireAfterTtl(job, key);
            }
        }

        /** Moves uncounted uids whose pod no longer holds the finalizer (or is gone) to the counters. */
        boolean countReleased(Set<String> withFinalizer) {
            JobStatus status = job.getStatus();
            int s = 0;
            for (var it = uncountedSucceeded.iterator(); it.hasNext(); ) {
                if (!withFinalizer.contains(it.next())) {
                    it.remove();
                    s++;
                }
            }
            int f = 0;
            for (var it = uncountedFailed.iterator(); it.hasNext(); ) {
                if (!withFinalizer.contains(it.next())) {
                    it.remove();
                    f++;
                }
            }
            if (s > 0 && !indexed(job)) {
                status.setSucceeded(n(status.getSucceeded()) + s);
            }
            if (f > 0) {
                status.setFailed(n(status.getFailed()) + f);
            }
            return s > 0 || f > 0;
        }

        void copyCounts(Job saved) {
            job.getMetadata().setResourceVersion(saved.getMetadata().getResourceVersion());
        }

        void writeUncounted() {
            UncountedTerminatedPods u = new UncountedTerminatedPods();
            u.setSucceeded(new ArrayList<>(uncountedSucceeded));
            u.setFailed(new ArrayList<>(uncountedFailed));
            job.getStatus().setUncountedTerminatedPods(u);
        }

        Job updateStatus(Job j) {
            Job saved = ctx.client().batch().v1().jobs().inNamespace(j.getMetadata().getNamespace()).resource(j)
                    .updateStatus();
            j.getMetadata().setResourceVersion(saved.getMetadata().getResourceVersion());
            return saved;
        }
    }

    private static int n(Integer i) {
        return i == null ? 0 : i;
    }

    List<Pod> ownedPods(Job job) {
        List<Pod> out = new ArrayList<>();
        for (Pod p : pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, job.getMetadata().getNamespace())) {
            OwnerReference ref = controllerRef(p.getMetadata());
            if (ref != null && job.getMetadata().getUid().equals(ref.getUid())) {
                out.add(p);
            }
        }
        return out;
    }

    /** The pod for a Job (and an index, or -1): the template, its labels, an owner reference and the finalizer. */
    static Pod newPod(Job job, int index) {
        Pod pod = new Pod();
        ObjectMeta meta = new ObjectMeta();
        var template = job.getSpec().getTemplate();
        ObjectMeta tm = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        meta.setGenerateName(job.getMetadata().getName() + "-" + (index >= 0 ? index + "-" : ""));
        meta.setNamespace(job.getMetadata().getNamespace());
        Map<String, String> labels = new HashMap<>(tm.getLabels() == null ? Map.of() : tm.getLabels());
        Map<String, String> annotations = new HashMap<>(tm.getAnnotations() == null ? Map.of() : tm.getAnnotations());
        if (index >= 0) {
            annotations.put(COMPLETION_INDEX, Integer.toString(index));
            labels.put(COMPLETION_INDEX, Integer.toString(index));
        }
        meta.setLabels(labels);
        meta.setAnnotations(annotations);
        meta.setFinalizers(new ArrayList<>(List.of(TRACKING_FINALIZER)));
        meta.setOwnerReferences(List.of(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
                .withName(job.getMetadata().getName()).withUid(job.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build()));
        pod.setMetadata(meta);
        PodSpec spec = new io.fabric8.kubernetes.api.model.PodSpecBuilder(template.getSpec()).build();
        if (index >= 0) {
            if (spec.getHostname() == null) {
                spec.setHostname(job.getMetadata().getName() + "-" + index);
            }
            EnvVar env = new EnvVarBuilder().withName("JOB_COMPLETION_INDEX").withNewValueFrom().withNewFieldRef()
                    .withFieldPath("metadata.labels['" + COMPLETION_INDEX + "']").endFieldRef().endValueFrom().build();
            spec.getContainers().forEach(c -> c.setEnv(withEnv(c.getEnv(), env)));
            if (spec.getInitContainers() != null) {
                spec.getInitContainers().forEach(c -> c.setEnv(withEnv(c.getEnv(), env)));
            }
        }
        pod.setSpec(spec);
        return pod;
    }

    private static List<EnvVar> withEnv(List<EnvVar> env, EnvVar add) {
        List<EnvVar> out = new ArrayList<>(env == null ? List.of() : env);
        if (out.stream().noneMatch(e -> add.getName().equals(e.getName()))) {
            out.add(add);
        }
        return out;
    }

    /** Deletes pods (the finalizer stays until they are counted); returns how many deletes succeeded. */
    private int deletePods(List<Pod> victims) {
        int deleted = 0;
        for (Pod p : victims) {
            try {
                ctx.client().pods().inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName())
                        .delete();
                deleted++;
                String key = jobKey(p);
                Job job = key == null ? null : jobs.getStore().getByKey(key);
                if (job != null) {
                    events.normal(job, null, "SuccessfulDelete", "Deleted pod: " + p.getMetadata().getName());
                }
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    deleted++;
                } else {
                    LOG.warn("pod={}/{} delete failed: {}", p.getMetadata().getNamespace(), p.getMetadata().getName(),
                            e.getMessage());
                }
            }
        }
        return deleted;
    }

    private boolean removeFinalizer(Pod p) {
        try {
            ctx.client().pods().inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName())
                    .patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
                            "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"" + TRACKING_FINALIZER + "\"]}}");
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return true;
            }
            LOG.warn("pod={}/{} finalizer removal failed: {}", p.getMetadata().getNamespace(),
                    p.getMetadata().getName(), e.getMessage());
            return false;
        }
    }

    /** A finished Job holds no finalizers on its pods (e.g. pods that finished after it did). */
    private void releaseAll(Job job) {
        for (Pod p : ownedPods(job)) {
            if (hasFinalizer(p)) {
                removeFinalizer(p);
            }
        }
    }

    /** The Job is gone: its pods must not keep the tracking finalizer, or they could never be deleted. */
    private void releaseOrphans(String key) {
        int slash = key.indexOf('/');
        String ns = key.substring(0, slash);
        String name = key.substring(slash + 1);
        for (Pod p : pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, ns)) {
            OwnerReference ref = controllerRef(p.getMetadata());
            if (hasFinalizer(p) && ref != null && "Job".equals(ref.getKind()) && name.equals(ref.getName())) {
                removeFinalizer(p);
            }
        }
    }

    /** Deletes a finished Job once {@code ttlSecondsAfterFinished} passed, or queues it for then. */
    private void expireAfterTtl(Job job, String key) {
        Integer ttl = job.getSpec().getTtlSecondsAfterFinished();
        if (ttl == null || job.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        Instant finishedAt = finishTime(job).orElse(null);
        if (finishedAt == null) {
            return;
        }
        Duration left = Duration.between(ctx.clock().instant(), finishedAt.plusSeconds(ttl));
        if (left.isPositive()) {
            queue.addAfter(key, left);
            return;
        }
        try {
            // background: the garbage collector removes the pods; a foreground delete would wait on it
            ctx.client().batch().v1().jobs().inNamespace(job.getMetadata().getNamespace())
                    .withName(job.getMetadata().getName()).withPropagationPolicy(DeletionPropagation.BACKGROUND)
                    .delete();
            LOG.info("job={} deleted {}s after it finished (ttlSecondsAfterFinished)", key, ttl);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }
}
