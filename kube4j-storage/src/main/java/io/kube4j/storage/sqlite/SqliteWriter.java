package io.kube4j.storage.sqlite;

import io.kube4j.storage.KeyValue;
import io.kube4j.storage.StorageException;
import io.kube4j.storage.WatchEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The single thread that writes to the database, with group commit: it takes every queued write,
 * checks each precondition in queue order inside one transaction, commits once, then hands the
 * committed events to {@link CommitSink} in revision order and completes the callers' futures.
 * One fsync thus covers a whole batch, and revisions are assigned by one thread only.
 *
 * <p>Callers on any thread use {@link #write} and {@link #compact}, which block until the outcome
 * is known. The connection belongs to the writer thread and is closed by it on {@link #stop}.
 */
final class SqliteWriter {
    private static final Logger log = LoggerFactory.getLogger(SqliteWriter.class);

    /** Receives each committed batch, on the writer thread, before the callers are released. */
    interface CommitSink {
        void committed(long revision, List<WatchEvent> events);

        void compacted(long revision);
    }

    enum Kind { CREATE, UPDATE, DELETE }

    private sealed interface Request permits Write, Compact, Stop {
    }

    private record Write(Kind kind, String key, long expectedModRevision, byte[] value,
                         CompletableFuture<KeyValue> done) implements Request {
    }

    /**
     * A compaction to {@code revision}, run a slice of revisions at a time; {@code started} and {@code removed}
     * carry over from the slices before.
     */
    private record Compact(long revision, CompletableFuture<Long> done, long started, int removed) implements Request {
        Compact(long revision, CompletableFuture<Long> done) {
            this(revision, done, System.nanoTime(), 0);
        }
    }

    /**
     * Revisions compacted in one transaction. The writer answers queued writes between slices, so a compaction of
     * hundreds of thousands of revisions (every few minutes under a heavy load) never holds writes for seconds.
     */
    static final int COMPACTION_SLICE = 5_000;

    private record Stop() implements Request {
    }

    /** What one write in a batch came to before commit: a value plus event, or a failure. */
    private record Outcome(Write write, KeyValue result, WatchEvent event, StorageException failure) {
    }

    private final Connection conn;
    private final CommitSink sink;
    private final int maxBatch;
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Object enqueueLock = new Object();
    private final Thread thread;
    private final PreparedStatement selectLatest;
    private final PreparedStatement insert;
    private boolean stopping;
    // Owned by the writer thread after start.
    private long revision;
    private long compacted;

    SqliteWriter(Connection conn, long revision, long compacted, int maxBatch, CommitSink sink) throws SQLException {
        this.conn = conn;
        this.revision = revision;
        this.compacted = compacted;
        this.maxBatch = maxBatch;
        this.sink = sink;
        this.selectLatest = conn.prepareStatement(KvSchema.SELECT_LATEST);
        this.insert = conn.prepareStatement(KvSchema.INSERT);
        this.thread = Thread.ofPlatform().name("kube4j-sqlite-writer").daemon(true).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** Queues a write and waits for its commit. {@code value} must be a copy the caller no longer uses. */
    KeyValue write(Kind kind, String key, long expectedModRevision, byte[] value) {
        CompletableFuture<KeyValue> done = new CompletableFuture<>();
        enqueue(new Write(kind, key, expectedModRevision, value, done));
        return await(done);
    }

    /** Queues a compaction and waits for it; returns the compacted revision afterwards. */
    long compact(long revision) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        enqueue(new Compact(revision, done));
        return await(done);
    }

    /** Lets queued requests finish, stops the thread and closes the connection. */
    void stop() {
        synchronized (enqueueLock) {
            if (stopping) {
                return;
            }
            stopping = true;
            queue.add(new Stop());
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void enqueue(Request r) {
        // The lock orders every request before Stop, so none is left behind unanswered.
        synchronized (enqueueLock) {
            if (stopping) {
                throw unavailable("storage is closed");
            }
            queue.add(r);
        }
    }

    private static <T> T await(CompletableFuture<T> done) {
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while waiting for the write; it may still be applied");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StorageException se) {
                throw se;
            }
            throw new StorageException(StorageException.Code.UNAVAILABLE, null, 0, "write failed: " + e.getCause());
        }
    }

    private static StorageException unavailable(String message) {
        return new StorageException(StorageException.Code.UNAVAILABLE, null, 0, message);
    }

    private void run() {
        List<Request> batch = new ArrayList<>();
        List<Write> writes = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue; // only Stop ends the loop
            }
            queue.drainTo(batch, maxBatch - 1);
            for (Request r : batch) {
                switch (r) {
                    case Write w -> writes.add(w);
                    case Compact c -> {
                        flush(writes);
                        runCompaction(c);
                    }
                    case Stop s -> stop = true;
                }
            }
            flush(writes);
            batch.clear();
        }
        closeConnection();
    }

    private void flush(List<Write> writes) {
        if (!writes.isEmpty()) {
            commitBatch(writes);
            writes.clear();
        }
    }

    private void commitBatch(List<Write> writes) {
        List<Outcome> outcomes = new ArrayList<>(writes.size());
        long next = revision;
        try {
            conn.setAutoCommit(false);
            for (Write w : writes) {
                Outcome o = apply(w, next + 1);
                if (o.failure == null) {
                    next++;
                }
                outcomes.add(o);
            }
            conn.commit();
        } catch (SQLException | RuntimeException e) {
            log.warn("sqlite write batch failed size={} revision={} error={}", writes.size(), revision, e.toString());
            rollback();
            StorageException failure = unavailable("write failed: " + e.getMessage());
            for (Write w : writes) {
                w.done.completeExceptionally(failure);
            }
            return;
        } finally {
            try {
                conn.setAutoCommit(true);
            } catch (SQLException e) {
                log.warn("sqlite autocommit reset failed error={}", e.toString());
            }
        }
        revision = next;
        List<WatchEvent> events = new ArrayList<>(outcomes.size());
        for (Outcome o : outcomes) {
            if (o.event != null) {
                events.add(o.event);
            }
        }
        try {
            sink.committed(next, events);
        } finally {
            for (Outcome o : outcomes) {
                if (o.failure != null) {
                    o.write.done.completeExceptionally(o.failure);
                } else {
                    o.write.done.complete(o.result);
                }
            }
        }
    }

    /** Checks {@code w}'s precondition against the state inside the open transaction and writes it. */
    private Outcome apply(Write w, long rev) throws SQLException {
        LogRow cur = KvSchema.latest(selectLatest, w.key);
        boolean present = cur != null && !cur.deleted();
        switch (w.kind) {
            case CREATE -> {
                if (present) {
                    return failed(w, StorageException.keyExists(w.key));
                }
                insert(rev, w.key, true, false, rev, cur == null ? 0 : cur.id(), w.value);
                KeyValue kv = new KeyValue(w.key, w.value, rev, rev);
                return new Outcome(w, copy(kv), new WatchEvent(WatchEvent.Type.ADDED, kv, null), null);
            }
            case UPDATE -> {
                if (!present) {
                    return failed(w, StorageException.notFound(w.key));
                }
                if (cur.id() != w.expectedModRevision) {
                    return failed(w, StorageException.conflict(w.key, cur.id()));
                }
                insert(rev, w.key, false, false, cur.createRevision(), cur.id(), w.value);
                KeyValue kv = new KeyValue(w.key, w.value, cur.createRevision(), rev);
                return new Outcome(w, copy(kv), new WatchEvent(WatchEvent.Type.MODIFIED, kv, cur.toKeyValue()), null);
            }
            case DELETE -> {
                if (!present) {
                    return failed(w, StorageException.notFound(w.key));
                }
                if (w.expectedModRevision != 0 && cur.id() != w.expectedModRevision) {
                    return failed(w, StorageException.conflict(w.key, cur.id()));
                }
                insert(rev, w.key, false, true, cur.createRevision(), cur.id(), null);
                KeyValue kv = new KeyValue(w.key, cur.value(), cur.createRevision(), rev);
                return new Outcome(w, copy(kv), new WatchEvent(WatchEvent.Type.DELETED, kv, cur.toKeyValue()), null);
            }
            default -> throw new IllegalStateException("unknown write " + w.kind);
        }
    }

    private static Outcome failed(Write w, StorageException e) {
        return new Outcome(w, null, null, e);
    }

    // The caller gets its own array, so it cannot change what watchers see.
    private static KeyValue copy(KeyValue kv) {
        return new KeyValue(kv.key(), kv.value().clone(), kv.createRevision(), kv.modRevision());
    }

    private void insert(long id, String key, boolean created, boolean deleted, long createRevision,
                        long prevRevision, byte[] value) throws SQLException {
        insert.setLong(1, id);
        insert.setString(2, key);
        insert.setInt(3, created ? 1 : 0);
        insert.setInt(4, deleted ? 1 : 0);
        insert.setLong(5, createRevision);
        insert.setLong(6, prevRevision);
        insert.setBytes(7, value);
        insert.executeUpdate();
    }

    private void runCompaction(Compact c) {
        long target = Math.min(c.revision, revision);
        if (target <= compacted) {
            c.done.complete(compacted);
            return;
        }
        long upTo = Math.min(target, compacted + COMPACTION_SLICE);
        int removed = c.removed;
        try {
            conn.setAutoCommit(false);
            try (PreparedStatement superseded = conn.prepareStatement(KvSchema.DELETE_SUPERSEDED);
                 PreparedStatement tombstones = conn.prepareStatement(KvSchema.DELETE_TOMBSTONES);
                 PreparedStatement meta = conn.prepareStatement(KvSchema.UPSERT_META)) {
                superseded.setLong(1, compacted);
                superseded.setLong(2, upTo);
                removed += superseded.executeUpdate();
                tombstones.setLong(1, compacted);
                tombstones.setLong(2, upTo);
                removed += tombstones.executeUpdate();
                meta.setString(1, KvSchema.COMPACT_REVISION);
                meta.setLong(2, upTo);
                meta.addBatch();
                // Compaction may drop the newest row; this keeps revisions from going back on restart.
                meta.setString(1, KvSchema.CURRENT_REVISION);
                meta.setLong(2, revision);
                meta.addBatch();
                meta.executeBatch();
            }
            conn.commit();
            compacted = upTo;
            sink.compacted(upTo);
        } catch (SQLException | RuntimeException e) {
            log.warn("sqlite compaction failed revision={} error={}", upTo, e.toString());
            rollback();
            c.done.completeExceptionally(unavailable("compaction failed: " + e.getMessage()));
            return;
        } finally {
            try {
                conn.setAutoCommit(true);
            } catch (SQLException e) {
                log.warn("sqlite autocommit reset failed error={}", e.toString());
            }
        }
        if (upTo < target) {
            // the rest after the writes queued meanwhile; a closing store keeps what is compacted so far
            synchronized (enqueueLock) {
                if (!stopping) {
                    queue.add(new Compact(target, c.done, c.started, removed));
                    return;
                }
            }
        }
        log.info("sqlite compacted revision={} rowsRemoved={} tookMs={}", compacted, removed,
                (System.nanoTime() - c.started) / 1_000_000);
        c.done.complete(compacted);
    }

    private void rollback() {
        try {
            conn.rollback();
        } catch (SQLException e) {
            log.warn("sqlite rollback failed error={}", e.toString());
        }
    }

    private void closeConnection() {
        try {
            selectLatest.close();
            insert.close();
            conn.close();
        } catch (SQLException e) {
            log.warn("sqlite writer close failed error={}", e.toString());
        }
    }
}
