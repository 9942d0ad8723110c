package io.kube4j.scheduler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.kube4j.client.events.EventRecorder;
import io.kube4j.scheduler.cache.SchedulerCache;
import io.kube4j.scheduler.cache.Snapshot;
import io.kube4j.scheduler.framework.CycleState;
import io.kube4j.scheduler.framework.FitError;
import io.kube4j.scheduler.framework.Framework;
import io.kube4j.scheduler.framework.NodeInfo;
import io.kube4j.scheduler.framework.PodInfo;
import io.kube4j.scheduler.framework.Status;
import io.kube4j.scheduler.queue.QueuedPodInfo;
import io.kube4j.scheduler.queue.SchedulingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The scheduling loop (upstream's scheduleOne): one thread pops a pod, filters the nodes of a fresh snapshot,
 * scores the feasible ones, assumes the pod on the best node and hands binding to the bind plugins, which run
 * asynchronously (at most {@code maxInFlightBindings} at once) while the loop goes on with the next pod. A pod that
 * fits nowhere gets a FailedScheduling event and a PodScheduled=False condition, and goes back to the queue.
 * When the queue stays empty for a second, the loop brings the snapshot up to date, so that it does not keep pod
 * versions the cache has replaced.
 * {@link #scheduleOne} is called only from the loop's thread (or a test's); the rest is thread-safe.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    /** Pre-bind plugins block (bounded by the in-flight bindings semaphore): one virtual thread each. */
    private static final Executor PRE_BIND = r -> Thread.ofVirtual().name("scheduler-prebind").start(r);
    static final int MIN_FEASIBLE_NODES_TO_FIND = 100;
    static final int MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
    public static final String NO_NODES_AVAILABLE = "no nodes available to schedule pods";

    private final KubernetesClient client;
    private final Framework framework;
    private final SchedulingQueue queue;
    private final SchedulerCache cache;
    private final EventRecorder events;
    private final Clock clock;
    private final Random random;
    private final Semaphore bindings;
    private final Snapshot snapshot = new Snapshot();
    private int nextStartNodeIndex;
    private volatile boolean closed;
    private Thread loop;

    public Scheduler(KubernetesClient client, Framework framework, SchedulingQueue queue, SchedulerCache cache,
                     EventRecorder events, Clock clock, Random random, int maxInFlightBindings) {
        this.client = client;
        this.framework = framework;
        this.queue = queue;
        this.cache = cache;
        this.events = events;
        this.clock = clock;
        this.random = random;
        this.bindings = new Semaphore(maxInFlightBindings);
    }

    /** Starts the loop on its own thread. */
    public Scheduler start() {
        loop = Thread.ofPlatform().name("scheduler").daemon().start(this::run);
        return this;
    }

    private void run() {
        while (!closed) {
            try {
                step(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("scheduling cycle failed", e);
            }
        }
    }

    /**
     * One turn of the loop: schedules the next pod, or, when none came within {@code timeout}, brings the snapshot
     * up to date. Without that, once every pod is bound no cycle runs, and the snapshot's node copies keep each pod
     * as it was when scheduled (the assumed copy, then the bound one) while the cache and the informer hold its
     * current version: up to a whole extra Pod per pod. Updating early changes no decision, because the next cycle
     * updates the snapshot to the same state before it reads it. Called from the loop's thread (or a test's).
     */
    void step(long timeout, TimeUnit unit) throws InterruptedException {
        QueuedPodInfo q = queue.pop(timeout, unit);
        if (q != null) {
            scheduleOne(q);
        } else if (!closed) {
            cache.updateSnapshot(snapshot);
        }
    }

    /** The snapshot of the last cycle or idle turn (for tests; the loop's thread owns it). */
    Snapshot snapshot() {
        return snapshot;
    }

    /** The outcome of the algorithm for one pod: a node, or why there is none. */
    record ScheduleResult(String node, FitError fitError, String error, int evaluated, int feasible) {
    }

    /** One scheduling cycle for a popped pod. */
    public void scheduleOne(QueuedPodInfo q) throws InterruptedException {
        PodInfo pod = q.podInfo();
        long cycle = queue.schedulingCycle();
        if (pod.pod().getMetadata().getDeletionTimestamp() != null || cache.isAssumed(pod.uid())) {
            queue.done(pod.uid());
            return;
        }
        cache.updateSnapshot(snapshot);
        CycleState state = new CycleState();
        ScheduleResult r = schedulePod(state, pod);
        if (r.node() == null) {
            if (r.fitError() != null) {
                fail(q, cycle, false, PodConditions.UNSCHEDULABLE, r.fitError().message());
            } else {
                fail(q, cycle, true, PodConditions.SCHEDULER_ERROR, r.error());
            }
            return;
        }
        String node = r.node();
        cache.assumePod(pod, node);
        Status s = framework.runReserve(state, pod, node);
        if (s.isSuccess()) {
            s = framework.runPermit(state, pod, node);
        }
        if (!s.isSuccess()) {
            framework.runUnreserve(state, pod, node);
            cache.forgetPod(pod.uid());
            fail(q, cycle, !s.isRejected(), s.isRejected() ? PodConditions.UNSCHEDULABLE : PodConditions.SCHEDULER_ERROR,
                    s.message());
            return;
        }
        bindings.acquire();
        // pre-bind may block (volume binding waits for the claims' volumes): off the scheduling thread
        CompletionStage<Status> binding = !framework.hasPreBindPlugins() ? framework.runBind(state, pod, node)
                : CompletableFuture.supplyAsync(() -> framework.runPreBind(state, pod, node), PRE_BIND)
                        .thenCompose(pre -> pre.isSuccess() ? framework.runBind(state, pod, node)
                                : CompletableFuture.completedFuture(pre));
        binding.whenComplete((status, err) -> {
            bindings.release();
            if (err == null && status.isSuccess()) {
                LOG.debug("pod={} node={} bound (evaluated={} feasible={})", pod.key(), node, r.evaluated(),
                        r.feasible());
                queue.done(pod.uid());
                events.normal(pod.pod(), null, "Scheduled",
                        "Successfully assigned " + pod.key() + " to " + node);
                return;
            }
            String why = err != null ? err.toString() : status.message();
            LOG.info("pod={} node={} binding failed: {}", pod.key(), node, why);
            framework.runUnreserve(state, pod, node);
            cache.forgetPod(pod.uid());
            // the room the pod held is free again
            queue.moveAllToActiveOrBackoffQueue("AssignedPodDelete");
            fail(q, cycle, true, PodConditions.SCHEDULER_ERROR, why);
        });
    }

    /** The algorithm alone on a fresh snapshot, without assuming or binding (for tests). */
    ScheduleResult schedule(PodInfo pod) {
        cache.updateSnapshot(snapshot);
        return schedulePod(new CycleState(), pod);
    }

    /** Filters and scores the snapshot's nodes (upstream's schedulePod); no side effects beyond the state. */
    ScheduleResult schedulePod(CycleState state, PodInfo pod) {
        List<NodeInfo> nodes = snapshot.nodes();
        if (nodes.isEmpty()) {
            return new ScheduleResult(null, null, NO_NODES_AVAILABLE, 0, 0);
        }
        Map<String, Status> statuses = new HashMap<>();
        Status pre = framework.runPreFilter(state, pod);
        if (!pre.isSuccess()) {
            if (!pre.isRejected()) {
                return new ScheduleResult(null, null, pre.message(), 0, 0);
            }
            nodes.forEach(n -> statuses.put(n.name(), pre));
            Status post = framework.runPostFilter(state, pod, nodes, statuses);
            return new ScheduleResult(null, new FitError(nodes.size(), statuses, pre.message(), post.message()),
                    null, 0, 0);
        }
        int n = nodes.size();
        int toFind = numFeasibleNodesToFind(n);
        List<NodeInfo> feasible = new ArrayList<>(Math.min(toFind, n));
        int processed = 0;
        for (; processed < n && feasible.size() < toFind; processed++) {
            NodeInfo node = nodes.get((nextStartNodeIndex + processed) % n);
            Status s = framework.runFilters(state, pod, node);
            if (s.isSuccess()) {
                feasible.add(node);
            } else if (s.isRejected()) {
                statuses.put(node.name(), s);
            } else {
                return new ScheduleResult(null, null, s.message(), processed + 1, feasible.size());
            }
        }
        nextStartNodeIndex = (nextStartNodeIndex + processed) % n;
        if (feasible.isEmpty()) {
            Status post = framework.runPostFilter(state, pod, nodes, statuses);
            return new ScheduleResult(null, new FitError(n, statuses, null, post.message()), null, processed, 0);
        }
        if (feasible.size() == 1 || !framework.hasScorePlugins()) {
            return new ScheduleResult(feasible.getFirst().name(), null, null, processed, feasible.size());
        }
        long[] scores = framework.runScores(state, pod, feasible);
        return new ScheduleResult(selectHost(feasible, scores), null, null, processed, feasible.size());
    }

    /** The highest score; ties broken at random (reservoir sampling), as upstream does. */
    String selectHost(List<NodeInfo> nodes, long[] scores) {
        int best = 0;
        int ties = 1;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) {
                best = i;
                ties = 1;
            } else if (scores[i] == scores[best]) {
                ties++;
                if (random.nextInt(ties) == 0) {
                    best = i;
                }
            }
        }
        return nodes.get(best).name();
    }

    /**
     * How many feasible nodes to look for before scoring, upstream's adaptive percentage: all of a small cluster,
     * else (50 - nodes/125)% (at least 5%) but never fewer than 100.
     */
    static int numFeasibleNodesToFind(int numAllNodes) {
        if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) {
            return numAllNodes;
        }
        int percentage = Math.max(50 - numAllNodes / 125, MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
        int num = numAllNodes * percentage / 100;
        return Math.max(num, MIN_FEASIBLE_NODES_TO_FIND);
    }

    /** Requeues the pod, then reports: a FailedScheduling event and the PodScheduled=False condition. */
    private void fail(QueuedPodInfo q, long cycle, boolean error, String reason, String message) {
        PodInfo pod = q.podInfo();
        if (!queue.addUnschedulableIfNotPresent(q, cycle, error)) {
            return; // deleted meanwhile
        }
        LOG.debug("pod={} unschedulable: {}", pod.key(), message);
        events.warning(pod.pod(), null, "FailedScheduling", message);
        Pod current = q.podInfo().pod();
        if (client != null && PodConditions.needsUpdate(current, reason, message)) {
            var meta = current.getMetadata();
            String base = client.getMasterUrl().toString();
            String url = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/v1/namespaces/"
                    + meta.getNamespace() + "/pods/" + meta.getName() + "/status";
            HttpRequest req = client.getHttpClient().newHttpRequestBuilder().uri(url)
                    .method("PATCH", "application/strategic-merge-patch+json",
                            PodConditions.patch(current, reason, message, clock.instant()))
                    .build();
            client.getHttpClient().sendAsync(req, String.class).whenComplete((resp, err) -> {
                if (err != null || !resp.isSuccessful()) {
                    LOG.debug("pod={} condition not written: {}", pod.key(),
                            err != null ? err.toString() : resp.code() + " " + resp.body());
                }
            });
        }
    }

    @Override
    public void close() {
        closed = true;
        queue.close();
        if (loop != null) {
            loop.interrupt();
        }
    }
}
