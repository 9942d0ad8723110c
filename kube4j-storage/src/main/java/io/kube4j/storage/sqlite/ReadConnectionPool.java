package io.kube4j.storage.sqlite;

import io.kube4j.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A fixed set of read connections lent out one caller at a time (a JDBC connection is not meant
 * for concurrent use). In WAL mode they read the last committed state while the writer writes.
 * Thread-safe.
 */
final class ReadConnectionPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReadConnectionPool.class);
    private static final long ACQUIRE_TIMEOUT_SECONDS = 30;
    private static final long CLOSE_TIMEOUT_SECONDS = 10;

    /** Work done with a borrowed connection. */
    interface ReadWork<T> {
        T run(Connection c) throws SQLException;
    }

    private final BlockingQueue<Connection> idle;
    private final int size;
    private volatile boolean closed;

    ReadConnectionPool(List<Connection> connections) {
        this.size = connections.size();
        this.idle = new ArrayBlockingQueue<>(size, false, connections);
    }

    /** Runs {@code work} with a connection in autocommit mode, each statement on a fresh snapshot. */
    <T> T read(ReadWork<T> work) {
        Connection c = acquire();
        try {
            return work.run(c);
        } catch (SQLException e) {
            throw new StorageException(StorageException.Code.UNAVAILABLE, null, 0, "read failed: " + e.getMessage());
        } finally {
            idle.add(c);
        }
    }

    /** Runs {@code work} inside one read transaction, so all its statements see the same snapshot. */
    <T> T readSnapshot(ReadWork<T> work) {
        return read(c -> {
            c.setAutoCommit(false);
            try {
                return work.run(c);
            } finally {
                c.setAutoCommit(true); // ends the read transaction
            }
        });
    }

    private Connection acquire() {
        if (closed) {
            throw new StorageException(StorageException.Code.UNAVAILABLE, null, 0, "storage is closed");
        }
        try {
            Connection c = idle.poll(ACQUIRE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (c == null) {
                throw new StorageException(StorageException.Code.UNAVAILABLE, null, 0, "no read connection free");
            }
            if (closed) {
                idle.add(c);
                throw new StorageException(StorageException.Code.UNAVAILABLE, null, 0, "storage is closed");
            }
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(StorageException.Code.UNAVAILABLE, null, 0, "interrupted waiting for a read");
        }
    }

    /** Waits for borrowed connections to come back, then closes all of them. */
    @Override
    public void close() {
        closed = true;
        for (int i = 0; i < size; i++) {
            try {
                Connection c = idle.poll(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (c == null) {
                    log.warn("sqlite read connection not returned before close");
                    continue;
                }
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (SQLException e) {
                log.warn("sqlite read connection close failed error={}", e.toString());
            }
        }
    }
}
