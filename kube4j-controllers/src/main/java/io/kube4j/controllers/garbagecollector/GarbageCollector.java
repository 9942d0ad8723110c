package io.kube4j.controllers.garbagecollector;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kube4j.client.metadata.MetadataClient;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.ControllerContext;
import io.kube4j.controllers.ControllerRefManager;
import io.kube4j.controllers.GuardedPatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Upstream's garbage collector over every resource kube4j serves (found by discovery: list, watch and delete; events
 * left out): each resource gets a metadata-only informer ({@link MetadataClient}) indexed by uid and by owner uid,
 * which together are the owner graph.
 * A dependent whose owners are all gone is deleted (with background propagation, or as its own finalizers ask); one
 * with a surviving owner only loses its references to the gone ones. An owner deleted with {@code orphan} has its
 * dependents' references to it removed, then the finalizer; one deleted with {@code foregroundDeletion} has its
 * dependents deleted and keeps the finalizer until those with blockOwnerDeletion are gone. Absent owners are confirmed
 * with a fresh read before anything is deleted, so an informer that lags cannot cost a dependent its life.
 * Keys are {@code group/version/resource|namespace|name}.
 */
public final class GarbageCollector extends Controller {
    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);
    static final String ORPHAN = "orphan";
    static final String FOREGROUND = "foregroundDeletion";
    private static final String BY_UID = "uid";
    private static final int GUARDED_ATTEMPTS = GuardedPatch.ATTEMPTS;
    private static final String BY_OWNER = "owner";
    /** Upstream's ignored resources: events would only churn the graph. */
    private static final Set<String> IGNORED = Set.of("/events", "events.k8s.io/events");

    /** One watched resource. */
    record Monitor(String id, ResourceDefinitionContext rdc, boolean namespaced,
                   SharedIndexInformer<GenericKubernetesResource> informer) {
        String storeKey(String namespace, String name) {
            return namespaced ? namespace + "/" + name : name;
        }
    }

    private final Map<String, Monitor> monitors = new ConcurrentHashMap<>();
    private final Map<String, Monitor> byGroupKind = new ConcurrentHashMap<>();
    private final Duration syncTimeout;

    public GarbageCollector(ControllerContext ctx) {
        this(ctx, Duration.ofSeconds(30));
    }

    GarbageCollector(ControllerContext ctx, Duration syncTimeout) {
        super(ctx);
        this.syncTimeout = syncTimeout;
    }

    @Override
    public String name() {
        return "garbagecollector";
    }

    @Override
    protected int workers() {
        return 4;
    }

    @Override
    protected void register() {
        // as upstream's, the graph is built from metadata-only informers: the collector reads nothing else, and
        // full copies of every object (every pod) would be its largest cost
        KubernetesClient metadata = MetadataClient.derive(ctx.client());
        for (ResourceDefinitionContext rdc : discover()) {
            String id = rdc.getGroup() + "/" + rdc.getVersion() + "/" + rdc.getPlural();
            SharedIndexInformer<GenericKubernetesResource> informer = metadata.genericKubernetesResources(rdc)
                    .inAnyNamespace().runnableInformer(0);
            informer.addIndexers(Map.of(
                    BY_UID, o -> List.of(Objects.requireNonNullElse(o.getMetadata().getUid(), "")),
                    BY_OWNER, o -> ownerRefs(o.getMetadata()).stream().map(OwnerReference::getUid).toList()));
            Monitor m = new Monitor(id, rdc, rdc.isNamespaceScoped(), informer);
            informer.addEventHandler(handler(m));
            monitors.put(id, m);
            byGroupKind.putIfAbsent(rdc.getGroup() + "/" + rdc.getKind(), m);
        }
        monitors.values().forEach(m -> m.informer().start());
        long deadline = System.nanoTime() + syncTimeout.toNanos();
        for (Monitor m : List.copyOf(monitors.values())) {
            while (!m.informer().hasSynced() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (!m.informer().hasSynced()) {
                LOG.warn("garbage collector does not watch {}: its informer did not sync", m.id());
                m.informer().close();
                monitors.remove(m.id());
                byGroupKind.values().remove(m);
            }
        }
        LOG.info("garbage collector watches {} resources", monitors.size());
    }

    /** The preferred version of every resource that can be listed, watched and deleted. */
    private List<ResourceDefinitionContext> discover() {
        List<ResourceDefinitionContext> out = new ArrayList<>();
        addResources(out, "", "v1", ctx.client().getApiResources("v1"));
        for (APIGroup g : ctx.client().getApiGroups().getGroups()) {
            String gv = g.getPreferredVersion() != null ? g.getPreferredVersion().getGroupVersion()
                    : g.getVersions().get(0).getGroupVersion();
            try {
                addResources(out, g.getName(), gv.substring(gv.indexOf('/') + 1), ctx.client().getApiResources(gv));
            } catch (KubernetesClientException e) {
                LOG.warn("garbage collector skips {}: {}", gv, e.getMessage());
            }
        }
        return out;
    }

    private static void addResources(List<ResourceDefinitionContext> out, String group, String version,
                                     APIResourceList list) {
        if (list == null) {
            return;
        }
        for (APIResource r : list.getResources()) {
            if (r.getName().contains("/") || IGNORED.contains(group + "/" + r.getName()) || r.getVerbs() == null
                    || !r.getVerbs().containsAll(List.of("list", "watch", "delete"))) {
                continue;
            }
            out.add(new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version)
                    .withPlural(r.getName()).withKind(r.getKind()).withNamespaced(Boolean.TRUE.equals(r.getNamespaced()))
                    .build());
        }
    }

    private ResourceEventHandler<GenericKubernetesResource> handler(Monitor m) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource obj) {
                if (!ownerRefs(obj.getMetadata()).isEmpty() || finalizing(obj.getMetadata()) != null) {
                    enqueue(key(m, obj));
                }
            }

            @Override
            public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource obj) {
                if (finalizing(obj.getMetadata()) != null) {
                    enqueue(key(m, obj));
                }
                List<OwnerReference> before = ownerRefs(old.getMetadata());
                List<OwnerReference> after = ownerRefs(obj.getMetadata());
                if (!before.equals(after)) {
                    enqueue(key(m, obj));
                    Set<String> kept = new HashSet<>();
                    after.forEach(r -> kept.add(r.getUid()));
                    // an owner waiting in foreground deletion may be unblocked now
                    before.stream().filter(r -> !kept.contains(r.getUid())).forEach(r -> enqueueUid(r.getUid()));
                }
            }

            @Override
            public void onDelete(GenericKubernetesResource obj, boolean unknownFinalState) {
                String uid = obj.getMetadata().getUid();
                dependents(uid).forEach(d -> enqueue(key(d.monitor(), d.object())));
                ownerRefs(obj.getMetadata()).forEach(r -> enqueueUid(r.getUid()));
            }
        };
    }

    private void enqueueUid(String uid) {
        for (Monitor m : monitors.values()) {
            for (GenericKubernetesResource o : m.informer().getIndexer().byIndex(BY_UID, uid)) {
                enqueue(key(m, o));
            }
        }
    }

    static String key(Monitor m, GenericKubernetesResource o) {
        return m.id() + "|" + Objects.requireNonNullElse(o.getMetadata().getNamespace(), "") + "|"
                + o.getMetadata().getName();
    }

    record Dependent(Monitor monitor, GenericKubernetesResource object) {
    }

    private List<Dependent> dependents(String uid) {
        List<Dependent> out = new ArrayList<>();
        for (Monitor m : monitors.values()) {
            for (GenericKubernetesResource o : m.informer().getIndexer().byIndex(BY_OWNER, uid)) {
                out.add(new Dependent(m, o));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- sync

    @Override
    protected void sync(String key) {
        String[] parts = key.split("\\|", -1);
        Monitor m = monitors.get(parts[0]);
        if (m == null) {
            return;
        }
        String ns = parts[1];
        GenericKubernetesResource obj = m.informer().getStore().getByKey(m.storeKey(ns, parts[2]));
        if (obj == null) {
            return;
        }
        ObjectMeta meta = obj.getMetadata();
        if (meta.getDeletionTimestamp() != null) {
            String finalizer = finalizing(meta);
            if (ORPHAN.equals(finalizer)) {
                orphanDependents(m, obj);
            } else if (FOREGROUND.equals(finalizer)) {
                processDeletingDependents(m, obj);
            }
            return;
        }
        List<OwnerReference> owners = ownerRefs(meta);
        if (owners.isEmpty()) {
            return;
        }
        List<OwnerReference> solid = new ArrayList<>();
        List<OwnerReference> dangling = new ArrayList<>();
        List<OwnerReference> waiting = new ArrayList<>();
        for (OwnerReference ref : owners) {
            switch (ownerState(ref, ns)) {
                case ABSENT -> dangling.add(ref);
                case DELETING_DEPENDENTS -> waiting.add(ref);
                case PRESENT -> solid.add(ref);
            }
        }
        if (!solid.isEmpty()) {
            if (!dangling.isEmpty() || !waiting.isEmpty()) {
                Set<String> gone = new HashSet<>();
                dangling.forEach(r -> gone.add(r.getUid()));
                waiting.forEach(r -> gone.add(r.getUid()));
                LOG.info("garbage collector removes references to {} from {}", gone, key);
                removeOwnerRefs(m, ns, meta.getName(), gone);
            }
            return;
        }
        DeletionPropagation policy;
        if (!waiting.isEmpty() && !dependents(meta.getUid()).isEmpty()) {
            // it blocks an owner deleted in foreground and has dependents of its own: they go first
            policy = DeletionPropagation.FOREGROUND;
        } else if (GuardedPatch.hasFinalizer(meta, ORPHAN)) {
            policy = DeletionPropagation.ORPHAN;
        } else if (GuardedPatch.hasFinalizer(meta, FOREGROUND)) {
            policy = DeletionPropagation.FOREGROUND;
        } else {
            policy = DeletionPropagation.BACKGROUND;
        }
        LOG.info("garbage collector deletes {} (owners gone or deleting: {}) propagation={}", key,
                owners.stream().map(r -> r.getKind() + "/" + r.getName()).toList(), policy);
        try {
            resource(m, ns, meta.getName()).withPropagationPolicy(policy).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    enum OwnerState { PRESENT, DELETING_DEPENDENTS, ABSENT }

    /** The owner as the cache shows it, or as a fresh read does when the cache does not hold it. */
    private OwnerState ownerState(OwnerReference ref, String namespace) {
        String apiVersion = Objects.requireNonNullElse(ref.getApiVersion(), "");
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        Monitor m = byGroupKind.get(group + "/" + ref.getKind());
        if (m == null) {
            // a kind this server does not serve (or not yet): leave the dependent alone
            return OwnerState.PRESENT;
        }
        GenericKubernetesResource owner = m.informer().getStore().getByKey(m.storeKey(namespace, ref.getName()));
        if (owner == null || !Objects.equals(owner.getMetadata().getUid(), ref.getUid())) {
            owner = resource(m, namespace, ref.getName()).get();
        }
        if (owner == null || !Objects.equals(owner.getMetadata().getUid(), ref.getUid())) {
            return OwnerState.ABSENT;
        }
        return owner.getMetadata().getDeletionTimestamp() != null
                && GuardedPatch.hasFinalizer(owner.getMetadata(), FOREGROUND)
                ? OwnerState.DELETING_DEPENDENTS : OwnerState.PRESENT;
    }

    /** An owner deleted with orphan propagation: its dependents lose their references to it, then the finalizer goes. */
    private void orphanDependents(Monitor m, GenericKubernetesResource owner) {
        String uid = owner.getMetadata().getUid();
        for (Dependent d : dependents(uid)) {
            removeOwnerRefs(d.monitor(), d.object().getMetadata().getNamespace(), d.object().getMetadata().getName(),
                    Set.of(uid));
        }
        LOG.info("garbage collector orphaned the dependents of {}", key(m, owner));
        removeFinalizer(m, owner, ORPHAN);
    }

    /**
     * An owner deleted in foreground: its dependents are deleted, and its finalizer goes once none that blocks its
     * deletion is left.
     */
    private void processDeletingDependents(Monitor m, GenericKubernetesResource owner) {
        String uid = owner.getMetadata().getUid();
        boolean blocked = false;
        for (Dependent d : dependents(uid)) {
            for (OwnerReference r : ownerRefs(d.object().getMetadata())) {
                if (uid.equals(r.getUid()) && Boolean.TRUE.equals(r.getBlockOwnerDeletion())) {
                    blocked = true;
                }
            }
            if (d.object().getMetadata().getDeletionTimestamp() == null
                    || finalizing(d.object().getMetadata()) != null) {
                enqueue(key(d.monitor(), d.object()));
            }
        }
        if (!blocked) {
            LOG.info("garbage collector finished the foreground deletion of {}", key(m, owner));
            removeFinalizer(m, owner, FOREGROUND);
        }
    }

    /** Removes the references with these uids, on the live object (guarded by its resourceVersion). */
    private void removeOwnerRefs(Monitor m, String namespace, String name, Set<String> uids) {
        Resource<GenericKubernetesResource> r = resource(m, namespace, name);
        for (int attempt = 0; attempt < GUARDED_ATTEMPTS; attempt++) {
            GenericKubernetesResource live = r.get();
            if (live == null) {
                return;
            }
            List<Map<String, Object>> kept = new ArrayList<>();
            boolean found = false;
            for (OwnerReference ref : ownerRefs(live.getMetadata())) {
                if (uids.contains(ref.getUid())) {
                    found = true;
                } else {
                    kept.add(ControllerRefManager.refMap(ref));
                }
            }
            if (!found) {
                return;
            }
            String op = kept.isEmpty() ? "{\"op\":\"remove\",\"path\":\"/metadata/ownerReferences\"}"
                    : GuardedPatch.set("/metadata/ownerReferences", kept);
            if (GuardedPatch.apply(r, live, op)) {
                return;
            }
        }
        throw new IllegalStateException("owner references of " + m.id() + " " + namespace + "/" + name
                + " kept changing");
    }

    private void removeFinalizer(Monitor m, GenericKubernetesResource cached, String finalizer) {
        GuardedPatch.removeFinalizer(resource(m, cached.getMetadata().getNamespace(), cached.getMetadata().getName()),
                cached.getMetadata().getUid(), finalizer);
    }

    private Resource<GenericKubernetesResource> resource(Monitor m, String namespace, String name) {
        var op = ctx.client().genericKubernetesResources(m.rdc());
        return m.namespaced() ? op.inNamespace(namespace).withName(name) : op.withName(name);
    }


    static List<OwnerReference> ownerRefs(ObjectMeta meta) {
        return meta == null || meta.getOwnerReferences() == null ? List.of() : meta.getOwnerReferences();
    }


    /** The garbage collector's finalizer an object being deleted waits on: orphan first, as upstream. */
    static String finalizing(ObjectMeta meta) {
        if (meta.getDeletionTimestamp() == null) {
            return null;
        }
        return GuardedPatch.hasFinalizer(meta, ORPHAN) ? ORPHAN
                : GuardedPatch.hasFinalizer(meta, FOREGROUND) ? FOREGROUND : null;
    }

    /**
     * What the graph holds for an object, or null; {@code id} is {@code group/version/resource} ({@code /v1/pods}).
     * For tests, which wait on it before an action that needs the graph to know an object (as upstream's tests wait
     * on {@code GraphHasUID}).
     */
    public GenericKubernetesResource cached(String id, String namespace, String name) {
        Monitor m = monitors.get(id);
        return m == null ? null : m.informer().getStore().getByKey(m.storeKey(namespace, name));
    }

    @Override
    public void close() {
        super.close();
        monitors.values().forEach(m -> m.informer().close());
    }
}
