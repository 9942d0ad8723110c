package io.kube4j.node.kubelet.eviction;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class DiskUsageTest {
    @TempDir
    Path dir;

    @Test
    void countsFilesAndDirectoriesInWholeBlocks() throws Exception {
        Path root = Files.createDirectory(dir.resolve("vol"));
        Files.write(root.resolve("big"), new byte[3 * 1024 * 1024]);
        Files.write(Files.createDirectory(root.resolve("sub")).resolve("small"), new byte[10]);
        long dirBlock = Files.size(root);
        long used = DiskUsage.of(root, 1000);
        // two directories, 3 MiB, and one block for the 10-byte file
        assertThat(used).isEqualTo(2 * dirBlock + 3 * 1024 * 1024 + 4096);
    }

    @Test
    void doesNotFollowSymlinks() throws Exception {
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Files.write(outside.resolve("huge"), new byte[2 * 1024 * 1024]);
        Path root = Files.createDirectory(dir.resolve("vol"));
        Files.createSymbolicLink(root.resolve("link"), outside);
        Files.createSymbolicLink(root.resolve("filelink"), outside.resolve("huge"));
        assertThat(DiskUsage.of(root, 1000)).isLessThan(1024 * 1024);
    }

    @Test
    void aMissingDirectoryUsesNothing() {
        assertThat(DiskUsage.of(dir.resolve("nope"), 1000)).isZero();
    }

    @Test
    void stopsAfterTheEntryBudget() throws Exception {
        Path root = Files.createDirectory(dir.resolve("vol"));
        for (int i = 0; i < 50; i++) {
            Files.write(root.resolve("f" + i), new byte[4096]);
        }
        long all = DiskUsage.of(root, 1000);
        long some = DiskUsage.of(root, 10);
        assertThat(all).isGreaterThanOrEqualTo(50 * 4096L);
        assertThat(some).isLessThan(all).isLessThanOrEqualTo(Files.size(root) + 9 * 4096L);
    }
}
