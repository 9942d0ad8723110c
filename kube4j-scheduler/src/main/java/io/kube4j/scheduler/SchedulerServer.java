package io.kube4j.scheduler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kube4j.client.events.EventRecorder;
import io.kube4j.client.informers.SharedInformerPool;
import io.kube4j.client.leaderelection.LeaderElection;
import io.kube4j.scheduler.cache.SchedulerCache;
import io.kube4j.scheduler.framework.Framework;
import io.kube4j.scheduler.framework.PodInfo;
import io.kube4j.scheduler.framework.Profile;
import io.kube4j.scheduler.framework.plugins.Registry;
import io.kube4j.scheduler.framework.plugins.volumebinding.CachedVolumeObjects;
import io.kube4j.scheduler.framework.plugins.volumebinding.VolumeBinding;
import io.kube4j.scheduler.queue.SchedulingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * kube-scheduler as a component (upstream's cmd/kube-scheduler): while it holds the Lease
 * {@code kube-system/kube-scheduler} (or at once without leader election) it feeds the {@link SchedulingQueue}
 * (pending pods of {@code default-scheduler}) and the {@link SchedulerCache} (nodes and bound pods) from pod and node
 * informers, and runs the {@link Scheduler} loop and the queue's periodic flushes. The informers come from a
 * {@link SharedInformerPool}: in {@code kube4j server} the controller manager's pool, so both hold one copy of each
 * pod and node; standalone, a pool of its own. Each term adds its handlers to the pooled informers, which replay
 * their objects to them, so a term starts from complete caches; at its end it closes its views (the handlers go, the
 * informers stay while another user holds them). Thread-safe; {@link #close} is idempotent.
 */
public final class SchedulerServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerServer.class);

    private final KubernetesClient client;
    private final SchedulerOptions options;
    private final SharedInformerPool informers;
    private final boolean ownsInformers;
    private LeaderElection election;
    private Term term;

    /** What runs during one leadership term. */
    private record Term(SharedIndexInformer<Pod> pods, SharedIndexInformer<Node> nodes, SchedulingQueue queue,
                        Scheduler scheduler, EventRecorder events, ScheduledExecutorService ticker,
                        List<SharedIndexInformer<?>> volumeInformers) {
        void close() {
            ticker.shutdownNow();
            scheduler.close();
            pods.close();
            nodes.close();
            volumeInformers.forEach(SharedIndexInformer::close);
            events.close();
        }
    }

    /** A scheduler with a pool of informers of its own on {@code client}. */
    public SchedulerServer(KubernetesClient client, SchedulerOptions options) {
        this(client, options, new SharedInformerPool(client), true);
    }

    /**
     * A scheduler that takes its informers from {@code informers}, shared with other components; the pool's owner
     * closes it after this scheduler.
     */
    public SchedulerServer(KubernetesClient client, SchedulerOptions options, SharedInformerPool informers) {
        this(client, options, informers, false);
    }

    private SchedulerServer(KubernetesClient client, SchedulerOptions options, SharedInformerPool informers,
                            boolean ownsInformers) {
        this.client = client;
        this.options = options;
        this.informers = informers;
        this.ownsInformers = ownsInformers;
    }

    public SchedulerServer start() {
        election = LeaderElection.start(client, SchedulerOptions.LEASE_NAME, options.election(), this::run, this::stop);
        return this;
    }

    /** True while the scheduling loop runs (this process leads, or election is off). */
    public synchronized boolean isRunning() {
        return term != null;
    }

    private synchronized void run() {
        if (term != null) {
            return;
        }
        // volume binding reads claims, volumes and classes from the pooled informers
        SharedIndexInformer<PersistentVolumeClaim> claims = informers.acquire(PersistentVolumeClaim.class);
        SharedIndexInformer<PersistentVolume> volumes = informers.acquire(PersistentVolume.class);
        SharedIndexInformer<StorageClass> classes = informers.acquire(StorageClass.class);
        CachedVolumeObjects volumeObjects = new CachedVolumeObjects(client, claims, volumes, classes);
        var registry = Registry.inTree();
        registry.put(VolumeBinding.NAME, h -> new VolumeBinding(volumeObjects, Duration.ofMinutes(10),
                Duration.ofMillis(200)));
        Framework framework = new Framework(registry, Profile.defaults(), client);
        SchedulingQueue queue = new SchedulingQueue(options.clock(), framework::less);
        volumeObjects.requeueOnChange(queue::moveAllToActiveOrBackoffQueue);
        SchedulerCache cache = new SchedulerCache();
        EventRecorder events = new EventRecorder(client, framework.profile().schedulerName(), options.host(),
                options.clock());
        Scheduler scheduler = new Scheduler(client, framework, queue, cache, events, options.clock(),
                new Random(options.seed()), options.maxInFlightBindings());
        SharedIndexInformer<Node> nodes = informers.acquire(Node.class);
        SharedIndexInformer<Pod> pods = informers.acquire(Pod.class);
        String schedulerName = framework.profile().schedulerName();
        nodes.addEventHandler(new NodeEvents(cache, queue));
        pods.addEventHandler(new PodEvents(cache, queue, schedulerName));
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("scheduler-queue-flush").daemon().factory());
        ticker.scheduleWithFixedDelay(queue::flushBackoffQCompleted, 1, 1, TimeUnit.SECONDS);
        ticker.scheduleWithFixedDelay(queue::flushUnschedulablePodsLeftover, 30, 30, TimeUnit.SECONDS);
        List<SharedIndexInformer<?>> volumeInformers = List.of(claims, volumes, classes);
        term = new Term(pods, nodes, queue, scheduler, events, ticker, volumeInformers);
        volumeInformers.forEach(SharedIndexInformer::start);
        nodes.start();
        pods.start();
        try {
            for (SharedIndexInformer<?> i : volumeInformers) {
                waitForSync(i);
            }
            waitForSync(nodes);
            waitForSync(pods);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        scheduler.start();
        LOG.info("scheduler running profile={}", schedulerName);
    }

    private static void waitForSync(SharedIndexInformer<?> informer) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!informer.hasSynced()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("scheduler informers did not sync within 60s");
            }
            Thread.sleep(20);
        }
    }

    private synchronized void stop() {
        if (term != null) {
            term.close();
            term = null;
            LOG.info("scheduler stopped");
        }
    }

    @Override
    public void close() {
        if (election != null) {
            election.close();
        }
        stop();
        if (ownsInformers) {
            informers.close();
        }
    }

    /** Nodes feed the cache; an added or changed node may make waiting pods fit. */
    static final class NodeEvents implements ResourceEventHandler<Node> {
        private final SchedulerCache cache;
        private final SchedulingQueue queue;

        NodeEvents(SchedulerCache cache, SchedulingQueue queue) {
            this.cache = cache;
            this.queue = queue;
        }

        @Override
        public void onAdd(Node node) {
            cache.addNode(node);
            queue.moveAllToActiveOrBackoffQueue("NodeAdd");
        }

        @Override
        public void onUpdate(Node old, Node node) {
            cache.updateNode(node);
            if (schedulingRelevantChange(old, node)) {
                queue.moveAllToActiveOrBackoffQueue("NodeUpdate");
            }
        }

        @Override
        public void onDelete(Node node, boolean unknownFinalState) {
            cache.removeNode(node.getMetadata().getName());
        }

        /** Heartbeats change only condition times; labels, spec (taints, cordon) and allocatable matter. */
        static boolean schedulingRelevantChange(Node old, Node node) {
            return !Objects.equals(old.getMetadata().getLabels(), node.getMetadata().getLabels())
                    || !Objects.equals(old.getSpec(), node.getSpec())
                    || !Objects.equals(old.getStatus() == null ? null : old.getStatus().getAllocatable(),
                    node.getStatus() == null ? null : node.getStatus().getAllocatable());
        }
    }

    /**
     * Pods bound to a node feed the cache (a pod that finished no longer takes room); pending pods of this
     * scheduler feed the queue.
     */
    static final class PodEvents implements ResourceEventHandler<Pod> {
        private final SchedulerCache cache;
        private final SchedulingQueue queue;
        private final String schedulerName;

        PodEvents(SchedulerCache cache, SchedulingQueue queue, String schedulerName) {
            this.cache = cache;
            this.queue = queue;
            this.schedulerName = schedulerName;
        }

        static boolean assigned(Pod p) {
            return p.getSpec() != null && p.getSpec().getNodeName() != null && !p.getSpec().getNodeName().isEmpty();
        }

        static boolean terminal(Pod p) {
            String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
            return "Succeeded".equals(phase) || "Failed".equals(phase);
        }

        boolean responsibleFor(Pod p) {
            String name = p.getSpec() == null ? null : p.getSpec().getSchedulerName();
            return schedulerName.equals(name == null || name.isEmpty() ? Profile.DEFAULT_SCHEDULER_NAME : name);
        }

        @Override
        public void onAdd(Pod pod) {
            if (assigned(pod)) {
                if (!terminal(pod)) {
                    cache.addPod(new PodInfo(pod));
                }
            } else if (responsibleFor(pod) && !terminal(pod)) {
                queue.add(new PodInfo(pod));
            }
        }

        @Override
        public void onUpdate(Pod old, Pod pod) {
            String uid = pod.getMetadata().getUid();
            if (assigned(pod)) {
                if (!assigned(old)) {
                    queue.delete(uid);
                }
                if (terminal(pod)) {
                    cache.removePod(uid);
                    if (!terminal(old)) {
                        queue.moveAllToActiveOrBackoffQueue("AssignedPodDelete");
                    }
                } else {
                    cache.updatePod(new PodInfo(pod));
                }
            } else if (responsibleFor(pod)) {
                if (terminal(pod)) {
                    queue.delete(uid);
                } else {
                    queue.update(new PodInfo(pod));
                }
            }
        }

        @Override
        public void onDelete(Pod pod, boolean unknownFinalState) {
            String uid = pod.getMetadata().getUid();
            if (assigned(pod)) {
                cache.removePod(uid);
                queue.moveAllToActiveOrBackoffQueue("AssignedPodDelete");
            } else {
                queue.delete(uid);
            }
        }
    }
}
