package io.kube4j.scheduler.framework.plugins.volumebinding;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.kube4j.scheduler.framework.CycleState;
import io.kube4j.scheduler.framework.FilterPlugin;
import io.kube4j.scheduler.framework.NodeInfo;
import io.kube4j.scheduler.framework.PodInfo;
import io.kube4j.scheduler.framework.PreBindPlugin;
import io.kube4j.scheduler.framework.PreFilterPlugin;
import io.kube4j.scheduler.framework.Status;
import io.kube4j.scheduler.framework.plugins.nodeaffinity.NodeSelectorTerms;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Upstream's VolumeBinding plugin, for what kube4j's storage needs. PreFilter reads the pod's claims: an unbound
 * claim of an Immediate class (or of no class) makes the pod unschedulable until the binder binds it; claims of a
 * WaitForFirstConsumer class are bound on the chosen node. Filter rejects nodes outside a bound volume's
 * nodeAffinity, and nodes where a waiting claim finds no free volume and its class cannot provision
 * ({@code kubernetes.io/no-provisioner}). PreBind pre-binds the free volume Filter chose for a waiting claim (its
 * claimRef), or else writes {@code volume.kubernetes.io/selected-node} on the claim (the provisioner reacts), and
 * waits until every claim is bound, so the kubelet finds the volume. Stateless between cycles;
 * thread-safe.
 */
public final class VolumeBinding implements PreFilterPlugin, FilterPlugin, PreBindPlugin {
    public static final String NAME = "VolumeBinding";
    public static final String ANN_SELECTED_NODE = "volume.kubernetes.io/selected-node";
    public static final String ERR_UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims";
    public static final String ERR_NODE_CONFLICT = "node(s) had volume node affinity conflict";
    private static final String STATE_KEY = NAME;

    public static final String ERR_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
    /** The provisioner of classes whose volumes are made by hand (upstream's local volumes). */
    static final String NO_PROVISIONER = "kubernetes.io/no-provisioner";

    /**
     * What PreFilter found: volumes bound to the pod's claims, claims waiting for the node with their classes, the
     * volumes to choose from, and per node the volumes Filter chose for the waiting claims.
     */
    record PodVolumes(List<PersistentVolume> bound, List<PersistentVolumeClaim> toBind,
                      Map<String, StorageClass> classes, List<PersistentVolume> volumes,
                      Map<String, Map<String, PersistentVolume>> chosen) {
    }

    private final VolumeObjects objects;
    private final Duration bindTimeout;
    private final Duration pollInterval;

