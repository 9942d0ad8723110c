package io.kube4j.controllers.localpath;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kube4j.client.events.EventRecorder;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.ControllerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube4j's local-path provisioner, in the spirit of k3s's: creates the default StorageClass {@code local-path} when
 * it is missing; for each unbound claim of a class with provisioner {@code kube4j.io/local-path} that the scheduler
 * gave a node ({@code volume.kubernetes.io/selected-node}), creates the hostPath PersistentVolume
 * {@code pvc-<uid>} under the nodes' storage directory, pre-bound to the claim, with nodeAffinity to that node (the
 * binder then binds it; the kubelet creates the directory). When such a volume is Released with policy Delete, a
 * helper pod on its node removes the directory, then the volume is deleted. Keys: {@code class},
 * {@code claim:ns/name}, {@code volume:name}. Volumes it created are remembered until its informer shows them.
 */
public final class LocalPathProvisioner extends Controller {
    private static final Logger LOG = LoggerFactory.getLogger(LocalPathProvisioner.class);
    static final String COMPONENT = LocalPathVolumes.PROVISIONER + "_" + "kube4j";
    static final String HELPER_NAMESPACE = "kube-system";
    private static final String CLASS_KEY = "class";
    private static final String CLAIM = "claim:";
    private static final String VOLUME = "volume:";

    private final String dir;
    private final Set<String> created = ConcurrentHashMap.newKeySet();
    private SharedIndexInformer<PersistentVolumeClaim> claims;
    private SharedIndexInformer<PersistentVolume> volumes;
    private SharedIndexInformer<StorageClass> classes;
    private SharedIndexInformer<Pod> pods;
    private EventRecorder events;

    /** @param dir the directory on every node under which volumes live (the nodes' {@code <data dir>/agent/storage}) */
    public LocalPathProvisioner(ControllerContext ctx, String dir) {
        super(ctx);
        this.dir = dir == null || dir.isBlank() ? LocalPathVolumes.DEFAULT_DIR : dir;
    }

    @Override
    public String name() {
        return "local-path-provisioner";
    }

    @Override
    protected void register() {
        events = ctx.events(COMPONENT);
        claims = ctx.informer(PersistentVolumeClaim.class);
        volumes = ctx.informer(PersistentVolume.class);
        classes = ctx.informer(StorageClass.class);
        pods = ctx.informer(Pod.class);
        enqueueOn(claims, c -> CLAIM + key(c));
        enqueueOn(volumes, v -> VOLUME + key(v));
        enqueueOn(classes, c -> LocalPathVolumes.CLASS_NAME.equals(c.getMetadata().getName()) ? CLASS_KEY : null);
        enqueueOn(pods, p -> HELPER_NAMESPACE.equals(p.getMetadata().getNamespace())
                && p.getMetadata().getName().startsWith("helper-pod-delete-")
                ? VOLUME + p.getMetadata().getName().substring("helper-pod-delete-".length()) : null);
        enqueue(CLASS_KEY);
    }

    @Override
    protected void sync(String key) {
        if (key.equals(CLASS_KEY)) {
            ensureClass();
        } else if (key.startsWith(CLAIM)) {
            PersistentVolumeClaim c = claims.getStore().getByKey(key.substring(CLAIM.length()));
            if (c != null) {
                syncClaim(c);
            }
        } else if (key.startsWith(VOLUME)) {
            String name = key.substring(VOLUME.length());
            PersistentVolume v = volumes.getStore().getByKey(name);
            created.remove(name);
            if (v != null) {
                syncVolume(v);
            }
        }
    }

