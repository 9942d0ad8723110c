package io.kube4j.node.kubelet.volume;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicWriterTest {
    @TempDir
    Path dir;

    private static AtomicWriter.FileProjection file(String s, int mode) {
        return new AtomicWriter.FileProjection(s.getBytes(StandardCharsets.UTF_8), mode);
    }

    private static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    private static String[] hidden(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("..2")).toArray(String[]::new);
        }
    }

    @Test
    void writesATimestampedDirectoryBehindDataAndUserLinks() throws Exception {
        Path target = dir.resolve("vol");
        var w = new AtomicWriter(target, at("2026-11-25T04:20:00.5Z"), new Random(1));
        assertThat(w.write(Map.of("game.properties", file("lives=3", 0644), "conf/ui", file("dark", 0400)))).isTrue();

        String[] stamps = hidden(target);
        assertThat(stamps).hasSize(1);
        assertThat(stamps[0]).matches("\\.\\.2026_11_25_04_20_00\\.\\d{9}");
        assertThat(Files.readSymbolicLink(target.resolve("..data"))).isEqualTo(Path.of(stamps[0]));
        assertThat(Files.readSymbolicLink(target.resolve("game.properties"))).isEqualTo(Path.of("..data/game.properties"));
        assertThat(Files.readSymbolicLink(target.resolve("conf"))).isEqualTo(Path.of("..data/conf"));
        assertThat(target.resolve("game.properties")).hasContent("lives=3");
        assertThat(target.resolve("conf/ui")).hasContent("dark");
        Path real = target.resolve(stamps[0]);
        assertThat(AtomicWriter.mode(Files.getPosixFilePermissions(real.resolve("game.properties")))).isEqualTo(0644);
        assertThat(AtomicWriter.mode(Files.getPosixFilePermissions(real.resolve("conf/ui")))).isEqualTo(0400);
        assertThat(AtomicWriter.mode(Files.getPosixFilePermissions(real.resolve("conf")))).isEqualTo(0755);
    }

    @Test
    void aNewPayloadSwapsDataRemovesStaleNamesAndTheOldDirectory() throws Exception {
        Path target = dir.resolve("vol");
        new AtomicWriter(target, at("2026-11-25T04:20:00Z"), new Random(1))
                .write(Map.of("a", file("1", 0644), "b", file("2", 0644)));
        String old = hidden(target)[0];

        var w2 = new AtomicWriter(target, at("2026-11-25T04:21:00Z"), new Random(2));
        assertThat(w2.write(Map.of("a", file("one", 0644), "c", file("3", 0600)))).isTrue();

        String[] stamps = hidden(target);
        assertThat(stamps).hasSize(1).doesNotContain(old);
        assertThat(stamps[0]).startsWith("..2026_11_25_04_21_00.");
        assertThat(target.resolve("a")).hasContent("one");
        assertThat(target.resolve("c")).hasContent("3");
        assertThat(target.resolve("b")).doesNotExist();
        assertThat(Files.exists(target.resolve("b"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(target.resolve("..data_tmp")).doesNotExist();
    }

    @Test
    void theSamePayloadWritesNothing() throws Exception {
        Path target = dir.resolve("vol");
        new AtomicWriter(target, at("2026-11-25T04:20:00Z"), new Random(1)).write(Map.of("a", file("1", 0644)));
        String before = hidden(target)[0];
        var again = new AtomicWriter(target, at("2026-11-25T04:22:00Z"), new Random(3));
        assertThat(again.write(Map.of("a", file("1", 0644)))).isFalse();
        assertThat(hidden(target)).containsExactly(before);
        // a mode change alone is a change
        assertThat(again.write(Map.of("a", file("1", 0600)))).isTrue();
    }

    @Test
    void pathsMustStayInsideAndNotUseReservedNames() {
        var w = new AtomicWriter(dir.resolve("vol"), Clock.systemUTC(), new Random(1));
        assertThatThrownBy(() -> w.write(Map.of("../escape", file("x", 0644)))).hasMessageContaining("invalid path");
        assertThatThrownBy(() -> w.write(Map.of("/abs", file("x", 0644)))).hasMessageContaining("invalid path");
        assertThatThrownBy(() -> w.write(Map.of("..data", file("x", 0644)))).hasMessageContaining("invalid path");
        assertThatThrownBy(() -> w.write(Map.of("a/../../b", file("x", 0644)))).hasMessageContaining("invalid path");
    }
}
