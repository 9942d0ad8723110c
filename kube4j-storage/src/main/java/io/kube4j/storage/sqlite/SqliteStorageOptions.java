package io.kube4j.storage.sqlite;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Options of {@link SqliteStorage}.
 *
 * @param dataDir         directory holding {@code state.db}; created when missing
 * @param fullSync        fsync the write-ahead log on every commit ({@code synchronous=FULL}), so an
 *                        acknowledged write survives power loss; false ({@code NORMAL}) still survives
 *                        a killed process but may lose the newest commits on power loss
 * @param readConnections connections kept open for reads; WAL lets them read while the writer writes
 * @param maxBatch        most writes committed in one transaction by the group commit
 */
public record SqliteStorageOptions(Path dataDir, boolean fullSync, int readConnections, int maxBatch) {
    public static final int DEFAULT_READ_CONNECTIONS = 4;
    public static final int DEFAULT_MAX_BATCH = 256;

    public SqliteStorageOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        if (readConnections < 1) {
            throw new IllegalArgumentException("readConnections must be at least 1, got " + readConnections);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
    }

    /** Durable defaults: fsync on every commit, four read connections, batches of up to 256 writes. */
    public static SqliteStorageOptions of(Path dataDir) {
        return new SqliteStorageOptions(dataDir, true, DEFAULT_READ_CONNECTIONS, DEFAULT_MAX_BATCH);
    }

    public SqliteStorageOptions withFullSync(boolean fullSync) {
        return new SqliteStorageOptions(dataDir, fullSync, readConnections, maxBatch);
    }
}
