package io.kube4j.controllers.daemonset;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.kube4j.client.events.EventRecorder;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.OwnedPodEvents;
import io.kube4j.controllers.ControllerContext;
import io.kube4j.controllers.ControllerExpectations;
import io.kube4j.controllers.history.RevisionHistory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static io.kube4j.controllers.daemonset.DaemonSetStatusFunctions.REVISION_HASH;
import static io.kube4j.controllers.daemonset.DaemonSetStatusFunctions.TEMPLATE_GENERATION;

/**
 * Upstream's DaemonSet controller: one pod per eligible node (see {@link DaemonPlacement}), created when a node
 * becomes eligible (added, labelled, untainted) and deleted when it stops being eligible; failed daemon pods are
 * replaced with a per-node back-off; the template's revisions are kept as ControllerRevisions and pods carry the
 * {@code controller-revision-hash} label, so a RollingUpdate (maxUnavailable, default 1) replaces outdated pods a
 * few at a time while OnDelete waits for the user to delete them.
 *
 * <p>Pods are pinned to their node as upstream does, by a required node affinity on {@code metadata.name}; kube4j
 * sets {@code spec.nodeName} too, so they run without a scheduler (the affinity still says the same node).
 */
public final class DaemonSetController extends Controller {
    private static final Logger LOG = LoggerFactory.getLogger(DaemonSetController.class);
    static final String COMPONENT = "daemonset-controller";
    static final Duration FAILED_POD_BACKOFF = Duration.ofSeconds(1);
    static final Duration FAILED_POD_BACKOFF_MAX = Duration.ofMinutes(15);

    private SharedIndexInformer<DaemonSet> daemonSets;
    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<Node> nodes;
    private RevisionHistory history;
    private final ControllerExpectations expectations;
    private final EventRecorder events;
    private final Map<String, FailedPods> failedPods = new ConcurrentHashMap<>();

    record FailedPods(int count, Instant last) {
    }

    public DaemonSetController(ControllerContext ctx) {
        super(ctx);
        this.expectations = new ControllerExpectations(ctx.clock());
        this.events = ctx.events(COMPONENT);
    }

    @Override
    public String name() {
        return "daemonset";
    }

    @Override
    protected void register() {
        daemonSets = ctx.informer(DaemonSet.class);
        pods = ctx.informer(Pod.class);
        nodes = ctx.informer(Node.class);
        history = new RevisionHistory(ctx.client(), ctx.informer(ControllerRevision.class), "DaemonSet");
        enqueueOn(daemonSets, Controller::key);
        pods.addEventHandler(new OwnedPodEvents(pod -> ownerKey(pod.getMetadata()), expectations, this::enqueue));
        // a node change can make any DaemonSet want or not want a pod there
        nodes.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                enqueueAll();
            }

            @Override
            public void onUpdate(Node oldNode, Node node) {
                if (!Objects.equals(oldNode.getMetadata().getLabels(), node.getMetadata().getLabels())
                        || !Objects.equals(oldNode.getSpec(), node.getSpec())) {
                    enqueueAll();
                }
            }

