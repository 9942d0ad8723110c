package io.kube4j.node.kubelet;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kube4j.node.kubelet.env.EnvResolver;
import io.kube4j.client.events.EventRecorder;
import io.kube4j.node.kubelet.node.NodeInfoProbe;
import io.kube4j.node.kubelet.node.NodeStatusUpdater;
import io.kube4j.node.kubelet.pod.BackOff;
import io.kube4j.node.kubelet.pod.PodSyncer;
import io.kube4j.node.kubelet.pod.PodWorkers;
import io.kube4j.node.kubelet.prober.ProbeManager;
import io.kube4j.node.kubelet.prober.Prober;
import io.kube4j.node.kubelet.runtime.PodRuntime;
import io.kube4j.node.kubelet.status.StatusManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kubelet: registers the node, watches the pods bound to it and keeps each one's containers as its spec says,
 * through a {@link PodRuntime}. A client of the API server like any other (fabric8 informers), so it runs in the
 * server's process or in an agent alike. Start with {@link #start()}, stop with {@link #close()}; stopping leaves
 * containers running, and a new kubelet adopts them.
 */
public final class Kubelet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Kubelet.class);
    private static final Duration RELIST = Duration.ofSeconds(1);

    private final KubeletConfig config;
    private final KubernetesClient client;
    private final PodRuntime runtime;
    private final Clock clock;
    private final NodeStatusUpdater nodeStatus;
    private final EventRecorder events;
    private final StatusManager statuses;
    private final ProbeManager probes;
    private final PodSyncer syncer;
    private final PodWorkers workers;
    private final Map<String, Pod> pods = new ConcurrentHashMap<>();
    private final Map<String, String> fingerprints = new HashMap<>();
    private final KubeletStreaming streaming;
    private final io.kube4j.node.kubelet.eviction.EvictionManager eviction;
    private SharedIndexInformer<Pod> informer;
    private Thread relist;

    public Kubelet(KubeletConfig config, KubernetesClient client, PodRuntime runtime, Clock clock) {
        this.config = config;
        this.client = client;
        this.runtime = runtime;
        this.clock = clock;
        this.nodeStatus = new NodeStatusUpdater(client, runtime, new NodeStatusUpdater.Identity(config.nodeName(),
                config.nodeIp(), config.kubeletPort(), config.kubeletVersion(), config.dataDir(),
                config.nodeLabels()), clock);
        this.events = new EventRecorder(client, "kubelet", config.nodeName(), clock);
        this.statuses = new StatusManager(client);
        PodSyncer[] self = new PodSyncer[1];
        PodWorkers[] workersRef = new PodWorkers[1];
        this.probes = new ProbeManager(new Prober(runtime), events, clock, uid -> self[0].cached(uid),
                uid -> workersRef[0].poke(uid));
        EnvResolver.Sources sources = new EnvResolver.Sources(
                (ns, name) -> client.configMaps().inNamespace(ns).withName(name).get(),
                (ns, name) -> client.secrets().inNamespace(ns).withName(name).get(),
                this::allocatable,
                ns -> client.services().inNamespace(ns).list().getItems());
        var volumes = new io.kube4j.node.kubelet.volume.VolumeManager(config.dataDir().resolve("pods"),
                volumeSources(client, this::allocatable), clock, new java.util.Random());
        this.syncer = new PodSyncer(runtime, statuses, probes, events, new BackOff(clock), clock,
                new PodSyncer.NodeContext(config.nodeName(), config.nodeIp()), sources, this::deleteFromApi, volumes);
        self[0] = syncer;
        this.workers = new PodWorkers(syncer);
        workersRef[0] = workers;
        var meter = new io.kube4j.node.kubelet.eviction.PodStorageMeter(volumes, runtime, config.podLogsDir(),
                io.kube4j.node.kubelet.eviction.DiskUsage.DEFAULT_MAX_ENTRIES);
        this.eviction = new io.kube4j.node.kubelet.eviction.EvictionManager(config.evictionMonitoringPeriod(),
                this::activePods, meter::measure, events, (pod, grace, reason, message) -> workers.evict(
                        pod.getMetadata().getUid(), new PodSyncer.Eviction(grace, reason, message)));
        this.streaming = new KubeletStreaming(this, runtime);
    }

    public NodeStatusUpdater nodeStatus() {
        return nodeStatus;
    }

    public PodSyncer syncer() {
        return syncer;
    }

    /** Where the kubelet's HTTPS server finds container logs. */
    public io.kube4j.node.kubelet.server.ContainerLocator locator() {
        return streaming;
    }

    /** How the kubelet's HTTPS server gets streaming URLs from the runtime. */
    public io.kube4j.node.kubelet.server.StreamingRuntime streaming() {
        return streaming;
    }

    /** The pod with this namespace and name that is bound to this node, if the kubelet knows it. */
    public Pod pod(String namespace, String name) {
        for (Pod p : pods.values()) {
            if (p.getMetadata().getNamespace().equals(namespace) && p.getMetadata().getName().equals(name)) {
                return p;
            }
        }
        return null;
    }

    /** The status this kubelet last sent for the pod, or the pod's own while it has sent none. */
    io.fabric8.kubernetes.api.model.PodStatus lastStatus(Pod pod) {
        var sent = statuses.lastSent(pod.getMetadata().getUid());
        return sent != null ? sent : pod.getStatus();
    }

    /**
     * The pods the eviction manager looks at (upstream's active pods): bound here, with a worker, not being deleted,
     * not finished and not evicted already.
     */
    private java.util.List<Pod> activePods() {
        java.util.List<Pod> out = new java.util.ArrayList<>();
        for (Pod p : pods.values()) {
            String uid = p.getMetadata().getUid();
            if (p.getMetadata().getDeletionTimestamp() != null || !workers.has(uid) || syncer.evicted(uid)) {
                continue;
            }
            var status = lastStatus(p);
            String phase = status == null ? null : status.getPhase();
            if (!"Succeeded".equals(phase) && !"Failed".equals(phase)) {
                out.add(p);
            }
        }
        return out;
    }

    /** The kubelet's eviction manager (local storage limits), for tests that run a pass by hand. */
    public io.kube4j.node.kubelet.eviction.EvictionManager evictionManager() {
        return eviction;
    }

    /** Registers the node (first status and lease written before returning), then starts watching pods. */
    public Kubelet start() {
        nodeStatus.start();
        informer = client.pods().inAnyNamespace().withField("spec.nodeName", config.nodeName())
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Pod pod) {
                        pods.put(pod.getMetadata().getUid(), pod);
                        workers.update(pod);
                    }

                    @Override
                    public void onUpdate(Pod oldPod, Pod pod) {
                        pods.put(pod.getMetadata().getUid(), pod);
                        if (PodWorkers.onlyStatusChanged(oldPod, pod)) {
                            workers.statusChanged(pod);
                        } else {
                            workers.update(pod);
                        }
                    }

                    @Override
                    public void onDelete(Pod pod, boolean unknownFinalState) {
                        pods.remove(pod.getMetadata().getUid());
                        workers.removed(pod);
                    }
                }, 0);
        relist = Thread.ofVirtual().name("pleg").start(this::relistLoop);
        eviction.start();
        LOG.info("kubelet running node {} ({})", config.nodeName(), runtime.versionString());
        return this;
    }

    /**
     * The relist (upstream's PLEG): every second, list the runtime's pods and wake the worker of each pod whose
     * containers changed; pods in the runtime that the API server no longer has are stopped and removed.
     */
    private void relistLoop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(RELIST.toMillis());
                try {
                    relistOnce();
                } catch (RuntimeException e) {
                    LOG.debug("relist failed: {}", e.toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void relistOnce() {
        Set<String> seen = new java.util.HashSet<>();
        for (PodRuntime.PodSnapshot snap : runtime.relist()) {
            String uid = snap.ref().uid();
            seen.add(uid);
            String before = fingerprints.put(uid, snap.fingerprint());
            if (!snap.fingerprint().equals(before)) {
                workers.poke(uid);
            }
            if (!pods.containsKey(uid) && !workers.has(uid) && informer != null && informer.hasSynced()) {
                // A pod the API server does not know (deleted while this kubelet was away): stop and remove it.
                Pod ghost = new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withUid(uid)
                        .withName(snap.ref().name()).withNamespace(snap.ref().namespace()).endMetadata()
                        .withNewSpec().endSpec().build();
                workers.update(ghost);
                workers.removed(ghost);
            }
        }
        fingerprints.keySet().retainAll(seen);
    }

    private void deleteFromApi(Pod pod) {
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .withGracePeriod(0).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                LOG.warn("pod {}/{} not deleted: {}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                        e.getMessage());
            }
        }
    }

    /** Volume plugins read ConfigMaps, Secrets, claims and PVs with a GET when a pod needs them. */
    private static io.kube4j.node.kubelet.volume.VolumeSources volumeSources(
            KubernetesClient client, java.util.function.Function<String, Quantity> allocatable) {
        return new io.kube4j.node.kubelet.volume.VolumeSources(
                (ns, name) -> client.configMaps().inNamespace(ns).withName(name).get(),
                (ns, name) -> client.secrets().inNamespace(ns).withName(name).get(),
                (ns, name) -> client.persistentVolumeClaims().inNamespace(ns).withName(name).get(),
                name -> client.persistentVolumes().withName(name).get(),
                (ns, sa, request) -> client.serviceAccounts().inNamespace(ns).withName(sa).tokenRequest(request),
                allocatable);
    }

    private Quantity allocatable(String resource) {
        return switch (resource) {
            case "cpu" -> new Quantity(Integer.toString(NodeInfoProbe.cpus()));
            case "memory" -> new Quantity(Long.toString(NodeInfoProbe.memoryBytes()));
            case "ephemeral-storage" -> new Quantity(Long.toString(NodeInfoProbe.diskBytes(config.dataDir())));
            default -> null;
        };
    }

    /** The kubelet's event recorder (component "kubelet"), for node parts that report on pods. */
    public EventRecorder events() {
        return events;
    }

    @Override
    public void close() {
        if (relist != null) {
            relist.interrupt();
        }
        eviction.close();
        if (informer != null) {
            informer.close();
        }
        workers.close();
        probes.close();
        nodeStatus.close();
        events.close();
    }
}
