package io.kube4j.node.kubelet.volume;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** {@code hostPath}: the node's own path, after upstream's {@code type} checks (creating it for the *OrCreate types). */
final class HostPathPlugin implements VolumePlugin {
    @Override
    public String dirName() {
        return "kubernetes.io~host-path";
    }

    @Override
    public boolean supports(Volume volume) {
        return volume.getHostPath() != null;
    }

    @Override
    public Path setUp(Pod pod, Volume v, Path dir) throws VolumeManager.MountException {
        Path path = Path.of(v.getHostPath().getPath());
        check(v, path, v.getHostPath().getType() == null ? "" : v.getHostPath().getType());
        return path;
    }

    /** Upstream's hostPath type checks; also used for PersistentVolumes of type hostPath. */
    static void check(Volume v, Path path, String type) throws VolumeManager.MountException {
        try {
            switch (type) {
                case "", "Unset" -> {
                }
                case "DirectoryOrCreate" -> {
                    if (!Files.exists(path)) {
                        Files.createDirectories(path);
                        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
                    } else if (!Files.isDirectory(path)) {
                        throw notA(v, path, "directory");
                    }
                }
                case "Directory" -> {
                    if (!Files.isDirectory(path)) {
                        throw notA(v, path, "directory");
                    }
                }
                case "FileOrCreate" -> {
                    if (!Files.exists(path)) {
                        Files.createDirectories(path.toAbsolutePath().getParent());
                        Files.createFile(path);
                        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
                    } else if (!Files.isRegularFile(path)) {
                        throw notA(v, path, "file");
                    }
                }
                case "File" -> {
                    if (!Files.isRegularFile(path)) {
                        throw notA(v, path, "file");
                    }
                }
                case "Socket", "CharDevice", "BlockDevice" -> {
                    String want = switch (type) {
                        case "Socket" -> "socket";
                        case "CharDevice" -> "character device";
                        default -> "block device";
                    };
                    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS) || !isKind(path, type)) {
                        throw notA(v, path, want);
                    }
                }
                default -> throw new VolumeManager.MountException(VolumeManager.failed(v, "invalid HostPathType " + type));
            }
        } catch (IOException e) {
            throw new VolumeManager.MountException(VolumeManager.failed(v, e.getMessage()));
        }
    }

    private static VolumeManager.MountException notA(Volume v, Path path, String what) {
        return new VolumeManager.MountException(VolumeManager.failed(v,
                "hostPath type check failed: " + path + " is not a " + what));
    }

    private static boolean isKind(Path path, String type) throws IOException {
        Object mode = Files.getAttribute(path, "unix:mode");
        int m = mode instanceof Integer i ? i : 0;
        int fmt = m & 0170000;
        return switch (type) {
            case "Socket" -> fmt == 0140000;
            case "CharDevice" -> fmt == 0020000;
            default -> fmt == 0060000;
        };
    }
}