            @Override
            public void onDelete(Node node, boolean unknownFinalState) {
                enqueueAll();
            }
        });
    }

    private void enqueueAll() {
        daemonSets.getStore().list().forEach(ds -> enqueue(key(ds)));
    }

    static String ownerKey(ObjectMeta meta) {
        return OwnedPodEvents.controllerKey(meta, "DaemonSet");
    }

    @Override
    protected void sync(String key) {
        DaemonSet shared = daemonSets.getStore().getByKey(key);
        if (shared == null) {
            expectations.delete(key);
            failedPods.keySet().removeIf(k -> k.startsWith(key + "|"));
            return;
        }
        DaemonSet ds = ctx.client().getKubernetesSerialization().clone(shared);
        Instant now = ctx.clock().instant();
        String hash = DaemonSetStatusFunctions.hash(
                ctx.client().getKubernetesSerialization().asJson(ds.getSpec().getTemplate()),
                ds.getStatus() == null ? null : ds.getStatus().getCollisionCount());
        List<Node> allNodes = nodes.getStore().list();
        Map<String, List<Pod>> byNode = podsByNode(ds);
        if (ds.getMetadata().getDeletionTimestamp() == null) {
            ensureRevision(ds, hash);
            if (expectations.satisfied(key)) {
                manage(ds, key, hash, allNodes, byNode, now);
                byNode = podsByNode(ds);
            }
        }
        DaemonSetStatus status = DaemonSetStatusFunctions.status(ds, allNodes, byNode, hash, now);
        if (!status.equals(ds.getStatus())) {
            ds.setStatus(status);
            ctx.client().apps().daemonSets().inNamespace(ds.getMetadata().getNamespace()).resource(ds).updateStatus();
        }
        int minReady = ds.getSpec().getMinReadySeconds() == null ? 0 : ds.getSpec().getMinReadySeconds();
        if (minReady > 0 && status.getNumberReady() > (status.getNumberAvailable() == null ? 0 : status.getNumberAvailable())) {
            // look again when the ready pods become available
            queue.addAfter(key, Duration.ofSeconds(minReady));
        }
    }

    /** The DaemonSet's pods by the node they are for; pods without a node are left out. */
    private Map<String, List<Pod>> podsByNode(DaemonSet ds) {
        Map<String, List<Pod>> out = new HashMap<>();
        for (Pod p : pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, ds.getMetadata().getNamespace())) {
            if (!ownedBy(p.getMetadata(), ds)) {
                continue;
            }
            String node = DaemonPlacement.targetNode(p);
            if (node != null) {
                out.computeIfAbsent(node, n -> new ArrayList<>()).add(p);
            }
        }
        return out;
    }

    private static boolean ownedBy(ObjectMeta meta, DaemonSet ds) {
        return meta.getOwnerReferences() != null && meta.getOwnerReferences().stream()
                .anyMatch(r -> Boolean.TRUE.equals(r.getController()) && ds.getMetadata().getUid().equals(r.getUid()));
    }

    private void manage(DaemonSet ds, String key, String hash, List<Node> allNodes, Map<String, List<Pod>> byNode,
                        Instant now) {
        List<String> create = new ArrayList<>();
        List<Pod> delete = new ArrayList<>();
        Set<String> nodeNames = new HashSet<>();
        PodSpec template = ds.getSpec().getTemplate().getSpec();
        for (Node node : allNodes) {
            String name = node.getMetadata().getName();
            nodeNames.add(name);
            DaemonPlacement.Decision d = DaemonPlacement.decide(template, node);
            List<Pod> there = byNode.getOrDefault(name, List.of());
            if (d.shouldRun() && there.isEmpty()) {
                create.add(name);
            } else if (d.shouldContinueRunning()) {
                List<Pod> running = new ArrayList<>();
                for (Pod p : there) {
                    if (p.getMetadata().getDeletionTimestamp() != null) {
                        continue;
                    }
                    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
                    if ("Failed".equals(phase)) {
                        String bk = key + "|" + name;
                        FailedPods f = failedPods.get(bk);
                        if (f != null) {
                            Duration wait = Duration.between(now, f.last.plus(backoff(f.count)));
                            if (wait.isPositive()) {
                                queue.addAfter(key, wait);
                                continue;
                            }
                        }
                        failedPods.put(bk, new FailedPods(f == null ? 1 : f.count + 1, now));
                        events.warning(ds, null, "FailedDaemonPod", "Found failed daemon pod "
                                + p.getMetadata().getNamespace() + "/" + p.getMetadata().getName() + " on node " + name
                                + ", will try to kill it");
                        delete.add(p);
                    } else if ("Succeeded".equals(phase)) {
                        delete.add(p);
                    } else {
                        running.add(p);
                    }
                }
                // more than one pod on a node: keep the oldest
                running.sort(DaemonSetStatusFunctions.OLDEST_FIRST);
                delete.addAll(running.subList(Math.min(1, running.size()), running.size()));
            } else if (!there.isEmpty()) {
                there.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).forEach(delete::add);
            }
        }
        // pods for nodes that no longer exist
        byNode.forEach((node, list) -> {
            if (!nodeNames.contains(node)) {
                list.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).forEach(delete::add);
            }
        });
        if (create.isEmpty() && delete.isEmpty() && isRollingUpdate(ds)) {
            delete.addAll(rollingUpdateVictims(ds, hash, allNodes, byNode, now));
        }
        if (create.isEmpty() && delete.isEmpty()) {
            return;
        }
        expectations.expect(key, create.size(), delete.size());
        for (String node : create) {
            try {
                Pod pod = ctx.client().pods().inNamespace(ds.getMetadata().getNamespace())
                        .resource(newPod(ds, hash, node)).create();
                events.normal(ds, null, "SuccessfulCreate", "Created pod: " + pod.getMetadata().getName());
            } catch (KubernetesClientException e) {
                expectations.creationObserved(key);
                events.warning(ds, null, "FailedCreate", "Error creating: " + e.getMessage());
                LOG.warn("daemonset={} pod for node {} not created: {}", key, node, e.getMessage());
            }
        }
        for (Pod p : delete) {
            try {
                ctx.client().pods().inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName())
                        .delete();
                events.normal(ds, null, "SuccessfulDelete", "Deleted pod: " + p.getMetadata().getName());
            } catch (KubernetesClientException e) {
                expectations.deletionObserved(key);
                if (e.getCode() != 404) {
                    events.warning(ds, null, "FailedDelete", "Error deleting: " + e.getMessage());
                }
            }
        }
    }

    static Duration backoff(int failures) {
        if (failures >= 20) {
            return FAILED_POD_BACKOFF_MAX;
        }
        Duration d = FAILED_POD_BACKOFF.multipliedBy(1L << Math.max(0, failures - 1));
        return d.compareTo(FAILED_POD_BACKOFF_MAX) > 0 ? FAILED_POD_BACKOFF_MAX : d;
    }

    static boolean isRollingUpdate(DaemonSet ds) {
        return ds.getSpec().getUpdateStrategy() == null || ds.getSpec().getUpdateStrategy().getType() == null
                || "RollingUpdate".equals(ds.getSpec().getUpdateStrategy().getType());
    }

    /**
     * Outdated pods to delete now: every outdated pod that is not available (it counts as unavailable already),
     * then available ones while fewer than maxUnavailable of the desired nodes lack an available pod.
     */
    static List<Pod> rollingUpdateVictims(DaemonSet ds, String hash, List<Node> allNodes, Map<String, List<Pod>> byNode,
                                          Instant now) {
        int minReady = ds.getSpec().getMinReadySeconds() == null ? 0 : ds.getSpec().getMinReadySeconds();
        PodSpec template = ds.getSpec().getTemplate().getSpec();
        int desired = 0;
        int unavailable = 0;
        List<Pod> outdatedUnavailable = new ArrayList<>();
        List<Pod> outdatedAvailable = new ArrayList<>();
        for (Node node : allNodes) {
            if (!DaemonPlacement.decide(template, node).shouldRun()) {
                continue;
            }
            desired++;
            List<Pod> there = byNode.getOrDefault(node.getMetadata().getName(), List.of()).stream()
                    .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
            if (there.isEmpty()) {
                unavailable++;
                continue;
            }
            Pod pod = there.stream().min(DaemonSetStatusFunctions.OLDEST_FIRST).orElseThrow();
            boolean available = DaemonSetStatusFunctions.isAvailable(pod, minReady, now);
            if (!available) {
                unavailable++;
            }
            if (!DaemonSetStatusFunctions.isUpdated(pod, hash)) {
                (available ? outdatedAvailable : outdatedUnavailable).add(pod);
            }
        }
        int maxUnavailable = maxUnavailable(ds, desired);
        List<Pod> out = new ArrayList<>(outdatedUnavailable);
        outdatedAvailable.sort(Comparator.comparing(p -> p.getSpec().getNodeName() == null ? ""
                : p.getSpec().getNodeName()));
        for (Pod p : outdatedAvailable) {
            if (unavailable >= maxUnavailable) {
                break;
            }
            out.add(p);
            unavailable++;
        }
        return out;
    }

    /** maxUnavailable as a number of pods: an int, or a percentage of the desired pods rounded up; at least 1. */
    static int maxUnavailable(DaemonSet ds, int desired) {
        IntOrString v = ds.getSpec().getUpdateStrategy() == null
                || ds.getSpec().getUpdateStrategy().getRollingUpdate() == null ? null
                : ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable();
        int n;
        if (v == null) {
            n = 1;
        } else if (v.getIntVal() != null) {
            n = v.getIntVal();
        } else {
            String s = v.getStrVal().replace("%", "");
            n = (int) Math.ceil(Integer.parseInt(s) * desired / 100.0);
        }
        return Math.max(1, n);
    }

    /** The daemon pod for a node: the template with the revision labels, default tolerations and node pinning. */
    static Pod newPod(DaemonSet ds, String hash, String nodeName) {
        var template = ds.getSpec().getTemplate();
        ObjectMeta tm = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        ObjectMeta meta = new ObjectMeta();
        meta.setGenerateName(ds.getMetadata().getName() + "-");
        meta.setNamespace(ds.getMetadata().getNamespace());
        Map<String, String> labels = new LinkedHashMap<>(tm.getLabels() == null ? Map.of() : tm.getLabels());
        labels.put(REVISION_HASH, hash);
        if (ds.getMetadata().getGeneration() != null) {
            labels.put(TEMPLATE_GENERATION, Long.toString(ds.getMetadata().getGeneration()));
        }
        meta.setLabels(labels);
        meta.setAnnotations(tm.getAnnotations() == null ? null : new HashMap<>(tm.getAnnotations()));
        meta.setOwnerReferences(List.of(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("DaemonSet")
                .withName(ds.getMetadata().getName()).withUid(ds.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build()));
        PodSpec spec = new PodSpecBuilder(template.getSpec()).build();
        spec.setTolerations(DaemonPlacement.withDefaultTolerations(spec));
        DaemonPlacement.pinToNode(spec, nodeName);
        // no scheduler is needed: the pod is bound to the node the affinity names
        spec.setNodeName(nodeName);
        Pod pod = new Pod();
        pod.setMetadata(meta);
        pod.setSpec(spec);
        return pod;
    }

    /**
     * Keeps a ControllerRevision per template (see {@link RevisionHistory}): the current one moves to the top, and
     * the oldest ones no pod uses go beyond {@code revisionHistoryLimit} (default 10).
     */
    private void ensureRevision(DaemonSet ds, String hash) {
        Map<String, String> labels = new LinkedHashMap<>(ds.getSpec().getTemplate().getMetadata() == null
                || ds.getSpec().getTemplate().getMetadata().getLabels() == null ? Map.of()
                : ds.getSpec().getTemplate().getMetadata().getLabels());
        labels.put(REVISION_HASH, hash);
        history.ensure(ds, hash, labels, null,
                RevisionHistory.templatePatch(ctx.client().getKubernetesSerialization(), ds.getSpec().getTemplate()));
        int limit = ds.getSpec().getRevisionHistoryLimit() == null ? 10 : ds.getSpec().getRevisionHistoryLimit();
        Set<String> inUse = new HashSet<>();
        inUse.add(RevisionHistory.name(ds, hash));
        podsByNode(ds).values().forEach(l -> l.forEach(p -> {
            if (p.getMetadata().getLabels() != null && p.getMetadata().getLabels().get(REVISION_HASH) != null) {
                inUse.add(RevisionHistory.name(ds, p.getMetadata().getLabels().get(REVISION_HASH)));
            }
        }));
        history.truncate(ds, inUse, limit);
    }
}
