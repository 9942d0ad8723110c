package io.kube4j.controllers.statefulset;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kube4j.client.events.EventRecorder;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.OwnedPodEvents;
import io.kube4j.controllers.ControllerContext;
import io.kube4j.controllers.ControllerExpectations;
import io.kube4j.controllers.ControllerRefManager;
import io.kube4j.controllers.Selectors;
import io.kube4j.controllers.daemonset.DaemonSetStatusFunctions;
import io.kube4j.controllers.history.RevisionHistory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Upstream's StatefulSet controller: pods {@code <set>-0..N-1} with stable names, hostnames and claims, created and
 * deleted in ordinal order (OrderedReady) or all at once (Parallel), see {@link StatefulSetPlan}; the template's
 * revisions are ControllerRevisions ({@link RevisionHistory}) and pods carry their revision's name in
 * {@code controller-revision-hash}, so RollingUpdate (from the highest ordinal down to {@code partition}) and OnDelete
 * work, and kubectl's rollout history/undo read them. A pod is never created while a pod of the same name exists,
 * so a pod on a lost node comes back only once its object is really deleted.
 */
public final class StatefulSetController extends Controller {
    private static final Logger LOG = LoggerFactory.getLogger(StatefulSetController.class);
    static final String COMPONENT = "statefulset-controller";

    private SharedIndexInformer<StatefulSet> sets;
    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<PersistentVolumeClaim> claims;
    private RevisionHistory history;
    private final ControllerExpectations expectations;
    private final EventRecorder events;

    public StatefulSetController(ControllerContext ctx) {
        super(ctx);
        this.expectations = new ControllerExpectations(ctx.clock());
        this.events = ctx.events(COMPONENT);
    }

    @Override
    public String name() {
        return "statefulset";
    }

    @Override
    protected void register() {
        sets = ctx.informer(StatefulSet.class);
        pods = ctx.informer(Pod.class);
        claims = ctx.informer(PersistentVolumeClaim.class);
        history = new RevisionHistory(ctx.client(), ctx.informer(ControllerRevision.class), "StatefulSet");
        enqueueOn(sets, Controller::key);
        pods.addEventHandler(new OwnedPodEvents(pod -> ownerKey(pod.getMetadata()), expectations, this::enqueue,
                this::matchingSets));
    }

    /** Keys of the sets in the pod's namespace whose selector selects it. */
    private List<String> matchingSets(Pod pod) {
        List<String> keys = new ArrayList<>();
        for (StatefulSet s : sets.getIndexer().byIndex(Cache.NAMESPACE_INDEX, pod.getMetadata().getNamespace())) {
            if (!Selectors.isEmpty(s.getSpec().getSelector())
                    && Selectors.matches(s.getSpec().getSelector(), pod.getMetadata().getLabels())) {
                keys.add(key(s));
            }
        }
        return keys;
    }

    static String ownerKey(ObjectMeta meta) {
        return OwnedPodEvents.controllerKey(meta, "StatefulSet");
    }

