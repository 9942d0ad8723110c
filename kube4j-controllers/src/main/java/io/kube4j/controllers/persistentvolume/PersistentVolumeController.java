package io.kube4j.controllers.persistentvolume;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeStatus;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kube4j.client.events.EventRecorder;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.ControllerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Upstream's PersistentVolume binder (pkg/controller/volume/persistentvolume): binds claims to volumes
 * ({@link VolumeMatcher}), keeps both sides' phases, and releases a volume whose claim is gone. Claims of a
 * WaitForFirstConsumer class wait for the scheduler's {@code volume.kubernetes.io/selected-node}; claims of a class
 * with a provisioner wait for it (kube4j's is {@code io.kube4j.controllers.localpath}). Deleting a Released volume of
 * policy Delete is its provisioner's job. One queue with keys {@code claim:ns/name} and {@code volume:name}; one
 * worker, so two claims never take the same volume from a stale cache.
 */
public final class PersistentVolumeController extends Controller {
    private static final Logger LOG = LoggerFactory.getLogger(PersistentVolumeController.class);
    static final String COMPONENT = "persistentvolume-controller";
    public static final String ANN_BIND_COMPLETED = "pv.kubernetes.io/bind-completed";
    public static final String ANN_BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller";
    public static final String ANN_SELECTED_NODE = "volume.kubernetes.io/selected-node";
    public static final String ANN_STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner";
    public static final String ANN_BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner";
    public static final String ANN_PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";
    static final String CLAIM = "claim:";
    static final String VOLUME = "volume:";

    private SharedIndexInformer<PersistentVolumeClaim> claims;
    private SharedIndexInformer<PersistentVolume> volumes;
    private SharedIndexInformer<StorageClass> classes;
    private EventRecorder events;
    /** Volumes this controller just bound, by name, until the informer shows a newer object: no double binding. */
    private final Map<String, String> boundTo = new HashMap<>();

    public PersistentVolumeController(ControllerContext ctx) {
        super(ctx);
    }

    @Override
    public String name() {
        return "persistentvolume-binder";
    }

    @Override
    protected int workers() {
        return 1;
    }

    @Override
    protected void register() {
        events = ctx.events(COMPONENT);
        claims = ctx.informer(PersistentVolumeClaim.class);
        volumes = ctx.informer(PersistentVolume.class);
        classes = ctx.informer(StorageClass.class);
        enqueueOn(claims, c -> CLAIM + key(c));
        enqueueOn(volumes, v -> VOLUME + key(v));
        // a new volume or class may be what a pending claim waits for
        classes.addEventHandler(new io.fabric8.kubernetes.client.informers.ResourceEventHandler<>() {
            @Override
            public void onAdd(StorageClass c) {
                pendingClaims();
            }

            @Override
            public void onUpdate(StorageClass o, StorageClass c) {
                pendingClaims();
            }

            @Override
            public void onDelete(StorageClass c, boolean unknown) {
            }
        });
        claims.addEventHandler(new io.fabric8.kubernetes.client.informers.ResourceEventHandler<>() {
            @Override
            public void onAdd(PersistentVolumeClaim c) {
            }

            @Override
            public void onUpdate(PersistentVolumeClaim o, PersistentVolumeClaim c) {
            }

            @Override
            public void onDelete(PersistentVolumeClaim c, boolean unknown) {
                // its volume is released
                String v = c.getSpec().getVolumeName();
                if (v != null && !v.isEmpty()) {
                    enqueue(VOLUME + v);
                }
            }
        });
        volumes.addEventHandler(new io.fabric8.kubernetes.client.informers.ResourceEventHandler<>() {
            @Override
            public void onAdd(PersistentVolume v) {
                pendingClaims();
            }

            @Override
            public void onUpdate(PersistentVolume o, PersistentVolume v) {
                if (v.getSpec().getClaimRef() == null) {
                    pendingClaims();
                }
            }

            @Override
            public void onDelete(PersistentVolume v, boolean unknown) {
            }
        });
    }

    private void pendingClaims() {
        for (PersistentVolumeClaim c : claims.getStore().list()) {
            if (c.getSpec().getVolumeName() == null || c.getSpec().getVolumeName().isEmpty()) {
                enqueue(CLAIM + key(c));
            }
        }
    }

    @Override
    protected void sync(String key) {
        if (key.startsWith(CLAIM)) {
            PersistentVolumeClaim c = claims.getStore().getByKey(key.substring(CLAIM.length()));
            if (c != null && c.getMetadata().getDeletionTimestamp() == null) {
                syncClaim(c);
            }
        } else if (key.startsWith(VOLUME)) {
            PersistentVolume v = volumes.getStore().getByKey(key.substring(VOLUME.length()));
            if (v != null) {
                syncVolume(v);
            }
        }
    }

    private void syncClaim(PersistentVolumeClaim claim) {
        String volumeName = claim.getSpec().getVolumeName();
        if (volumeName == null || volumeName.isEmpty()) {
            syncUnboundClaim(claim);
            return;
        }
        PersistentVolume volume = volumes.getStore().getByKey(volumeName);
        if (volume == null) {
            if (annotation(claim, ANN_BIND_COMPLETED) != null) {
                if (!"Lost".equals(claimPhase(claim))) {
                    claimStatus(claim, "Lost", null);
                    events.warning(claim, null, "ClaimLost",
                            "Bound claim has lost its PersistentVolume. Data on the volume is lost!");
                }
            } else {
                claimStatus(claim, "Pending", null); // pre-bound to a volume that does not exist yet
            }
            return;
        }
        ObjectReference ref = volume.getSpec().getClaimRef();
        if (ref == null || VolumeMatcher.isBoundTo(volume, claim)) {
            bind(volume, claim);
        } else if (!"Lost".equals(claimPhase(claim))) {
            claimStatus(claim, "Lost", null);
            events.warning(claim, null, "ClaimMisbound",
                    "Two claims are bound to the same volume, this one is bound incorrectly");
        }
    }

    private void syncUnboundClaim(PersistentVolumeClaim claim) {
        String className = VolumeMatcher.claimClass(claim);
        StorageClass sc = className.isEmpty() ? null : classes.getStore().getByKey(className);
        boolean delay = sc != null && "WaitForFirstConsumer".equals(sc.getVolumeBindingMode());
        Optional<PersistentVolume> match = VolumeMatcher.findBestMatch(claim,
                volumes.getStore().list().stream().filter(v -> !boundTo.containsKey(v.getMetadata().getName())
                        || boundTo.get(v.getMetadata().getName()).equals(claim.getMetadata().getUid())).toList(),
                delay);
        if (match.isPresent()) {
            bind(match.get(), claim);
            return;
        }
        if (!"Pending".equals(claimPhase(claim))) {
            claimStatus(claim, "Pending", null);
        }
        if (delay && annotation(claim, ANN_SELECTED_NODE) == null) {
            events.normal(claim, null, "WaitForFirstConsumer",
                    "waiting for first consumer to be created before binding");
        } else if (!className.isEmpty()) {
            String provisioner = sc == null ? null : sc.getProvisioner();
            if (provisioner == null) {
                events.warning(claim, null, "ProvisioningFailed",
                        "storageclass.storage.k8s.io \"" + className + "\" not found");
                return;
            }
            if (!provisioner.equals(annotation(claim, ANN_STORAGE_PROVISIONER))) {
                PersistentVolumeClaim copy = new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder(claim)
                        .build();
                annotations(copy.getMetadata()).put(ANN_STORAGE_PROVISIONER, provisioner);
                annotations(copy.getMetadata()).put(ANN_BETA_STORAGE_PROVISIONER, provisioner);
                ctx.client().persistentVolumeClaims().resource(copy).update();
            }
            events.normal(claim, null, "ExternalProvisioning", "Waiting for a volume to be created either by the "
                    + "external provisioner '" + provisioner + "' or manually by the system administrator. If volume "
                    + "creation is delayed, please verify that the provisioner is running and correctly registered.");
        } else {
            events.normal(claim, null, "FailedBinding",
                    "no persistent volumes available for this claim and no storage class is set");
        }
    }

    /** Writes both sides of a binding, each step only when missing (upstream's bind: volume, then claim). */
    private void bind(PersistentVolume volume, PersistentVolumeClaim claim) {
        String pvName = volume.getMetadata().getName();
        ObjectReference ref = volume.getSpec().getClaimRef();
        if (ref == null || ref.getUid() == null || ref.getUid().isEmpty()) {
            PersistentVolume copy = new io.fabric8.kubernetes.api.model.PersistentVolumeBuilder(volume).build();
            copy.getSpec().setClaimRef(new ObjectReferenceBuilder().withKind("PersistentVolumeClaim")
                    .withApiVersion("v1").withNamespace(claim.getMetadata().getNamespace())
                    .withName(claim.getMetadata().getName()).withUid(claim.getMetadata().getUid())
                    .withResourceVersion(claim.getMetadata().getResourceVersion()).build());
            if (ref == null) {
                annotations(copy.getMetadata()).put(ANN_BOUND_BY_CONTROLLER, "yes");
            }
            volume = ctx.client().persistentVolumes().resource(copy).update();
            boundTo.put(pvName, claim.getMetadata().getUid());
            LOG.info("volume={} claim={} bound", pvName, key(claim));
        }
        if (!"Bound".equals(volume.getStatus() == null ? null : volume.getStatus().getPhase())) {
            PersistentVolume copy = new io.fabric8.kubernetes.api.model.PersistentVolumeBuilder(volume).build();
            copy.setStatus(new PersistentVolumeStatus(now(), null, "Bound", null));
            volume = ctx.client().persistentVolumes().resource(copy).updateStatus();
        }
        if (!pvName.equals(claim.getSpec().getVolumeName()) || annotation(claim, ANN_BIND_COMPLETED) == null) {
            PersistentVolumeClaim copy = new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder(claim).build();
            if (!pvName.equals(copy.getSpec().getVolumeName())) {
                copy.getSpec().setVolumeName(pvName);
                annotations(copy.getMetadata()).put(ANN_BOUND_BY_CONTROLLER, "yes");
            }
            annotations(copy.getMetadata()).put(ANN_BIND_COMPLETED, "yes");
            claim = ctx.client().persistentVolumeClaims().resource(copy).update();
        }
        PersistentVolumeClaimStatus st = claim.getStatus();
        if (st == null || !"Bound".equals(st.getPhase())
                || !Objects.equals(st.getCapacity(), volume.getSpec().getCapacity())
                || !Objects.equals(st.getAccessModes(), volume.getSpec().getAccessModes())) {
            claimStatus(claim, "Bound", volume);
        }
    }

    private void claimStatus(PersistentVolumeClaim claim, String phase, PersistentVolume volume) {
        PersistentVolumeClaim copy = new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder(claim).build();
        PersistentVolumeClaimStatus st = copy.getStatus() == null ? new PersistentVolumeClaimStatus() : copy.getStatus();
        st.setPhase(phase);
        if (volume != null) {
            st.setCapacity(volume.getSpec().getCapacity());
            st.setAccessModes(volume.getSpec().getAccessModes());
        } else if (!"Lost".equals(phase)) {
            st.setCapacity(null);
            st.setAccessModes(null);
        }
        copy.setStatus(st);
        ctx.client().persistentVolumeClaims().resource(copy).updateStatus();
    }

    private void syncVolume(PersistentVolume volume) {
        String name = volume.getMetadata().getName();
        ObjectReference ref = volume.getSpec().getClaimRef();
        if (ref == null) {
            boundTo.remove(name);
            volumePhase(volume, "Available", null);
            return;
        }
        PersistentVolumeClaim claim = claims.getStore().getByKey(ref.getNamespace() + "/" + ref.getName());
        if (ref.getUid() == null || ref.getUid().isEmpty()) {
            // pre-bound by a user: the claim's sync binds it
            volumePhase(volume, "Available", null);
            if (claim != null) {
                enqueue(CLAIM + key(claim));
            }
            return;
        }
        if (claim == null || !ref.getUid().equals(claim.getMetadata().getUid())) {
            boundTo.remove(name);
            release(volume);
            return;
        }
        if (claim.getSpec().getVolumeName() == null || claim.getSpec().getVolumeName().isEmpty()) {
            enqueue(CLAIM + key(claim)); // the binding is half done: finish it from the claim's side
            return;
        }
        if (name.equals(claim.getSpec().getVolumeName())) {
            boundTo.remove(name);
            volumePhase(volume, "Bound", null);
            return;
        }
        // the claim went to another volume: undo what this controller did, leave a user's pre-binding alone
        if ("yes".equals(annotation(volume, ANN_BOUND_BY_CONTROLLER))) {
            PersistentVolume copy = new io.fabric8.kubernetes.api.model.PersistentVolumeBuilder(volume).build();
            copy.getSpec().setClaimRef(null);
            copy.getMetadata().getAnnotations().remove(ANN_BOUND_BY_CONTROLLER);
            ctx.client().persistentVolumes().resource(copy).update();
        }
    }

    /** The claim is gone: Released, then the reclaim policy (Delete is left to the volume's provisioner). */
    private void release(PersistentVolume volume) {
        String policy = volume.getSpec().getPersistentVolumeReclaimPolicy();
        String phase = volume.getStatus() == null ? null : volume.getStatus().getPhase();
        if ("Failed".equals(phase)) {
            return;
        }
        if (!"Released".equals(phase)) {
            volume = volumePhase(volume, "Released", null);
        }
        if ("Recycle".equals(policy)) {
            volumePhase(volume, "Failed", "No recycler plugin found for the volume!");
            events.warning(volume, null, "VolumeFailedRecycle", "No recycler plugin found for the volume!");
        } else if ("Delete".equals(policy) && annotation(volume, ANN_PROVISIONED_BY) == null) {
            String msg = "error getting deleter volume plugin for volume \"" + volume.getMetadata().getName()
                    + "\": no deletable volume plugin matched";
            volumePhase(volume, "Failed", msg);
            events.warning(volume, null, "VolumeFailedDelete", msg);
        }
    }

    private PersistentVolume volumePhase(PersistentVolume volume, String phase, String message) {
        PersistentVolumeStatus st = volume.getStatus();
        if (st != null && phase.equals(st.getPhase()) && Objects.equals(message, st.getMessage())) {
            return volume;
        }
        PersistentVolume copy = new io.fabric8.kubernetes.api.model.PersistentVolumeBuilder(volume).build();
        // upstream stamps every phase change (lastPhaseTransitionTime, GA in 1.31)
        String since = st != null && phase.equals(st.getPhase()) ? st.getLastPhaseTransitionTime() : now();
        copy.setStatus(new PersistentVolumeStatus(since, message, phase, null));
        return ctx.client().persistentVolumes().resource(copy).updateStatus();
    }

    private String now() {
        return ctx.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    private static String claimPhase(PersistentVolumeClaim c) {
        return c.getStatus() == null ? null : c.getStatus().getPhase();
    }

    private static String annotation(io.fabric8.kubernetes.api.model.HasMetadata o, String name) {
        Map<String, String> a = o.getMetadata().getAnnotations();
        return a == null ? null : a.get(name);
    }

    private static Map<String, String> annotations(io.fabric8.kubernetes.api.model.ObjectMeta meta) {
        if (meta.getAnnotations() == null) {
            meta.setAnnotations(new HashMap<>());
        }
        return meta.getAnnotations();
    }
}
