package io.kube4j.storage;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A revisioned key-value store with the semantics of etcd's v3 API: one global revision that every
 * write bumps, compare-and-swap on a key's modification revision, range reads at a past revision,
 * watches from a revision, and compaction. The API server is its only caller. Implementations are
 * thread-safe; a write returns only once it is durable for that backend.
 */
public interface Storage extends AutoCloseable {

    /** Creates {@code key}; fails with KEY_EXISTS when it is present. Returns the new revision. */
    KeyValue create(String key, byte[] value);

    /** The current value, or null. */
    KeyValue get(String key);

    /**
     * Reads keys starting with {@code prefix}, in key order, strictly after {@code startAfter} (null for
     * the start), at most {@code limit} of them (0 for all). {@code revision} 0 reads the latest state;
     * an older revision reads history and fails with COMPACTED when it is below
     * {@link #compactedRevision()} (the compacted revision itself stays readable). A revision above
     * the current one reads the latest state. The result carries the revision actually read, so the
     * next page can be read at the same one.
     */
    ListResult list(String prefix, String startAfter, int limit, long revision);

    /**
     * Replaces {@code key} if its modRevision still equals {@code expectedModRevision}; fails with
     * CONFLICT otherwise and KEY_NOT_FOUND when absent.
     */
    KeyValue update(String key, long expectedModRevision, byte[] value);

    /**
     * Deletes {@code key}, if {@code expectedModRevision} is 0 or matches. Returns the deleted value,
     * with the delete's revision as modRevision.
     */
    KeyValue delete(String key, long expectedModRevision);

    /**
     * Reads, transforms and writes {@code key} until no concurrent write intervenes. The function
     * gets the current value (never null) and returns a value carrying the new bytes (only
     * {@link KeyValue#value()} is used), or null to leave the key as is. It may run several times
     * and may throw to abort. Returns the value after the update. Fails with KEY_NOT_FOUND when the
     * key is absent.
     */
    default KeyValue guaranteedUpdate(String key, UnaryOperator<KeyValue> tryUpdate) {
        while (true) {
            KeyValue cur = get(key);
            if (cur == null) {
                throw StorageException.notFound(key);
            }
            KeyValue next = tryUpdate.apply(cur);
            if (next == null) {
                return cur;
            }
            try {
                return update(key, cur.modRevision(), next.value());
            } catch (StorageException e) {
                if (e.code() != StorageException.Code.CONFLICT) {
                    throw e;
                }
            }
        }
    }

    /**
     * Streams every change to keys under {@code prefix} with a revision greater than
     * {@code afterRevision}, in revision order, then follows new changes until the returned handle
     * is closed; no change is skipped or repeated between history and live changes. Fails with
     * COMPACTED when {@code afterRevision} is below {@link #compactedRevision()}. History may be
     * delivered on the calling thread before this returns; live changes arrive on a backend thread,
     * so the listener must be thread-safe, must not block for long and must not write to the store
     * (a backend may deliver on its writer thread). A listener that throws loses that event only.
     */
    AutoCloseable watch(String prefix, long afterRevision, Consumer<WatchEvent> listener);

    /** The revision of the newest write. */
    long currentRevision();

    /**
     * Drops history older than {@code revision}: afterwards, reads at a revision below it and watches
     * from a revision below it fail with COMPACTED, while the state at {@code revision} and everything
     * newer stays readable. A revision at or below the compacted one does nothing; one above the
     * current revision compacts up to the current revision.
     */
    void compact(long revision);

    /** The highest compacted revision (0 when none). */
    long compactedRevision();

    @Override
    void close();
}
