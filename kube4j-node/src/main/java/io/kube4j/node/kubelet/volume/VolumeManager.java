package io.kube4j.node.kubelet.volume;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The pod volumes the node can set up now, laid out as upstream's kubelet does under
 * {@code PODS/<uid>/volumes/<plugin>/<name>}: {@code emptyDir} (a directory, or tmpfs for {@code medium: Memory},
 * sized by {@code sizeLimit}) and {@code hostPath} (with its {@code type} checks). Other volume types fail the mount
 * with a message saying they are not supported yet, so the container waits instead of starting without its data.
 * Called by the pod's worker only; different pods' calls are independent.
 */
public final class VolumeManager {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeManager.class);
    static final String EMPTY_DIR = "kubernetes.io~empty-dir";

    /** One bind mount for the runtime. */
    public record Mount(String containerPath, String hostPath, boolean readOnly) {
    }

    /** A volume that could not be set up, with upstream's FailedMount wording. */
    public static final class MountException extends Exception {
        public MountException(String message) {
            super(message);
        }
    }

    private final Path podsDir;

    public VolumeManager(Path podsDir) {
        this.podsDir = podsDir;
    }

    /** Sets up the volumes the container mounts (idempotent) and returns its bind mounts, in spec order. */
    public List<Mount> mountsFor(Pod pod, Container c) throws MountException {
        List<Mount> out = new ArrayList<>();
        if (c.getVolumeMounts() == null) {
            return out;
        }
        for (VolumeMount vm : c.getVolumeMounts()) {
            Volume v = pod.getSpec().getVolumes() == null ? null : pod.getSpec().getVolumes().stream()
                    .filter(x -> x.getName().equals(vm.getName())).findFirst().orElse(null);
            if (v == null) {
                throw new MountException("volume \"" + vm.getName() + "\" not found in the pod's volumes");
            }
            Path source = setUp(pod, v);
            if (vm.getSubPath() != null && !vm.getSubPath().isEmpty()) {
                source = subPath(source, vm.getSubPath(), v);
            }
            out.add(new Mount(vm.getMountPath(), source.toString(), Boolean.TRUE.equals(vm.getReadOnly())));
        }
        return out;
    }

    private Path setUp(Pod pod, Volume v) throws MountException {
        if (v.getEmptyDir() != null) {
            Path dir = podsDir.resolve(pod.getMetadata().getUid()).resolve("volumes").resolve(EMPTY_DIR)
                    .resolve(v.getName());
            try {
                if (!Files.isDirectory(dir)) {
                    Files.createDirectories(dir);
                    // world-writable like upstream's emptyDir, so containers running as any user can write
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
                    if ("Memory".equals(v.getEmptyDir().getMedium())) {
                        mountTmpfs(dir, v.getEmptyDir().getSizeLimit());
                    }
                }
            } catch (IOException e) {
                throw new MountException(failed(v, e.getMessage()));
            }
            return dir;
        }
        if (v.getHostPath() != null) {
            Path path = Path.of(v.getHostPath().getPath());
            checkHostPath(v, path, v.getHostPath().getType() == null ? "" : v.getHostPath().getType());
            return path;
        }
        throw new MountException(failed(v, "volume type " + typeOf(v) + " is not supported by this node yet"));
    }

    static void checkHostPath(Volume v, Path path, String type) throws MountException {
        try {
            switch (type) {
                case "", "Unset" -> {
                }
                case "DirectoryOrCreate" -> {
                    if (!Files.exists(path)) {
                        Files.createDirectories(path);
                        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
                    } else if (!Files.isDirectory(path)) {
                        throw new MountException(failed(v, "hostPath type check failed: " + path + " is not a directory"));
                    }
                }
                case "Directory" -> {
                    if (!Files.isDirectory(path)) {
                        throw new MountException(failed(v, "hostPath type check failed: " + path + " is not a directory"));
                    }
                }
                case "FileOrCreate" -> {
                    if (!Files.exists(path)) {
                        Files.createDirectories(path.toAbsolutePath().getParent());
                        Files.createFile(path);
                        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
                    } else if (!Files.isRegularFile(path)) {
                        throw new MountException(failed(v, "hostPath type check failed: " + path + " is not a file"));
                    }
                }
                case "File" -> {
                    if (!Files.isRegularFile(path)) {
                        throw new MountException(failed(v, "hostPath type check failed: " + path + " is not a file"));
                    }
                }
                case "Socket", "CharDevice", "BlockDevice" -> {
                    String want = switch (type) {
                        case "Socket" -> "socket";
                        case "CharDevice" -> "character device";
                        default -> "block device";
                    };
                    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS) || !isKind(path, type)) {
                        throw new MountException(failed(v, "hostPath type check failed: " + path + " is not a " + want));
                    }
                }
                default -> throw new MountException(failed(v, "invalid HostPathType " + type));
            }
        } catch (IOException e) {
            throw new MountException(failed(v, e.getMessage()));
        }
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

    private static Path subPath(Path source, String sub, Volume v) throws MountException {
        Path p = source.resolve(sub).normalize();
        if (!p.startsWith(source) || sub.startsWith("/")) {
            throw new MountException(failed(v, "subPath " + sub + " must stay inside the volume"));
        }
        try {
            if (!Files.exists(p) && v.getEmptyDir() != null) {
                Files.createDirectories(p);
            }
        } catch (IOException e) {
            throw new MountException(failed(v, e.getMessage()));
        }
        return p;
    }

    private static void mountTmpfs(Path dir, Quantity sizeLimit) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("mount", "-t", "tmpfs"));
        if (sizeLimit != null) {
            cmd.addAll(List.of("-o", "size=" + sizeLimit.getNumericalAmount().longValue()));
        }
        cmd.addAll(List.of("tmpfs", dir.toString()));
        run(cmd);
    }

    private static void run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + new String(p.getInputStream().readAllBytes()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Removes the pod's volume directories (unmounting tmpfs first). Called once its containers are gone. */
    public void tearDown(String podUid) {
        Path dir = podsDir.resolve(podUid);
        if (!Files.exists(dir)) {
            return;
        }
        Path emptyDirs = dir.resolve("volumes").resolve(EMPTY_DIR);
        if (Files.isDirectory(emptyDirs)) {
            try (Stream<Path> vols = Files.list(emptyDirs)) {
                for (Path v : vols.toList()) {
                    if (isMountPoint(v)) {
                        run(List.of("umount", v.toString()));
                    }
                }
            } catch (IOException e) {
                LOG.warn("volumes of pod {} not unmounted: {}", podUid, e.toString());
                return;
            }
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isMountPoint(Path p) throws IOException {
        String target = p.toAbsolutePath().toString();
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/mounts"))) {
            return lines.map(l -> l.split(" ")).anyMatch(f -> f.length > 1 && f[1].equals(target));
        }
    }

    private static String failed(Volume v, String why) {
        return "MountVolume.SetUp failed for volume \"" + v.getName() + "\" : " + why;
    }

    private static String typeOf(Volume v) {
        if (v.getConfigMap() != null) {
            return "configMap";
        }
        if (v.getSecret() != null) {
            return "secret";
        }
        if (v.getProjected() != null) {
            return "projected";
        }
        if (v.getDownwardAPI() != null) {
            return "downwardAPI";
        }
        if (v.getPersistentVolumeClaim() != null) {
            return "persistentVolumeClaim";
        }
        return "of this kind";
    }
}
