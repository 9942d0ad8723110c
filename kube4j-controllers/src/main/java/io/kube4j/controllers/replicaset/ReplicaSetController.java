package io.kube4j.controllers.replicaset;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.kube4j.client.events.EventRecorder;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.ControllerContext;
import io.kube4j.controllers.ControllerExpectations;
import io.kube4j.controllers.ControllerRefManager;
import io.kube4j.controllers.Selectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Keeps {@code spec.replicas} pods running for every ReplicaSet or ReplicationController (one instance per kind, the
 * same logic, as upstream): it claims the pods its selector matches (adopting orphans, releasing pods relabelled
 * out), creates missing pods from the template in slow-start batches and deletes surplus ones in
 * {@link PodRanking} order, with {@link ControllerExpectations} so it never acts twice before its pod informer has
 * seen its own writes; then it writes the status {@link ReplicaSetStatusFunctions} computes. Events as upstream:
 * SuccessfulCreate, SuccessfulDelete, FailedCreate, FailedDelete.
 */
public final class ReplicaSetController<T extends HasMetadata> extends Controller {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSetController.class);
    /** Upstream's BurstReplicas: at most this many creates or deletes per sync. */
    static final int BURST_REPLICAS = 500;

    private final ReplicaSetKind<T> kind;
    private final ControllerExpectations expectations;
    private SharedIndexInformer<T> sets;
    private SharedIndexInformer<Pod> pods;
    private EventRecorder events;

    public ReplicaSetController(ControllerContext ctx, ReplicaSetKind<T> kind) {
        super(ctx);
        this.kind = kind;
        this.expectations = new ControllerExpectations(ctx.clock());
    }

    public static ReplicaSetController<?> replicaSets(ControllerContext ctx) {
        return new ReplicaSetController<>(ctx, ReplicaSetKind.REPLICA_SET);
    }

    public static ReplicaSetController<?> replicationControllers(ControllerContext ctx) {
        return new ReplicaSetController<>(ctx, ReplicaSetKind.REPLICATION_CONTROLLER);
    }

    @Override
    public String name() {
        return kind.name();
    }

    @Override
    protected int workers() {
        return 5;
    }

    @Override
    protected void register() {
        sets = ctx.informer(kind.type());
        pods = ctx.informer(Pod.class);
        events = ctx.events(kind.component());
        sets.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                enqueue(key(obj));
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                enqueue(key(newObj));
            }

            @Override
            public void onDelete(T obj, boolean unknownFinalState) {
                expectations.delete(key(obj));
                enqueue(key(obj));
            }
        });
        pods.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                addPod(pod);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod pod) {
                updatePod(oldPod, pod);
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
                deletePod(pod);
            }
        });
    }

    // ---------------------------------------------------------------- pod events

    private void addPod(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            // seen for the first time already terminating (e.g. after a restart): a deletion to observe
            deletePod(pod);
            return;
        }
        OwnerReference ref = controllerRef(pod);
        if (ref != null) {
            String key = resolve(pod.getMetadata().getNamespace(), ref);
            if (key != null) {
                expectations.creationObserved(key);
                enqueue(key);
            }
            return;
        }
        matchingSets(pod).forEach(this::enqueue);
    }

    private void updatePod(Pod old, Pod cur) {
        if (Objects.equals(old.getMetadata().getResourceVersion(), cur.getMetadata().getResourceVersion())) {
            return;
        }
        boolean labelsChanged = !Objects.equals(old.getMetadata().getLabels(), cur.getMetadata().getLabels());
        if (cur.getMetadata().getDeletionTimestamp() != null) {
            deletePod(cur);
            if (labelsChanged) {
                deletePod(old);
            }
            return;
        }
        OwnerReference curRef = controllerRef(cur);
        OwnerReference oldRef = controllerRef(old);
        boolean refChanged = !Objects.equals(curRef == null ? null : curRef.getUid(),
                oldRef == null ? null : oldRef.getUid());
        if (refChanged && oldRef != null) {
            enqueue(resolve(old.getMetadata().getNamespace(), oldRef));
        }
        if (curRef != null) {
            String key = resolve(cur.getMetadata().getNamespace(), curRef);
            if (key != null) {
                enqueue(key);
                T obj = sets.getStore().getByKey(key);
                Integer minReady = obj == null ? null : kind.view().apply(obj).getSpec().getMinReadySeconds();
                if (minReady != null && minReady > 0 && !ReplicaSetStatusFunctions.isReady(old)
                        && ReplicaSetStatusFunctions.isReady(cur)) {
                    // available only minReadySeconds later: look again then
                    queue.addAfter(key, Duration.ofSeconds(minReady + 1L));
                }
            }
            return;
        }
        if (labelsChanged || refChanged) {
            matchingSets(cur).forEach(this::enqueue);
        }
    }

    private void deletePod(Pod pod) {
        OwnerReference ref = controllerRef(pod);
        if (ref == null) {
            return;
        }
        String key = resolve(pod.getMetadata().getNamespace(), ref);
        if (key != null) {
            expectations.deletionObserved(key, podKey(pod));
            enqueue(key);
        }
    }

    /** The key of the set of this kind the reference names, if the cache holds it with the same uid. */
    private String resolve(String namespace, OwnerReference ref) {
        if (!kind.kind().equals(ref.getKind()) || !group(kind.apiVersion()).equals(group(ref.getApiVersion()))) {
            return null;
        }
        String key = namespace + "/" + ref.getName();
        T obj = sets.getStore().getByKey(key);
        return obj != null && Objects.equals(obj.getMetadata().getUid(), ref.getUid()) ? key : null;
    }

    private List<String> matchingSets(Pod pod) {
        List<String> keys = new ArrayList<>();
        for (T obj : sets.getIndexer().byIndex(Cache.NAMESPACE_INDEX, pod.getMetadata().getNamespace())) {
            ReplicaSet rs = kind.view().apply(obj);
            if (!Selectors.isEmpty(rs.getSpec().getSelector())
                    && Selectors.matches(rs.getSpec().getSelector(), pod.getMetadata().getLabels())) {
                keys.add(key(obj));
            }
        }
        return keys;
    }

    // ---------------------------------------------------------------- sync

    @Override
    protected void sync(String key) throws Exception {
        T obj = sets.getStore().getByKey(key);
        if (obj == null) {
            expectations.delete(key);
            return;
        }
        ReplicaSet rs = kind.view().apply(obj);
        if (Selectors.isEmpty(rs.getSpec().getSelector())) {
            LOG.warn("{} {} has an empty selector; skipped", kind.kind(), key);
            return;
        }
        boolean needsSync = expectations.satisfied(key);
        String ns = obj.getMetadata().getNamespace();
        List<Pod> active = new ArrayList<>();
        for (Pod p : pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, ns)) {
            if (ReplicaSetStatusFunctions.isActive(p)) {
                active.add(p);
            }
        }
        List<Pod> owned = claimPods(obj, rs, active);
        String manageError = null;
        if (needsSync && obj.getMetadata().getDeletionTimestamp() == null) {
            manageError = manageReplicas(key, obj, rs, owned);
        }
        Instant now = ctx.clock().instant();
        ReplicaSetStatus status = ReplicaSetStatusFunctions.calculate(rs, owned, manageError, now);
        if (ReplicaSetStatusFunctions.changed(rs.getStatus(), status)) {
            writeStatus(obj, status);
        }
        if (manageError != null) {
            throw new IllegalStateException(manageError);
        }
        int minReady = rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
        int replicas = ReplicaSetStatusFunctions.replicas(rs);
        if (minReady > 0 && status.getReadyReplicas() == replicas && status.getAvailableReplicas() != replicas) {
            queue.addAfter(key, Duration.ofSeconds(minReady));
        }
    }

    /**
     * The active pods this set controls after adopting orphans its selector matches and releasing owned pods it no
     * longer matches ({@link ControllerRefManager}).
     */
    private List<Pod> claimPods(T obj, ReplicaSet rs, List<Pod> candidates) {
        return new ControllerRefManager(ctx.client(), new ControllerRefManager.Owner(kind.apiVersion(), kind.kind(), obj),
                rs.getSpec().getSelector(), p -> true, () -> checkCanAdopt(obj)).claimPods(candidates);
    }

    /** A fresh read: adopt only if the set is still the one cached and not being deleted. */
    private boolean checkCanAdopt(T obj) {
        T fresh = ctx.client().resources(kind.type()).inNamespace(obj.getMetadata().getNamespace())
                .withName(obj.getMetadata().getName()).get();
        return fresh != null && Objects.equals(fresh.getMetadata().getUid(), obj.getMetadata().getUid())
                && fresh.getMetadata().getDeletionTimestamp() == null;
    }

    /** Creates or deletes pods towards spec.replicas; returns the error message of a failed write, or null. */
    private String manageReplicas(String key, T obj, ReplicaSet rs, List<Pod> owned) throws InterruptedException {
        int diff = owned.size() - ReplicaSetStatusFunctions.replicas(rs);
        if (diff < 0) {
            int n = Math.min(-diff, BURST_REPLICAS);
            expectations.expectCreations(key, n);
            LOG.debug("{} {} too few replicas need={} creating={}", kind.kind(), key,
                    ReplicaSetStatusFunctions.replicas(rs), n);
            SlowStartBatch.Result r = SlowStartBatch.run(n, 1, () -> createPod(obj, rs));
            // creations that were never attempted or failed will never be observed
            for (int i = r.successes(); i < n; i++) {
                expectations.creationObserved(key);
            }
            return r.error() == null ? null : message(r.error());
        }
        if (diff > 0) {
            int n = Math.min(diff, BURST_REPLICAS);
            List<Pod> victims = PodRanking.podsToDelete(owned, relatedPods(obj), n, ctx.clock().instant());
            Set<String> keys = new HashSet<>();
            victims.forEach(p -> keys.add(podKey(p)));
            expectations.expectDeletions(key, keys);
            String error = null;
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<String>> results = new ArrayList<>();
                for (Pod p : victims) {
                    results.add(pool.submit(() -> deletePod(key, obj, p)));
                }
                for (Future<String> f : results) {
                    try {
                        String e = f.get();
                        if (e != null && error == null) {
                            error = e;
                        }
                    } catch (java.util.concurrent.ExecutionException e) {
                        if (error == null) {
                            error = String.valueOf(e.getCause());
                        }
                    }
                }
            }
            return error;
        }
        return null;
    }

    private Pod createPod(T obj, ReplicaSet rs) {
        PodTemplateSpec template = rs.getSpec().getTemplate();
        Map<String, String> labels = template.getMetadata() == null ? null : template.getMetadata().getLabels();
        Map<String, String> annotations = template.getMetadata() == null ? null
                : template.getMetadata().getAnnotations();
        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withGenerateName(obj.getMetadata().getName() + "-")
                .withNamespace(obj.getMetadata().getNamespace())
                .withLabels(labels == null ? null : new HashMap<>(labels))
                .withAnnotations(annotations == null ? null : new HashMap<>(annotations))
                .withFinalizers(template.getMetadata() == null ? null : template.getMetadata().getFinalizers())
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(kind.apiVersion())
                        .withKind(kind.kind()).withName(obj.getMetadata().getName()).withUid(obj.getMetadata().getUid())
                        .withController(true).withBlockOwnerDeletion(true).build())
                .endMetadata()
                .withSpec(template.getSpec())
                .build();
        try {
            Pod created = ctx.client().pods().inNamespace(obj.getMetadata().getNamespace()).resource(pod).create();
            events.normal(obj, null, "SuccessfulCreate", "Created pod: " + created.getMetadata().getName());
            return created;
        } catch (KubernetesClientException e) {
            if (namespaceTerminating(e)) {
                // the namespace controller is removing everything: nothing to report, nothing to retry
                return null;
            }
            events.warning(obj, null, "FailedCreate", "Error creating: " + message(e));
            throw e;
        }
    }

    /** Deletes one surplus pod; returns the error message, or null when it is gone or going. */
    private String deletePod(String key, T obj, Pod pod) {
        try {
            ctx.client().pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .delete();
            events.normal(obj, null, "SuccessfulDelete", "Deleted pod: " + pod.getMetadata().getName());
            return null;
        } catch (KubernetesClientException e) {
            // the informer will not see this deletion
            expectations.deletionObserved(key, podKey(pod));
            if (e.getCode() == 404) {
                return null;
            }
            events.warning(obj, null, "FailedDelete", "Error deleting: " + message(e));
            return message(e);
        }
    }

    /** The pods of this set and of its siblings (sets with the same controller), for the node spread ranking. */
    private List<Pod> relatedPods(T obj) {
        Set<String> uids = new HashSet<>();
        uids.add(obj.getMetadata().getUid());
        OwnerReference owner = controllerRef(obj);
        if (owner != null) {
            for (T s : sets.getIndexer().byIndex(Cache.NAMESPACE_INDEX, obj.getMetadata().getNamespace())) {
                OwnerReference o = controllerRef(s);
                if (o != null && owner.getUid().equals(o.getUid())) {
                    uids.add(s.getMetadata().getUid());
                }
            }
        }
        List<Pod> related = new ArrayList<>();
        for (Pod p : pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, obj.getMetadata().getNamespace())) {
            OwnerReference r = controllerRef(p);
            if (r != null && uids.contains(r.getUid())) {
                related.add(p);
            }
        }
        return related;
    }

    /** Writes the status with a merge patch; zero counts and no conditions are left out, as upstream's omitempty. */
    private void writeStatus(T obj, ReplicaSetStatus s) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("replicas", s.getReplicas());
        status.put("fullyLabeledReplicas", nonZero(s.getFullyLabeledReplicas()));
        status.put("readyReplicas", nonZero(s.getReadyReplicas()));
        status.put("availableReplicas", nonZero(s.getAvailableReplicas()));
        status.put("observedGeneration", s.getObservedGeneration());
        List<Map<String, Object>> conditions = new ArrayList<>();
        for (ReplicaSetCondition c : s.getConditions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", c.getType());
            m.put("status", c.getStatus());
            m.put("lastTransitionTime", c.getLastTransitionTime());
            m.put("reason", c.getReason());
            m.put("message", c.getMessage());
            conditions.add(m);
        }
        status.put("conditions", conditions.isEmpty() ? null : conditions);
        Map<String, Object> patch = new HashMap<>();
        patch.put("status", status);
        try {
            ctx.client().resources(kind.type()).inNamespace(obj.getMetadata().getNamespace())
                    .withName(obj.getMetadata().getName()).subresource("status")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), json(patch));
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    private static Integer nonZero(Integer i) {
        return i == null || i == 0 ? null : i;
    }

    private String json(Object o) {
        return ctx.client().getKubernetesSerialization().asJson(o);
    }

    static String message(Exception e) {
        if (e instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
            return k.getStatus().getMessage();
        }
        return e.getMessage();
    }

    /** Upstream's NamespaceTerminatingCause on a 403. */
    static boolean namespaceTerminating(KubernetesClientException e) {
        return e.getCode() == 403 && e.getStatus() != null && e.getStatus().getDetails() != null
                && e.getStatus().getDetails().getCauses() != null && e.getStatus().getDetails().getCauses().stream()
                .anyMatch(c -> "NamespaceTerminating".equals(c.getReason()));
    }

    static OwnerReference controllerRef(HasMetadata obj) {
        return ControllerRefManager.controllerRef(obj);
    }

    static String podKey(Pod p) {
        return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
    }

    private static String group(String apiVersion) {
        int slash = apiVersion == null ? -1 : apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }
}
