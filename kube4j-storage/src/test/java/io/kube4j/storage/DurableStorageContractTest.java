package io.kube4j.storage;

import io.kube4j.storage.StorageException.Code;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract of {@link StorageContractTest} plus what a durable backend must keep across a restart: keys, values
 * and revisions, the history watches replay, and the revision after compaction. A durable backend's test extends
 * this class and supplies {@link #reopen(Storage)}.
 */
public abstract class DurableStorageContractTest extends StorageContractTest {

    /** Closes {@code current} and opens the same store again, as a process restart would. */
    protected abstract Storage reopen(Storage current);

    @Test
    void reopenKeepsKeysValuesAndRevisions() {
        KeyValue a = storage.create("/p/a", bytes("a1"));
        a = storage.update("/p/a", a.modRevision(), bytes("a2"));
        KeyValue b = storage.create("/p/b", bytes("b1"));
        storage.delete("/p/b", 0);
        KeyValue c = storage.create("/p/c", bytes("c1"));
        long rev = storage.currentRevision();
        List<KeyValue> before = storage.list("/p/", null, 0, 0).items();

        storage = reopen(storage);

        assertThat(storage.currentRevision()).isEqualTo(rev);
        List<KeyValue> after = storage.list("/p/", null, 0, 0).items();
        assertThat(after).hasSize(before.size());
        for (int i = 0; i < before.size(); i++) {
            assertSame(after.get(i), before.get(i));
        }
        assertSame(storage.get("/p/a"), a);
        assertSame(storage.get("/p/c"), c);
        assertThat(storage.get("/p/b")).isNull();
        assertThat(keys(storage.list("/p/", null, 0, b.modRevision()))).containsExactly("/p/a", "/p/b");
        KeyValue d = storage.create("/p/d", bytes("d1"));
        assertThat(d.modRevision()).isEqualTo(rev + 1);
    }

    @Test
    void reopenKeepsHistoryForWatches() throws Exception {
        KeyValue a1 = storage.create("/p/a", bytes("a1"));
        KeyValue a2 = storage.update("/p/a", a1.modRevision(), bytes("a2"));
        KeyValue gone = storage.delete("/p/a", 0);

        storage = reopen(storage);

        EventRecorder rec = new EventRecorder();
        try (AutoCloseable w = storage.watch("/p/", base, rec)) {
            rec.awaitCount(3);
            assertEvent(rec.get(0), WatchEvent.Type.ADDED, a1, null);
            assertEvent(rec.get(1), WatchEvent.Type.MODIFIED, a2, a1);
            assertEvent(rec.get(2), WatchEvent.Type.DELETED, gone, a2);
        }
    }

    @Test
    void reopenAfterCompactingAwayTheNewestWriteKeepsTheRevision() {
        storage.create("/p/keep", bytes("k"));
        storage.create("/p/a", bytes("a1"));
        KeyValue gone = storage.delete("/p/a", 0);
        storage.compact(gone.modRevision());

        storage = reopen(storage);

        assertThat(storage.currentRevision()).isEqualTo(gone.modRevision());
        assertThat(storage.compactedRevision()).isEqualTo(gone.modRevision());
        assertThatThrownBy(() -> storage.list("/p/", null, 0, gone.modRevision() - 1))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.code()).isEqualTo(Code.COMPACTED));
        assertThat(keys(storage.list("/p/", null, 0, 0))).containsExactly("/p/keep");
        KeyValue again = storage.create("/p/a", bytes("a2"));
        assertThat(again.modRevision()).isEqualTo(gone.modRevision() + 1);
    }
}