    private void ensureClass() {
        if (classes.getStore().getByKey(LocalPathVolumes.CLASS_NAME) != null) {
            return;
        }
        try {
            ctx.client().storage().v1().storageClasses().resource(LocalPathVolumes.storageClass()).create();
            LOG.info("storageclass={} created", LocalPathVolumes.CLASS_NAME);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    private void syncClaim(PersistentVolumeClaim claim) {
        if (claim.getMetadata().getDeletionTimestamp() != null
                || (claim.getSpec().getVolumeName() != null && !claim.getSpec().getVolumeName().isEmpty())) {
            return;
        }
        String className = claim.getSpec().getStorageClassName();
        StorageClass sc = className == null ? null : classes.getStore().getByKey(className);
        if (sc == null || !LocalPathVolumes.PROVISIONER.equals(sc.getProvisioner())) {
            return;
        }
        String volumeName = LocalPathVolumes.volumeName(claim);
        if (created.contains(volumeName) || volumes.getStore().getByKey(volumeName) != null) {
            return;
        }
        Map<String, String> a = claim.getMetadata().getAnnotations();
        String node = a == null ? null : a.get("volume.kubernetes.io/selected-node");
        if (node == null || node.isEmpty()) {
            if (!"WaitForFirstConsumer".equals(sc.getVolumeBindingMode())) {
                events.warning(claim, null, "ProvisioningFailed", "failed to provision volume with StorageClass \""
                        + className + "\": configuration error, no node was specified");
            }
            return;
        }
        events.normal(claim, null, "Provisioning", "External provisioner is provisioning volume for claim \""
                + key(claim) + "\"");
        created.add(volumeName);
        try {
            ctx.client().persistentVolumes().resource(LocalPathVolumes.volume(claim, sc, node, dir)).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                created.remove(volumeName);
                events.warning(claim, null, "ProvisioningFailed", "failed to provision volume with StorageClass \""
                        + className + "\": " + e.getMessage());
                throw e;
            }
        }
        LOG.info("claim={} volume={} node={} provisioned", key(claim), volumeName, node);
        events.normal(claim, null, "ProvisioningSucceeded", "Successfully provisioned volume " + volumeName);
    }

    private void syncVolume(PersistentVolume v) {
        Map<String, String> a = v.getMetadata().getAnnotations();
        if (a == null || !LocalPathVolumes.PROVISIONER.equals(a.get("pv.kubernetes.io/provisioned-by"))
                || !"Delete".equals(v.getSpec().getPersistentVolumeReclaimPolicy())
                || v.getStatus() == null || !"Released".equals(v.getStatus().getPhase())
                || v.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        String node = LocalPathVolumes.node(v).orElse(null);
        if (node == null || v.getSpec().getHostPath() == null) {
            deleteVolume(v);
            return;
        }
        String podName = LocalPathVolumes.helperPodName(v);
        Pod helper = pods.getStore().getByKey(HELPER_NAMESPACE + "/" + podName);
        if (helper == null) {
            // the pod cache may already show the finished helper gone while the volume cache still shows the
            // volume it deleted: read the volume before starting a second helper for it
            PersistentVolume live = ctx.client().persistentVolumes().withName(v.getMetadata().getName()).get();
            if (live == null || live.getMetadata().getDeletionTimestamp() != null
                    || !java.util.Objects.equals(live.getMetadata().getUid(), v.getMetadata().getUid())) {
                return;
            }
            try {
                ctx.client().pods().inNamespace(HELPER_NAMESPACE).resource(
                        LocalPathVolumes.deleterPod(v, node, HELPER_NAMESPACE)).create();
                LOG.info("volume={} node={} helper pod created to delete {}", v.getMetadata().getName(), node,
                        v.getSpec().getHostPath().getPath());
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
            return;
        }
        String phase = helper.getStatus() == null ? null : helper.getStatus().getPhase();
        if ("Succeeded".equals(phase)) {
            ctx.client().pods().inNamespace(HELPER_NAMESPACE).withName(podName).delete();
            deleteVolume(v);
        } else if ("Failed".equals(phase)) {
            ctx.client().pods().inNamespace(HELPER_NAMESPACE).withName(podName).delete();
            String msg = "failed to delete volume " + v.getMetadata().getName() + ": helper pod " + podName
                    + " failed";
            events.warning(v, null, "VolumeFailedDelete", msg);
            throw new IllegalStateException(msg);
        }
    }

    private void deleteVolume(PersistentVolume v) {
        ctx.client().persistentVolumes().withName(v.getMetadata().getName()).delete();
        LOG.info("volume={} deleted", v.getMetadata().getName());
    }
}
