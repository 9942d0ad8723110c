package io.kube4j.node.kubelet.eviction;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;

/**
 * The disk space a directory tree takes, as {@code du -s} counts it (upstream measures emptyDir volumes with du):
 * every file and directory rounded up to whole blocks, symlinks not followed, other mounts not entered. Java cannot
 * read {@code st_blocks}, so a sparse file counts at its length. The walk stops after {@code maxEntries} entries,
 * which bounds the cost of one housekeeping pass; the result is then a lower bound. Stateless and thread-safe.
 */
public final class DiskUsage {
    /** The entries one measurement visits at most. */
    public static final int DEFAULT_MAX_ENTRIES = 100_000;
    private static final long BLOCK = 4096;

    private DiskUsage() {
    }

    /** Bytes the tree under {@code root} takes; 0 when it does not exist. */
    public static long of(Path root, int maxEntries) {
        if (!Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return Files.isRegularFile(root, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? sizeOf(root) : 0;
        }
        long[] total = {0};
        int[] seen = {0};
        Object rootDevice = device(root);
        try {
            Files.walkFileTree(root, EnumSet.noneOf(java.nio.file.FileVisitOption.class), Integer.MAX_VALUE,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                            if (++seen[0] > maxEntries) {
                                return FileVisitResult.TERMINATE;
                            }
                            if (!dir.equals(root) && rootDevice != null && !rootDevice.equals(device(dir))) {
                                return FileVisitResult.SKIP_SUBTREE; // another filesystem mounted inside
                            }
                            total[0] += blocks(attrs.size());
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            if (++seen[0] > maxEntries) {
                                return FileVisitResult.TERMINATE;
                            }
                            if (attrs.isRegularFile()) {
                                total[0] += blocks(attrs.size());
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            return FileVisitResult.CONTINUE; // removed while we walked, or unreadable
                        }
                    });
        } catch (NoSuchFileException e) {
            return total[0];
        } catch (IOException e) {
            return total[0];
        }
        return total[0];
    }

    private static long sizeOf(Path file) {
        try {
            return blocks(Files.size(file));
        } catch (IOException e) {
            return 0;
        }
    }

    static long blocks(long size) {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    private static Object device(Path p) {
        try {
            return Files.getAttribute(p, "unix:dev", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }
}