    @Override
    protected void sync(String key) {
        StatefulSet shared = sets.getStore().getByKey(key);
        if (shared == null) {
            expectations.delete(key);
            return;
        }
        KubernetesSerialization json = ctx.client().getKubernetesSerialization();
        StatefulSet set = json.clone(shared);
        if (set.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        Instant now = ctx.clock().instant();
        int collisions = set.getStatus() == null || set.getStatus().getCollisionCount() == null ? 0
                : set.getStatus().getCollisionCount();
        String hash = DaemonSetStatusFunctions.hash(json.asJson(set.getSpec().getTemplate()), collisions);
        String updateName = RevisionHistory.name(set, hash);
        List<ControllerRevision> revisions = history.owned(set);
        for (ControllerRevision r : revisions) {
            if (r.getMetadata().getName().equals(updateName)
                    && !json.asJson(set.getSpec().getTemplate()).equals(json.asJson(template(r)))) {
                LOG.info("statefulset={} revision {} holds another template: collision", key, updateName);
                // another template hashed to this name: hash again with the next collision count
                writeStatus(set, withCollisions(set, collisions + 1));
                return;
            }
        }
        Map<String, String> labels = new LinkedHashMap<>(set.getSpec().getTemplate().getMetadata() == null
                || set.getSpec().getTemplate().getMetadata().getLabels() == null ? Map.of()
                : set.getSpec().getTemplate().getMetadata().getLabels());
        labels.put("controller.kubernetes.io/hash", hash);
        ControllerRevision update = history.ensure(set, hash, labels, set.getMetadata().getAnnotations(),
                RevisionHistory.templatePatch(json, set.getSpec().getTemplate()));
        String currentName = set.getStatus() == null ? null : set.getStatus().getCurrentRevision();
        ControllerRevision current = currentName == null ? null : revisions.stream()
                .filter(r -> r.getMetadata().getName().equals(currentName)).findFirst().orElse(null);
        if (current == null) {
            current = update;
        }
        Map<Integer, Pod> byOrdinal = byOrdinal(set, claimPods(set));
        String blocked = null;
        if (expectations.satisfied(key)) {
            StatefulSetPlan.Steps steps = StatefulSetPlan.next(set, byOrdinal, current.getMetadata().getName(),
                    update.getMetadata().getName(), now);
            if (!steps.isEmpty()) {
                blocked = apply(set, key, steps, current, update);
                byOrdinal = podsByOrdinal(set);
            }
        }
        StatefulSetStatus status = StatefulSetStatusFunctions.status(set, byOrdinal.values(),
                current.getMetadata().getName(), update.getMetadata().getName(), collisions, now);
        writeStatus(set, status);
        Set<String> inUse = new HashSet<>();
        inUse.add(status.getCurrentRevision());
        inUse.add(status.getUpdateRevision());
        byOrdinal.values().forEach(p -> {
            if (StatefulPods.revision(p) != null) {
                inUse.add(StatefulPods.revision(p));
            }
        });
        history.truncate(set, inUse, set.getSpec().getRevisionHistoryLimit() == null ? 10
                : set.getSpec().getRevisionHistoryLimit());
        int minReady = StatefulSetPlan.minReadySeconds(set);
        if (minReady > 0 && status.getReadyReplicas() > status.getAvailableReplicas()) {
            // look again when the ready pods become available
            queue.addAfter(key, Duration.ofSeconds(minReady));
        }
        if (blocked != null) {
            // as upstream: an error, so the set is retried with back-off until the name is free
            throw new IllegalStateException("pods \"" + blocked + "\" already exists");
        }
    }

    private static StatefulSetStatus withCollisions(StatefulSet set, int collisions) {
        StatefulSetStatus s = set.getStatus() == null ? new StatefulSetStatus() : set.getStatus();
        StatefulSetStatus copy = new StatefulSetStatusBuilder(s).build();
        copy.setCollisionCount(collisions);
        return copy;
    }

    private void writeStatus(StatefulSet set, StatefulSetStatus status) {
        if (status.equals(set.getStatus())) {
            return;
        }
        set.setStatus(status);
        ctx.client().apps().statefulSets().inNamespace(set.getMetadata().getNamespace()).resource(set).updateStatus();
    }

    /** The pod template a revision holds. */
    private PodTemplateSpec template(ControllerRevision r) {
        KubernetesSerialization json = ctx.client().getKubernetesSerialization();
        Map<?, ?> data = json.convertValue(r.getData(), Map.class);
        Object spec = data == null ? null : data.get("spec");
        Object template = spec instanceof Map<?, ?> m ? m.get("template") : null;
        if (!(template instanceof Map<?, ?> t)) {
            return null;
        }
        Map<Object, Object> copy = new LinkedHashMap<>(t);
        copy.remove("$patch");
        return json.convertValue(copy, PodTemplateSpec.class);
    }

    /**
     * The pods the set controls after adopting orphans its selector matches whose names are {@code <set>-<ordinal>}
     * and releasing owned pods that no longer match, as upstream ({@link ControllerRefManager}).
     */
    private List<Pod> claimPods(StatefulSet set) {
        List<Pod> candidates = pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, set.getMetadata().getNamespace());
        return new ControllerRefManager(ctx.client(), new ControllerRefManager.Owner("apps/v1", "StatefulSet", set),
                set.getSpec().getSelector(), p -> StatefulPods.ordinal(set, p.getMetadata().getName()) >= 0,
                () -> canAdopt(set)).claimPods(candidates);
    }

    /** A fresh read: adopt only if the set is still the one cached and not being deleted. */
    private boolean canAdopt(StatefulSet set) {
        StatefulSet fresh = ctx.client().apps().statefulSets().inNamespace(set.getMetadata().getNamespace())
                .withName(set.getMetadata().getName()).get();
        return fresh != null && Objects.equals(fresh.getMetadata().getUid(), set.getMetadata().getUid())
                && fresh.getMetadata().getDeletionTimestamp() == null;
    }

