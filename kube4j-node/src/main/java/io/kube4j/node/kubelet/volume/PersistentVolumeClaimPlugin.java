package io.kube4j.node.kubelet.volume;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code persistentVolumeClaim}: follows the bound claim to its PersistentVolume and uses that volume's node path
 * ({@code hostPath}, with its type checks, or {@code local}). Upstream mounts such volumes in place too, so the
 * path handed to the runtime is the PV's own, not a directory under the pod.
 */
final class PersistentVolumeClaimPlugin implements VolumePlugin {
    private final VolumeSources sources;

    PersistentVolumeClaimPlugin(VolumeSources sources) {
        this.sources = sources;
    }

    @Override
    public String dirName() {
        return "kubernetes.io~pvc";
    }

    @Override
    public boolean supports(Volume volume) {
        return volume.getPersistentVolumeClaim() != null;
    }

    @Override
    public boolean readOnly(Volume volume) {
        return Boolean.TRUE.equals(volume.getPersistentVolumeClaim().getReadOnly());
    }

    @Override
    public Path setUp(Pod pod, Volume v, Path dir) throws VolumeManager.MountException {
        String ns = pod.getMetadata().getNamespace();
        String name = v.getPersistentVolumeClaim().getClaimName();
        PersistentVolumeClaim claim = sources.claim().apply(ns, name);
        if (claim == null) {
            throw new VolumeManager.MountException(VolumeManager.failed(v,
                    "persistentvolumeclaim \"" + name + "\" not found"));
        }
        String phase = claim.getStatus() == null ? "" : String.valueOf(claim.getStatus().getPhase());
        String volumeName = claim.getSpec() == null || claim.getSpec().getVolumeName() == null ? ""
                : claim.getSpec().getVolumeName();
        if (!"Bound".equals(phase) || volumeName.isEmpty()) {
            throw new VolumeManager.MountException(VolumeManager.failed(v, "PVC " + ns + "/" + name
                    + " has non-bound phase (\"" + (phase.equals("null") ? "" : phase)
                    + "\") or empty pvc.Spec.VolumeName (\"" + volumeName + "\")"));
        }
        PersistentVolume pv = sources.persistentVolume().apply(volumeName);
        if (pv == null) {
            throw new VolumeManager.MountException(VolumeManager.failed(v,
                    "persistentvolume \"" + volumeName + "\" not found"));
        }
        var spec = pv.getSpec();
        if (spec.getHostPath() != null) {
            Path path = Path.of(spec.getHostPath().getPath());
            HostPathPlugin.check(v, path, spec.getHostPath().getType() == null ? "" : spec.getHostPath().getType());
            return path;
        }
        if (spec.getLocal() != null) {
            Path path = Path.of(spec.getLocal().getPath());
            if (!Files.exists(path)) {
                throw new VolumeManager.MountException(VolumeManager.failed(v,
                        "path \"" + path + "\" does not exist"));
            }
            return path;
        }
        throw new VolumeManager.MountException(VolumeManager.failed(v, "persistentvolume \"" + volumeName
                + "\" is of a type this node cannot mount (only hostPath and local)"));
    }
}
