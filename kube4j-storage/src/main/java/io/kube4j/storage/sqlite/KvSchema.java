package io.kube4j.storage.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The table layout and the statements shared by the writer and the readers. The store is a log:
 * {@code kv} has one row per write with the revision as its primary key; {@code meta} keeps the
 * compacted revision and, because compaction may drop the newest rows (tombstones), the revision
 * reached when it ran.
 */
final class KvSchema {
    static final String COMPACT_REVISION = "compact_revision";
    static final String CURRENT_REVISION = "current_revision";

    static final String SELECT_LATEST = """
            SELECT id, created, deleted, create_revision, prev_revision, value
            FROM kv WHERE name = ? ORDER BY id DESC LIMIT 1""";

    static final String INSERT = """
            INSERT INTO kv (id, name, created, deleted, create_revision, prev_revision, value)
            VALUES (?, ?, ?, ?, ?, ?, ?)""";

    /** Revisions of a snapshot: newest row, revision recorded by compaction, compacted revision. */
    static final String SELECT_REVISIONS = """
            SELECT (SELECT IFNULL(MAX(id), 0) FROM kv),
                   (SELECT IFNULL(MAX(value), 0) FROM meta WHERE name = 'current_revision'),
                   (SELECT IFNULL(MAX(value), 0) FROM meta WHERE name = 'compact_revision')""";

    /**
     * Drops the rows that a row with an id in (?1, ?2] supersedes. Compaction to ?1 already left at most one row
     * per name at or below ?1, so this is compaction from ?1 to ?2: it touches only the rows of that slice and, by
     * the (name, id) index, the older rows of their names.
     */
    static final String DELETE_SUPERSEDED = """
            DELETE FROM kv WHERE id IN (
                SELECT older.id FROM kv AS newer JOIN kv AS older ON older.name = newer.name AND older.id < newer.id
                WHERE newer.id > ?1 AND newer.id <= ?2)""";

    /** Drops tombstones in (?1, ?2]; after DELETE_SUPERSEDED nothing at or below ?2 refers to them. */
    static final String DELETE_TOMBSTONES = "DELETE FROM kv WHERE id > ?1 AND id <= ?2 AND deleted = 1";

    static final String UPSERT_META = "INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)";

    private KvSchema() {
    }

    static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE IF NOT EXISTS kv (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL,
                        created INTEGER NOT NULL,
                        deleted INTEGER NOT NULL,
                        create_revision INTEGER NOT NULL,
                        prev_revision INTEGER NOT NULL,
                        value BLOB)""");
            s.execute("CREATE INDEX IF NOT EXISTS kv_name_id ON kv (name, id)");
            s.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
        }
    }

    /** The revisions as seen by {@code c}'s current snapshot. */
    static Revisions revisions(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SELECT_REVISIONS)) {
            rs.next();
            return new Revisions(Math.max(rs.getLong(1), rs.getLong(2)), rs.getLong(3));
        }
    }

    /** The newest row of {@code key}, or null. */
    static LogRow latest(PreparedStatement selectLatest, String key) throws SQLException {
        selectLatest.setString(1, key);
        try (ResultSet rs = selectLatest.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            boolean deleted = rs.getInt(3) != 0;
            return new LogRow(rs.getLong(1), key, rs.getInt(2) != 0, deleted, rs.getLong(4), rs.getLong(5),
                    deleted ? null : value(rs.getBytes(6)));
        }
    }

    /** The driver reads a zero-length blob as null. */
    static byte[] value(byte[] stored) {
        return stored == null ? new byte[0] : stored;
    }

    /**
     * The exclusive upper bound of the keys starting with {@code prefix}, or null when there is none
     * to give (empty prefix, or a last character that cannot be incremented).
     */
    static String prefixEnd(String prefix) {
        if (prefix.isEmpty()) {
            return null;
        }
        char last = prefix.charAt(prefix.length() - 1);
        if (last == Character.MAX_VALUE || Character.isSurrogate(last) || Character.isSurrogate((char) (last + 1))) {
            return null;
        }
        return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
    }

    /**
     * @param current   the newest revision in the snapshot
     * @param compacted the compacted revision in the snapshot
     */
    record Revisions(long current, long compacted) {
    }
}
