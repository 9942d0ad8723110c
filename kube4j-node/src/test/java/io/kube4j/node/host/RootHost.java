package io.kube4j.node.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Test support for the integration tests that change the host: they need root and clean up after themselves. */
public final class RootHost {

    private RootHost() {
    }

    /** Fails (never skips) the calling test unless it runs as root, which CI does. */
    public static void requireRoot() {
        assertThat(HostPackages.isRoot())
                .as("this integration test changes the host (containerd, routes, nftables) and must run as root; "
                        + "CI runs the build as root")
                .isTrue();
    }

    /** A fresh, short directory under /tmp, for unix sockets (sun_path is 108 bytes). */
    public static Path shortTempDir() throws IOException {
        return Files.createTempDirectory(Path.of("/tmp"), "k4jh-");
    }

    /** Deletes {@code dir} and everything below it, without following symlinks; no-op if absent. */
    public static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
