package io.kube4j.storage.sqlite;

import io.kube4j.storage.KeyValue;
import io.kube4j.storage.Storage;
import io.kube4j.storage.DurableStorageContractTest;
import io.kube4j.storage.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqliteStorageTest extends DurableStorageContractTest {
    @TempDir
    Path dir;

    @Override
    protected Storage newStorage() {
        return new SqliteStorage(dir.resolve("data"));
    }

    @Override
    protected Storage reopen(Storage current) {
        current.close();
        return new SqliteStorage(dir.resolve("data"));
    }

    @Test
    void createsTheDatabaseInNestedDirectories() {
        Path nested = dir.resolve("a/b/c");
        try (SqliteStorage s = new SqliteStorage(nested)) {
            s.create("/x", bytes("1"));
        }
        assertThat(nested.resolve("state.db")).exists();
    }

    @Test
    void aSecondOpenOfTheSameDirectoryFails() {
        assertThatThrownBy(() -> new SqliteStorage(dir.resolve("data")))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.code()).isEqualTo(StorageException.Code.UNAVAILABLE));
        storage.create("/still/works", bytes("1"));
    }

    @Test
    void writesAfterCloseFailWithUnavailable() {
        storage.close();

        assertThatThrownBy(() -> storage.create("/x", bytes("1")))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.code()).isEqualTo(StorageException.Code.UNAVAILABLE));
        assertThatThrownBy(() -> storage.get("/x"))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.code()).isEqualTo(StorageException.Code.UNAVAILABLE));
    }

    @Test
    void compactionRemovesSupersededRowsFromTheTable() throws Exception {
        KeyValue a = storage.create("/c/a", bytes("1"));
        for (int i = 2; i <= 10; i++) {
            a = storage.update("/c/a", a.modRevision(), bytes(Integer.toString(i)));
        }
        storage.create("/c/b", bytes("b"));
        storage.delete("/c/b", 0);

        storage.compact(storage.currentRevision());
        storage = reopen(storage);

        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data/state.db"));
             var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM kv")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1);
        }
        assertThat(text(storage.get("/c/a"))).isEqualTo("10");
    }

    @Test
    void aCompactionOfManySlicesLetsWritesThroughAndLeavesTheNewestRowOfEachKey() throws Exception {
        // more revisions than two slices: 40 keys written round-robin, every tenth key deleted on the way
        int keys = 40;
        Map<String, KeyValue> latest = new LinkedHashMap<>();
        for (int i = 0; i < keys; i++) {
            latest.put("/s/k" + i, storage.create("/s/k" + i, bytes("0")));
        }
        int rounds = (2 * SqliteWriter.COMPACTION_SLICE + 1_000) / keys;
        for (int r = 1; r <= rounds; r++) {
            for (int i = 0; i < keys; i++) {
                String key = "/s/k" + i;
                latest.put(key, storage.update(key, latest.get(key).modRevision(), bytes(Integer.toString(r))));
            }
        }
        for (int i = 0; i < keys; i += 10) {
            storage.delete("/s/k" + i, 0);
            latest.remove("/s/k" + i);
        }
        long first = storage.currentRevision() / 2;
        long target = storage.currentRevision();

        // compactions run while a writer keeps writing: each slice lets queued writes through
        var writer = java.util.concurrent.Executors.newSingleThreadExecutor();
        var during = writer.submit(() -> {
            KeyValue w = storage.create("/s/during", bytes("0"));
            for (int i = 1; i <= 200; i++) {
                w = storage.update("/s/during", w.modRevision(), bytes(Integer.toString(i)));
            }
            return w;
        });
        storage.compact(first);
        storage.compact(target);
        KeyValue lastDuring = during.get();
        writer.shutdown();
        assertThat(storage.compactedRevision()).isEqualTo(target);
        assertThatThrownBy(() -> storage.list("/s/", null, 0, target - 1))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.code()).isEqualTo(StorageException.Code.COMPACTED));

        storage = reopen(storage);
        var items = storage.list("/s/", null, 0, 0).items();
        assertThat(items).hasSize(latest.size() + 1);
        for (KeyValue kv : items) {
            KeyValue want = kv.key().equals("/s/during") ? lastDuring : latest.get(kv.key());
            assertThat(kv.modRevision()).as(kv.key()).isEqualTo(want.modRevision());
            assertThat(text(kv)).isEqualTo(text(want));
        }
        // at or below the target only the newest row of each live key is left; the writer's rows above it stay
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data/state.db"));
             var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM kv WHERE id <= " + target
                     + " AND name LIKE '/s/k%'")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(latest.size());
        }
        assertThat(storage.compactedRevision()).isEqualTo(target);
    }

    @Test
    void reopenRestoresEveryKeyFromManyBatches() {
        Map<String, Long> written = new LinkedHashMap<>();
        for (int i = 0; i < 300; i++) {
            KeyValue kv = storage.create("/many/k" + String.format("%04d", i), bytes("v" + i));
            written.put(kv.key(), kv.modRevision());
        }

        storage = reopen(storage);

        var items = storage.list("/many/", null, 0, 0).items();
        assertThat(items).hasSize(300);
        for (KeyValue kv : items) {
            assertThat(kv.modRevision()).isEqualTo(written.get(kv.key()));
        }
    }

    @Test
    @Timeout(60)
    void acknowledgedWritesSurviveKillMinus9() throws Exception {
        Path data = dir.resolve("crash");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SqliteCrashWriter.class.getName(),
                data.toString(), "100000", "4")
                .redirectError(dir.resolve("child.err").toFile())
                .start();
        Map<String, Long> acked = new LinkedHashMap<>();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && acked.size() < 500) {
                record(line, acked);
            }
            assertThat(acked).as("acks before kill; child stderr: %s", stderr()).hasSizeGreaterThanOrEqualTo(500);
            // Killed mid-stream: the child keeps writing until the signal lands.
            child.destroyForcibly();
            assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.exitValue()).isNotZero();

        try (SqliteStorage reopened = new SqliteStorage(data)) {
            long maxAcked = acked.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            assertThat(reopened.currentRevision()).isGreaterThanOrEqualTo(maxAcked);
            for (Map.Entry<String, Long> e : acked.entrySet()) {
                KeyValue kv = reopened.get(e.getKey());
                assertThat(kv).as("acknowledged key %s", e.getKey()).isNotNull();
                assertThat(kv.modRevision()).as("revision of %s", e.getKey()).isEqualTo(e.getValue());
                assertThat(kv.createRevision()).isEqualTo(e.getValue());
            }
            KeyValue next = reopened.create("/after/crash", bytes("x"));
            assertThat(next.modRevision()).isEqualTo(reopened.currentRevision()).isGreaterThan(maxAcked);
        }
    }

    private static void record(String line, Map<String, Long> acked) {
        if (line.startsWith("ACK ")) {
            String[] parts = line.split(" ");
            acked.put(parts[1], Long.parseLong(parts[2]));
        }
    }

    private String stderr() {
        try {
            return Files.readString(dir.resolve("child.err"));
        } catch (Exception e) {
            return "(unreadable: " + e + ")";
        }
    }
}
