package io.kube4j.node.kubelet.volume;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** {@code emptyDir}: a world-writable directory per pod, or a tmpfs sized by {@code sizeLimit} for medium Memory. */
final class EmptyDirPlugin implements VolumePlugin {
    static final String DIR_NAME = "kubernetes.io~empty-dir";

    @Override
    public String dirName() {
        return DIR_NAME;
    }

    @Override
    public boolean supports(Volume volume) {
        return volume.getEmptyDir() != null;
    }

    @Override
    public Path setUp(Pod pod, Volume v, Path dir) throws VolumeManager.MountException {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                // world-writable like upstream's emptyDir, so containers running as any user can write
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
                if ("Memory".equals(v.getEmptyDir().getMedium())) {
                    Tmpfs.ensureMounted(dir, v.getEmptyDir().getSizeLimit());
                }
            }
        } catch (IOException e) {
            throw new VolumeManager.MountException(VolumeManager.failed(v, e.getMessage()));
        }
        return dir;
    }
}