    public VolumeBinding(VolumeObjects objects, Duration bindTimeout, Duration pollInterval) {
        this.objects = objects;
        this.bindTimeout = bindTimeout;
        this.pollInterval = pollInterval;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The names of the claims the pod's volumes use. */
    static List<String> claimNames(PodInfo pod) {
        List<Volume> volumes = pod.pod().getSpec() == null ? null : pod.pod().getSpec().getVolumes();
        List<String> names = new ArrayList<>();
        if (volumes != null) {
            for (Volume v : volumes) {
                if (v.getPersistentVolumeClaim() != null && v.getPersistentVolumeClaim().getClaimName() != null) {
                    names.add(v.getPersistentVolumeClaim().getClaimName());
                } else if (v.getEphemeral() != null) {
                    names.add(pod.pod().getMetadata().getName() + "-" + v.getName());
                }
            }
        }
        return names;
    }

    @Override
    public Status preFilter(CycleState state, PodInfo pod) {
        List<String> names = claimNames(pod);
        if (names.isEmpty()) {
            return Status.SKIP;
        }
        String ns = pod.pod().getMetadata().getNamespace();
        List<PersistentVolume> bound = new ArrayList<>();
        List<PersistentVolumeClaim> toBind = new ArrayList<>();
        Map<String, StorageClass> toBindClasses = new java.util.HashMap<>();
        boolean unboundImmediate = false;
        for (String name : names) {
            PersistentVolumeClaim claim = objects.claim(ns, name);
            if (claim == null) {
                return Status.unresolvable("persistentvolumeclaim \"" + name + "\" not found");
            }
            if (claim.getMetadata().getDeletionTimestamp() != null) {
                return Status.unresolvable("persistentvolumeclaim \"" + name + "\" is being deleted");
            }
            String volumeName = claim.getSpec().getVolumeName();
            if (volumeName != null && !volumeName.isEmpty()) {
                PersistentVolume v = objects.volume(volumeName);
                if (v == null) {
                    return Status.unresolvable("pvc " + ns + "/" + name + " bound to non-existent pv " + volumeName);
                }
                bound.add(v);
                continue;
            }
            String className = claim.getSpec().getStorageClassName();
            StorageClass sc = className == null || className.isEmpty() ? null : objects.storageClass(className);
            if (sc != null && "WaitForFirstConsumer".equals(sc.getVolumeBindingMode())) {
                toBind.add(claim);
                toBindClasses.put(name, sc);
            } else {
                unboundImmediate = true;
            }
        }
        if (unboundImmediate) {
            return Status.unresolvable(ERR_UNBOUND_IMMEDIATE);
        }
        state.write(STATE_KEY, new PodVolumes(bound, toBind, toBindClasses,
                toBind.isEmpty() ? List.of() : objects.volumes(), new java.util.concurrent.ConcurrentHashMap<>()));
        return Status.SUCCESS;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
        PodVolumes pv = state.read(STATE_KEY, PodVolumes.class);
        if (pv == null) {
            return Status.SUCCESS;
        }
        for (PersistentVolume v : pv.bound()) {
            var affinity = v.getSpec().getNodeAffinity();
            if (affinity == null || affinity.getRequired() == null) {
                continue;
            }
            if (node.node() == null
                    || !NodeSelectorTerms.anyMatches(affinity.getRequired().getNodeSelectorTerms(), node.node())) {
                return Status.unresolvable(ERR_NODE_CONFLICT);
            }
        }
        if (pv.toBind().isEmpty() || node.node() == null) {
            return Status.SUCCESS;
        }
        // each waiting claim takes a free volume usable on this node, or is provisioned there
        Map<String, PersistentVolume> chosen = new java.util.HashMap<>();
        java.util.Set<String> taken = new java.util.HashSet<>();
        for (PersistentVolumeClaim c : pv.toBind()) {
            var match = StaticVolumes.match(c, pv.volumes(), node.node(), taken);
            if (match.isPresent()) {
                chosen.put(c.getMetadata().getName(), match.get());
                taken.add(match.get().getMetadata().getName());
            } else if (NO_PROVISIONER.equals(pv.classes().get(c.getMetadata().getName()).getProvisioner())) {
                return Status.unresolvable(ERR_BIND_CONFLICT);
            }
        }
        pv.chosen().put(node.name(), chosen);
        return Status.SUCCESS;
    }

    @Override
    public Status preBind(CycleState state, PodInfo pod, String nodeName) {
        PodVolumes pv = state.read(STATE_KEY, PodVolumes.class);
        if (pv == null || pv.toBind().isEmpty()) {
            return Status.SUCCESS;
        }
        String ns = pod.pod().getMetadata().getNamespace();
        try {
            Map<String, PersistentVolume> chosen = pv.chosen().getOrDefault(nodeName, Map.of());
            for (PersistentVolumeClaim c : pv.toBind()) {
                Map<String, String> a = c.getMetadata().getAnnotations();
                PersistentVolume volume = chosen.get(c.getMetadata().getName());
                if (volume != null) {
                    objects.bindVolume(volume, c);
                } else if (a == null || !nodeName.equals(a.get(ANN_SELECTED_NODE))) {
                    objects.selectNode(ns, c.getMetadata().getName(), nodeName);
                }
            }
            long deadline = System.nanoTime() + bindTimeout.toNanos();
            for (PersistentVolumeClaim c : pv.toBind()) {
                while (true) {
                    PersistentVolumeClaim now = objects.claim(ns, c.getMetadata().getName());
                    if (now == null) {
                        return Status.error("persistentvolumeclaim \"" + c.getMetadata().getName() + "\" not found");
                    }
                    if (now.getSpec().getVolumeName() != null && !now.getSpec().getVolumeName().isEmpty()
                            && now.getStatus() != null && "Bound".equals(now.getStatus().getPhase())) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        return Status.error("binding volumes: context deadline exceeded");
                    }
                    Thread.sleep(pollInterval.toMillis());
                }
            }
            return Status.SUCCESS;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Status.error("binding volumes: interrupted");
        } catch (RuntimeException e) {
            return Status.error("binding volumes: " + e.getMessage());
        }
    }
}
