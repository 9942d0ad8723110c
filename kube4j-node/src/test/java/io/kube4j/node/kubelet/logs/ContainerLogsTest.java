package io.kube4j.node.kubelet.logs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContainerLogsTest {
    @TempDir
    Path dir;

    private static final String LOG = """
            2024-05-01T10:00:00.000000001Z stdout F one
            2024-05-01T10:00:01.5Z stderr F two
            2024-05-01T10:00:02Z stdout P thr
            2024-05-01T10:00:02.1Z stdout P e
            2024-05-01T10:00:02.2Z stdout F e
            2024-05-01T10:00:03+02:00 stdout F four
            2024-05-01T10:00:04Z stdout F
            """;

    private String read(String content, LogOptions opts) throws IOException {
        Path f = dir.resolve("0.log");
        Files.writeString(f, content);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ContainerLogs.stream(f, opts, out, () -> false);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void joinsPartialLinesAndWritesBothStreams() throws IOException {
        assertThat(read(LOG, LogOptions.DEFAULT)).isEqualTo("one\ntwo\nthree\nfour\n\n");
    }

    @Test
    void timestampsHaveNineDigitsAndOnlyStartLines() throws IOException {
        assertThat(read(LOG, LogOptions.DEFAULT.withTimestamps(true))).isEqualTo("""
                2024-05-01T10:00:00.000000001Z one
                2024-05-01T10:00:01.500000000Z two
                2024-05-01T10:00:02.000000000Z three
                2024-05-01T10:00:03.000000000+02:00 four
                2024-05-01T10:00:04.000000000Z\s
                """);
    }

    @Test
    void tailCountsFileLinesFromTheEnd() throws IOException {
        assertThat(read(LOG, LogOptions.DEFAULT.withTailLines(2))).isEqualTo("four\n\n");
        assertThat(read(LOG, LogOptions.DEFAULT.withTailLines(0))).isEmpty();
        assertThat(read(LOG, LogOptions.DEFAULT.withTailLines(100))).isEqualTo("one\ntwo\nthree\nfour\n\n");
        // a file without a final newline: its last line still counts as one
        assertThat(read(LOG.substring(0, LOG.length() - 1), LogOptions.DEFAULT.withTailLines(1))).isEqualTo("\n");
    }

    @Test
    void sinceDropsOlderLines() throws IOException {
        // four was logged at 08:00:03Z (offset +02:00), so it is older than 10:00:01Z
        assertThat(read(LOG, LogOptions.DEFAULT.withSinceTime(Instant.parse("2024-05-01T10:00:01Z"))))
                .isEqualTo("two\nthree\n\n");
    }

    @Test
    void limitBytesCutsTheOutputIncludingTimestamps() throws IOException {
        assertThat(read(LOG, LogOptions.DEFAULT.withLimitBytes(6))).isEqualTo("one\ntw");
        assertThat(read(LOG, LogOptions.DEFAULT.withTimestamps(true).withLimitBytes(33)))
                .isEqualTo("2024-05-01T10:00:00.000000001Z on");
    }

    @Test
    void skipsMalformedLines() throws IOException {
        assertThat(read("garbage\n2024-05-01T10:00:00Z stdin F x\n2024-05-01T10:00:00Z stdout F ok\n", LogOptions.DEFAULT))
                .isEqualTo("ok\n");
    }

    @Test
    void parseRejectsBadStream() {
        assertThatThrownBy(() -> CriLogLine.parse("2024-05-01T10:00:00Z stdin F x"))
                .hasMessage("unexpected stream type \"stdin\"");
        CriLogLine l = CriLogLine.parse("2024-05-01T10:00:00Z stderr P:x a b");
        assertThat(l.partial()).isTrue();
        assertThat(new String(l.content(), StandardCharsets.UTF_8)).isEqualTo("a b");
    }

    @Test
    void followReadsNewLinesUntilTheContainerStops() throws Exception {
        Path f = dir.resolve("f.log");
        Files.writeString(f, "2024-05-01T10:00:00Z stdout F first\n");
        AtomicBoolean running = new AtomicBoolean(true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
            try {
                ContainerLogs.stream(f, LogOptions.DEFAULT.withFollow(true), out, running::get, Duration.ofMillis(10));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        awaitContent(out, "first\n");
        // a line written in two pieces: nothing shows until its end arrives
        Files.writeString(f, "2024-05-01T10:00:01Z stdout F sec", StandardOpenOption.APPEND);
        Thread.sleep(50);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("first\n");
        Files.writeString(f, "ond\n", StandardOpenOption.APPEND);
        awaitContent(out, "first\nsecond\n");
        assertThat(done).isNotDone();
        Files.writeString(f, "2024-05-01T10:00:02Z stderr F last\n", StandardOpenOption.APPEND);
        running.set(false);
        done.get(5, TimeUnit.SECONDS);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("first\nsecond\nlast\n");
    }

    private static void awaitContent(ByteArrayOutputStream out, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!out.toString(StandardCharsets.UTF_8).equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
    }
}
