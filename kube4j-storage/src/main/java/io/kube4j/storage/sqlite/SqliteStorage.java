package io.kube4j.storage.sqlite;

import io.kube4j.storage.KeyValue;
import io.kube4j.storage.ListResult;
import io.kube4j.storage.Storage;
import io.kube4j.storage.StorageException;
import io.kube4j.storage.WatchEvent;
import io.kube4j.storage.WatchHub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A {@link Storage} kept in one SQLite database, {@code state.db} in the data directory, laid out
 * as a revisioned log like kine: each write appends a row whose id is its revision, the newest row
 * of a key is its state, and a read at revision R takes the newest row per key with id at most R.
 *
 * <p>All writes go through one writer thread that commits queued writes in a single transaction
 * (group commit) and returns only after the commit, so an acknowledged write survives a killed
 * process, and with {@link SqliteStorageOptions#fullSync()} a power loss too. Reads use a small
 * pool of separate connections; WAL mode lets them run beside the writer. Watches replay history
 * from the table, then follow committed writes through a {@link WatchHub}.
 *
 * <p>Thread-safe. One process at a time may open a data directory; a second open fails.
 */
public final class SqliteStorage implements Storage {
    private static final Logger log = LoggerFactory.getLogger(SqliteStorage.class);
    static final String DB_FILE = "state.db";
    private static final String LOCK_FILE = "state.lock";
    private static final int BUSY_TIMEOUT_MS = 10_000;

    private final SqliteStorageOptions options;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final ReadConnectionPool readers;
    private final SqliteWriter writer;
    private final WatchHub hub = new WatchHub();
    // Held while a committed batch is published and while a watch registers, so a new watch sees
    // each event either in its history or live.
    private final ReentrantLock publishLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long revision;
    private volatile long compacted;
    private long published; // guarded by publishLock

    /** Opens (or creates) the store in {@code dataDir} with durable defaults. */
    public SqliteStorage(Path dataDir) {
        this(SqliteStorageOptions.of(dataDir));
    }

    public SqliteStorage(SqliteStorageOptions options) {
        this.options = options;
        Path dir = options.dataDir();
        List<Connection> opened = new ArrayList<>();
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            this.lock = tryLock(channel, dir);
            this.lockChannel = channel;
            String url = "jdbc:sqlite:" + dir.resolve(DB_FILE).toAbsolutePath();
            Connection w = DriverManager.getConnection(url);
            opened.add(w);
            configureWriter(w);
            KvSchema.create(w);
            KvSchema.Revisions revs = KvSchema.revisions(w);
            this.revision = revs.current();
            this.compacted = revs.compacted();
            this.published = revs.current();
            List<Connection> readConnections = new ArrayList<>();
            for (int i = 0; i < options.readConnections(); i++) {
                Connection r = DriverManager.getConnection(url);
                opened.add(r);
                configureReader(r);
                readConnections.add(r);
            }
            this.readers = new ReadConnectionPool(readConnections);
            this.writer = new SqliteWriter(w, revs.current(), revs.compacted(), options.maxBatch(), new Sink());
        } catch (SQLException | IOException | RuntimeException e) {
            for (Connection c : opened) {
                closeQuietly(c);
            }
            if (channel != null) {
                try {
                    channel.close(); // releases the lock
                } catch (IOException ignored) {
                    // nothing more to release
                }
            }
            throw new StorageException(StorageException.Code.UNAVAILABLE, null, 0,
                    "cannot open sqlite storage in " + dir + ": " + e.getMessage());
        }
        writer.start();
        log.info("sqlite storage opened dir={} revision={} compacted={} fullSync={}", dir, revision, compacted,
                options.fullSync());
    }

    private static FileLock tryLock(FileChannel channel, Path dir) throws IOException {
        FileLock l;
        try {
            l = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            throw new IOException("data directory " + dir + " is in use by another storage");
        }
        return l;
    }

    private void configureWriter(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode=WAL")) {
                if (!rs.next() || !"wal".equalsIgnoreCase(rs.getString(1))) {
                    throw new SQLException("could not switch to WAL journal mode");
                }
            }
            // FULL fsyncs the WAL on every commit (one fsync per group commit); NORMAL only at
            // checkpoints, which survives kill -9 but not power loss.
            s.execute("PRAGMA synchronous=" + (options.fullSync() ? "FULL" : "NORMAL"));
            s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MS);
        }
    }

    private static void configureReader(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MS);
            s.execute("PRAGMA query_only=true");
        }
    }

    /** Called by the writer thread after each commit and compaction. */
    private final class Sink implements SqliteWriter.CommitSink {
        @Override
        public void committed(long rev, List<WatchEvent> events) {
            revision = rev;
            publishLock.lock();
            try {
                for (WatchEvent e : events) {
                    hub.publish(e);
                }
                published = rev;
            } finally {
                publishLock.unlock();
            }
        }

        @Override
        public void compacted(long rev) {
            compacted = rev;
        }
    }

    @Override
    public KeyValue create(String key, byte[] value) {
        return writer.write(SqliteWriter.Kind.CREATE, key, 0, value.clone());
    }

    @Override
    public KeyValue get(String key) {
        return readers.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(KvSchema.SELECT_LATEST)) {
                LogRow row = KvSchema.latest(ps, key);
                return row == null || row.deleted() ? null : row.toKeyValue();
            }
        });
    }

    @Override
    public ListResult list(String prefix, String startAfter, int limit, long atRevision) {
        return readers.readSnapshot(c -> {
            KvSchema.Revisions revs = KvSchema.revisions(c);
            if (atRevision > 0 && atRevision < revs.compacted()) {
                throw StorageException.compacted(atRevision, revs.compacted());
            }
            long at = atRevision <= 0 ? revs.current() : Math.min(atRevision, revs.current());
            return range(c, prefix, startAfter, limit, at);
        });
    }

    private static ListResult range(Connection c, String prefix, String startAfter, int limit, long at)
            throws SQLException {
        boolean fromPrefix = startAfter == null || startAfter.compareTo(prefix) < 0;
        String end = KvSchema.prefixEnd(prefix);
        String sql = "SELECT k.name, k.create_revision, k.id, k.value FROM kv AS k WHERE k.name "
                + (fromPrefix ? ">=" : ">") + " ?1"
                + (end == null ? "" : " AND k.name < ?2")
                + " AND k.id <= ?3 AND k.deleted = 0"
                + " AND k.id = (SELECT MAX(m.id) FROM kv AS m WHERE m.name = k.name AND m.id <= ?3)"
                + " ORDER BY k.name LIMIT ?4";
        List<KeyValue> items = new ArrayList<>();
        boolean more = false;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, fromPrefix ? prefix : startAfter);
            if (end != null) {
                ps.setString(2, end);
            }
            ps.setLong(3, at);
            ps.setLong(4, limit > 0 ? limit + 1L : -1L);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    if (!name.startsWith(prefix)) {
                        break; // only reachable without an upper bound: the range has ended
                    }
                    if (limit > 0 && items.size() == limit) {
                        more = true;
                        break;
                    }
                    items.add(new KeyValue(name, KvSchema.value(rs.getBytes(4)), rs.getLong(2), rs.getLong(3)));
                }
            }
        }
        return new ListResult(items, at, more);
    }

    @Override
    public KeyValue update(String key, long expectedModRevision, byte[] value) {
        return writer.write(SqliteWriter.Kind.UPDATE, key, expectedModRevision, value.clone());
    }

    @Override
    public KeyValue delete(String key, long expectedModRevision) {
        return writer.write(SqliteWriter.Kind.DELETE, key, expectedModRevision, null);
    }

    @Override
    public AutoCloseable watch(String prefix, long afterRevision, Consumer<WatchEvent> listener) {
        WatchSession session = new WatchSession(listener, afterRevision);
        AutoCloseable registration;
        long upTo;
        publishLock.lock();
        try {
            registration = hub.register(prefix, session::onLive);
            upTo = published;
        } finally {
            publishLock.unlock();
        }
        AutoCloseable handle = () -> {
            session.close();
            registration.close();
        };
        List<WatchEvent> history;
        try {
            // Nothing committed after afterRevision yet: every event it needs will arrive live.
            history = afterRevision >= upTo ? List.of() : history(prefix, afterRevision, upTo);
        } catch (RuntimeException e) {
            closeQuietly(handle);
            throw e;
        }
        session.replayThenGoLive(history);
        log.debug("watch opened prefix={} after={} replayed={}", prefix, afterRevision, history.size());
        return handle;
    }

    /** The events on keys under {@code prefix} with revisions in (after, upTo], read from one snapshot. */
    private List<WatchEvent> history(String prefix, long after, long upTo) {
        return readers.readSnapshot(c -> {
            KvSchema.Revisions revs = KvSchema.revisions(c);
            if (after < revs.compacted()) {
                throw StorageException.compacted(after + 1, revs.compacted());
            }
            String end = KvSchema.prefixEnd(prefix);
            String sql = "SELECT k.id, k.name, k.created, k.deleted, k.create_revision, k.value,"
                    + " p.id, p.create_revision, p.value"
                    + " FROM kv AS k LEFT JOIN kv AS p ON p.id = k.prev_revision"
                    + " WHERE k.id > ?1 AND k.id <= ?2 AND k.name >= ?3"
                    + (end == null ? "" : " AND k.name < ?4")
                    + " ORDER BY k.id";
            List<WatchEvent> events = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, after);
                ps.setLong(2, upTo);
                ps.setString(3, prefix);
                if (end != null) {
                    ps.setString(4, end);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String name = rs.getString(2);
                        if (name.startsWith(prefix)) {
                            events.add(event(rs, name));
                        }
                    }
                }
            }
            return events;
        });
    }

    private static WatchEvent event(ResultSet rs, String name) throws SQLException {
        long id = rs.getLong(1);
        boolean created = rs.getInt(3) != 0;
        boolean deleted = rs.getInt(4) != 0;
        long createRevision = rs.getLong(5);
        if (created) {
            return new WatchEvent(WatchEvent.Type.ADDED,
                    new KeyValue(name, KvSchema.value(rs.getBytes(6)), createRevision, id), null);
        }
        KeyValue prev = null;
        long prevId = rs.getLong(7);
        if (!rs.wasNull()) {
            prev = new KeyValue(name, KvSchema.value(rs.getBytes(9)), rs.getLong(8), prevId);
        } else {
            // Compaction keeps the previous row of every event above the compacted revision.
            log.warn("sqlite previous row missing key={} rv={}", name, id);
        }
        if (deleted) {
            byte[] last = prev == null ? new byte[0] : prev.value();
            return new WatchEvent(WatchEvent.Type.DELETED, new KeyValue(name, last, createRevision, id), prev);
        }
        return new WatchEvent(WatchEvent.Type.MODIFIED,
                new KeyValue(name, KvSchema.value(rs.getBytes(6)), createRevision, id), prev);
    }

    @Override
    public long currentRevision() {
        return revision;
    }

    @Override
    public void compact(long rev) {
        writer.compact(rev);
    }

    @Override
    public long compactedRevision() {
        return compacted;
    }

    /** Stops the writer after the queued writes, closes the connections and releases the directory. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        writer.stop();
        readers.close();
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            log.warn("sqlite lock release failed dir={} error={}", options.dataDir(), e.toString());
        }
        log.info("sqlite storage closed dir={} revision={}", options.dataDir(), revision);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing on a failure path; the original failure is what matters
        }
    }
}
