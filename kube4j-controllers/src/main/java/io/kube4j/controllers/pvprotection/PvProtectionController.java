package io.kube4j.controllers.pvprotection;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.ControllerContext;
import io.kube4j.controllers.GuardedPatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstream's pv-protection controller: a PersistentVolume carries the finalizer {@value #FINALIZER} (put there by
 * the StorageObjectInUseProtection admission, or by this controller for older volumes), and once the volume is being
 * deleted the finalizer goes only when the volume is no longer Bound to a claim. Keys are volume names; the live
 * object is read again before the finalizer goes. Thread-safe as every Controller.
 */
public final class PvProtectionController extends Controller {
    private static final Logger LOG = LoggerFactory.getLogger(PvProtectionController.class);
    public static final String FINALIZER = "kubernetes.io/pv-protection";

    private SharedIndexInformer<PersistentVolume> volumes;

    public PvProtectionController(ControllerContext ctx) {
        super(ctx);
    }

    @Override
    public String name() {
        return "pv-protection";
    }

    @Override
    protected void register() {
        volumes = ctx.informer(PersistentVolume.class);
        enqueueOn(volumes, v -> needsWork(v) ? key(v) : null);
    }

    private static boolean needsWork(PersistentVolume v) {
        boolean has = GuardedPatch.hasFinalizer(v.getMetadata(), FINALIZER);
        return v.getMetadata().getDeletionTimestamp() == null ? !has : has;
    }

    @Override
    protected void sync(String key) {
        PersistentVolume volume = volumes.getStore().getByKey(key);
        if (volume == null || !needsWork(volume)) {
            return;
        }
        var resource = ctx.client().persistentVolumes().withName(volume.getMetadata().getName());
        if (volume.getMetadata().getDeletionTimestamp() == null) {
            GuardedPatch.addFinalizer(resource, volume.getMetadata().getUid(), FINALIZER);
            return;
        }
        PersistentVolume live = resource.get();
        if (live == null || isBound(live)) {
            // still bound: the binder moves it to Released when its claim goes, and that update queues it again
            return;
        }
        GuardedPatch.removeFinalizer(resource, volume.getMetadata().getUid(), FINALIZER);
        LOG.info("removed {} from volume {}", FINALIZER, key);
    }

    static boolean isBound(PersistentVolume v) {
        return v.getStatus() != null && "Bound".equals(v.getStatus().getPhase());
    }
}
