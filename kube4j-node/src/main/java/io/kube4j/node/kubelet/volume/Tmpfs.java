package io.kube4j.node.kubelet.volume;

import io.fabric8.kubernetes.api.model.Quantity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Memory-backed volume directories (emptyDir medium Memory, secrets): mount, find, unmount. Stateless. */
final class Tmpfs {
    private Tmpfs() {
    }

    /** Mounts a tmpfs on the directory unless one is there already. */
    static void ensureMounted(Path dir, Quantity sizeLimit) throws IOException {
        if (isMountPoint(dir)) {
            return;
        }
        List<String> cmd = new ArrayList<>(List.of("mount", "-t", "tmpfs"));
        if (sizeLimit != null) {
            cmd.addAll(List.of("-o", "size=" + sizeLimit.getNumericalAmount().longValue()));
        }
        cmd.addAll(List.of("tmpfs", dir.toString()));
        run(cmd);
    }

    static boolean isMountPoint(Path p) throws IOException {
        String target = p.toAbsolutePath().toString();
        return mountPoints().contains(target);
    }

    /** Unmounts every mount point at or below the directory, deepest first. */
    static void unmountAllUnder(Path dir) throws IOException {
        String prefix = dir.toAbsolutePath().toString();
        List<String> under = mountPoints().stream().filter(m -> m.equals(prefix) || m.startsWith(prefix + "/"))
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
        for (String m : under) {
            run(List.of("umount", m));
        }
    }

    private static List<String> mountPoints() throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/mounts"))) {
            // mount points with spaces are written octal-escaped (\040)
            return lines.map(l -> l.split(" ")).filter(f -> f.length > 1).map(f -> f[1].replace("\\040", " "))
                    .toList();
        }
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
}