    /** The set's pods by ordinal: owned by it and named {@code <set>-<ordinal>}. */
    private Map<Integer, Pod> podsByOrdinal(StatefulSet set) {
        List<Pod> owned = new ArrayList<>();
        for (Pod p : pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, set.getMetadata().getNamespace())) {
            OwnerReference ref = ControllerRefManager.controllerRef(p);
            if (ref != null && set.getMetadata().getUid().equals(ref.getUid())) {
                owned.add(p);
            }
        }
        return byOrdinal(set, owned);
    }

    private static Map<Integer, Pod> byOrdinal(StatefulSet set, List<Pod> owned) {
        Map<Integer, Pod> out = new TreeMap<>();
        for (Pod p : owned) {
            int ordinal = StatefulPods.ordinal(set, p.getMetadata().getName());
            if (ordinal >= 0) {
                out.put(ordinal, p);
            }
        }
        return out;
    }

    /** Creates and deletes pods; returns the name of a pod that could not be made because another holds it. */
    private String apply(StatefulSet set, String key, StatefulSetPlan.Steps steps, ControllerRevision current,
                         ControllerRevision update) {
        String blocked = null;
        String ns = set.getMetadata().getNamespace();
        String setName = set.getMetadata().getName();
        expectations.expect(key, steps.create().size(), steps.delete().size());
        for (StatefulSetPlan.Create c : steps.create()) {
            ControllerRevision rev = c.revision().equals(update.getMetadata().getName()) ? update : current;
            PodTemplateSpec template = rev == update ? set.getSpec().getTemplate() : template(rev);
            if (template == null) {
                template = set.getSpec().getTemplate();
            }
            Pod pod = StatefulPods.newPod(set, template, rev.getMetadata().getName(), c.ordinal());
            String podName = pod.getMetadata().getName();
            try {
                createClaims(set, c.ordinal());
                ctx.client().pods().inNamespace(ns).resource(pod).create();
                events.normal(set, null, "SuccessfulCreate",
                        "create Pod " + podName + " in StatefulSet " + setName + " successful");
            } catch (KubernetesClientException e) {
                expectations.creationObserved(key);
                if (e.getCode() == 409) {
                    blocked = podName;
                } else {
                    events.warning(set, null, "FailedCreate", "create Pod " + podName + " in StatefulSet "
                            + setName + " failed error: " + e.getMessage());
                    LOG.warn("statefulset={} pod={} not created: {}", key, podName, e.getMessage());
                }
            }
        }
        for (Pod p : steps.delete()) {
            String podName = p.getMetadata().getName();
            try {
                int ordinal = StatefulPods.ordinal(set, podName);
                boolean inRange = StatefulSetPlan.inRange(set, ordinal);
                if (inRange && StatefulSetPlan.isFailed(p)) {
                    events.warning(set, null, "RecreatingFailedPod", "StatefulSet " + ns + "/" + setName
                            + " is recreating failed Pod " + podName);
                }
                if (!inRange && StatefulPods.deleteClaims(set, false)) {
                    claimsGoWith(set, p, ordinal);
                }
                ctx.client().pods().inNamespace(ns).withName(podName).delete();
                events.normal(set, null, "SuccessfulDelete",
                        "delete Pod " + podName + " in StatefulSet " + setName + " successful");
            } catch (KubernetesClientException e) {
                expectations.deletionObserved(key);
                if (e.getCode() != 404) {
                    events.warning(set, null, "FailedDelete", "delete Pod " + podName + " in StatefulSet "
                            + setName + " failed error: " + e.getMessage());
                }
            }
        }
        return blocked;
    }

    /** Creates the ordinal's claims that do not exist yet; they outlive the pod. */
    private void createClaims(StatefulSet set, int ordinal) {
        String ns = set.getMetadata().getNamespace();
        for (PersistentVolumeClaim claim : StatefulPods.claims(set, ordinal)) {
            String name = claim.getMetadata().getName();
            if (claims.getStore().getByKey(ns + "/" + name) != null) {
                continue;
            }
            try {
                ctx.client().persistentVolumeClaims().inNamespace(ns).resource(claim).create();
                events.normal(set, null, "SuccessfulCreate", "create Claim " + name + " Pod "
                        + StatefulPods.podName(set, ordinal) + " in StatefulSet " + set.getMetadata().getName()
                        + " success");
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    events.warning(set, null, "FailedCreate", "create Claim " + name + " for Pod "
                            + StatefulPods.podName(set, ordinal) + " in StatefulSet " + set.getMetadata().getName()
                            + " failed error: " + e.getMessage());
                    throw e;
                }
            }
        }
    }

    /** whenScaled: Delete — the condemned pod owns its claims, so the garbage collector removes them after it. */
    private void claimsGoWith(StatefulSet set, Pod pod, int ordinal) {
        String ns = set.getMetadata().getNamespace();
        OwnerReference ref = new OwnerReferenceBuilder().withApiVersion("v1").withKind("Pod")
                .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).build();
        for (PersistentVolumeClaim claim : StatefulPods.claims(set, ordinal)) {
            PersistentVolumeClaim existing = claims.getStore().getByKey(ns + "/" + claim.getMetadata().getName());
            if (existing == null) {
                continue;
            }
            PersistentVolumeClaim copy = ctx.client().getKubernetesSerialization().clone(existing);
            List<OwnerReference> refs = new ArrayList<>(copy.getMetadata().getOwnerReferences() == null ? List.of()
                    : copy.getMetadata().getOwnerReferences());
            if (refs.stream().noneMatch(r -> ref.getUid().equals(r.getUid()))) {
                refs.add(ref);
                copy.getMetadata().setOwnerReferences(refs);
                ctx.client().persistentVolumeClaims().inNamespace(ns).resource(copy).update();
            }
        }
    }
}
