package io.kube4j.controllers.pvcprotection;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.ControllerContext;
import io.kube4j.controllers.GuardedPatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Upstream's pvc-protection controller: a PersistentVolumeClaim carries the finalizer
 * {@value #FINALIZER} (put there by the StorageObjectInUseProtection admission, or by this controller for older
 * claims), and once the claim is being deleted the finalizer goes only when no pod uses it any more. A pod uses a claim
 * when it is scheduled, not finished (Succeeded/Failed), and names the claim in a persistentVolumeClaim volume or
 * through a generic ephemeral volume ({@code <pod>-<volume>}). The informer's answer "unused" is confirmed with a
 * live LIST, so a pod the cache has not seen yet still protects the claim. Keys are claim keys; pod events queue
 * the claims the pod names. Thread-safe as every Controller.
 */
public final class PvcProtectionController extends Controller {
    private static final Logger LOG = LoggerFactory.getLogger(PvcProtectionController.class);
    public static final String FINALIZER = "kubernetes.io/pvc-protection";

    private SharedIndexInformer<PersistentVolumeClaim> claims;
    private SharedIndexInformer<Pod> pods;

    public PvcProtectionController(ControllerContext ctx) {
        super(ctx);
    }

    @Override
    public String name() {
        return "pvc-protection";
    }

    @Override
    protected void register() {
        claims = ctx.informer(PersistentVolumeClaim.class);
        pods = ctx.informer(Pod.class);
        enqueueOn(claims, c -> needsWork(c) ? key(c) : null);
        pods.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                claimKeys(pod).forEach(PvcProtectionController.this::enqueue);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod pod) {
                claimKeys(pod).forEach(PvcProtectionController.this::enqueue);
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
                claimKeys(pod).forEach(PvcProtectionController.this::enqueue);
            }
        });
    }

    private static boolean needsWork(PersistentVolumeClaim c) {
        boolean has = GuardedPatch.hasFinalizer(c.getMetadata(), FINALIZER);
        return c.getMetadata().getDeletionTimestamp() == null ? !has : has;
    }

    @Override
    protected void sync(String key) {
        PersistentVolumeClaim claim = claims.getStore().getByKey(key);
        if (claim == null || !needsWork(claim)) {
            return;
        }
        var resource = ctx.client().persistentVolumeClaims().inNamespace(claim.getMetadata().getNamespace())
                .withName(claim.getMetadata().getName());
        if (claim.getMetadata().getDeletionTimestamp() == null) {
            GuardedPatch.addFinalizer(resource, claim.getMetadata().getUid(), FINALIZER);
            return;
        }
        String ns = claim.getMetadata().getNamespace();
        String name = claim.getMetadata().getName();
        if (anyUses(pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, ns), name)
                || anyUses(ctx.client().pods().inNamespace(ns).list().getItems(), name)) {
            LOG.debug("claim {} is in use; its deletion waits", key);
            return;
        }
        GuardedPatch.removeFinalizer(resource, claim.getMetadata().getUid(), FINALIZER);
        LOG.info("removed {} from claim {}", FINALIZER, key);
    }

    private static boolean anyUses(Collection<Pod> pods, String claim) {
        for (Pod pod : pods) {
            if (uses(pod, claim)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code pod} holds the claim named {@code claim} of its namespace. */
    static boolean uses(Pod pod, String claim) {
        if (pod.getSpec() == null || pod.getSpec().getNodeName() == null || pod.getSpec().getNodeName().isEmpty()) {
            // the kubelet sees only scheduled pods, and it does not start one whose claim is being deleted
            return false;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            return false;
        }
        return claimNames(pod).contains(claim);
    }

    /** The names of the claims a pod's volumes refer to. */
    static Set<String> claimNames(Pod pod) {
        Set<String> names = new LinkedHashSet<>();
        if (pod.getSpec() == null || pod.getSpec().getVolumes() == null) {
            return names;
        }
        for (Volume v : pod.getSpec().getVolumes()) {
            if (v.getPersistentVolumeClaim() != null && v.getPersistentVolumeClaim().getClaimName() != null) {
                names.add(v.getPersistentVolumeClaim().getClaimName());
            } else if (v.getEphemeral() != null) {
                names.add(pod.getMetadata().getName() + "-" + v.getName());
            }
        }
        return names;
    }

    private static Set<String> claimKeys(Pod pod) {
        Set<String> keys = new LinkedHashSet<>();
        for (String name : claimNames(pod)) {
            keys.add(pod.getMetadata().getNamespace() + "/" + name);
        }
        return keys;
    }
}
