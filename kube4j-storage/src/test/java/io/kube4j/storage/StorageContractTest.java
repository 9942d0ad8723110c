package io.kube4j.storage;

import io.kube4j.storage.StorageException.Code;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The behaviour every {@link Storage} backend must show. A backend's test extends this class and
 * supplies {@link #newStorage()}; a durable backend extends {@link DurableStorageContractTest} instead,
 * which adds the restart checks.
 *
 * <p>Each test gets a fresh store through {@link #newStorage()} and closes it afterwards. The store
 * must be empty, or at least hold no key under {@code /}-prefixed test keys and see no other writers
 * while the test runs: revisions are asserted relative to {@link Storage#currentRevision()} at the
 * start, so a backend such as etcd need not start at revision 0.
 */
public abstract class StorageContractTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** The store under test; tests that reopen replace it, and it is closed after each test. */
    protected Storage storage;
    /** The store's revision when the test started. */
    protected long base;

    /** A new, empty store. Called once before each test. */
    protected abstract Storage newStorage();

    @BeforeEach
    void openStore() {
        storage = newStorage();
        base = storage.currentRevision();
    }

    @AfterEach
    void closeStore() {
        if (storage != null) {
            storage.close();
        }
    }

    // ---------------------------------------------------------------- create / get

    @Test
    void createAssignsIncreasingRevisions() {
        KeyValue a = storage.create("/pods/ns/a", bytes("A"));
        KeyValue b = storage.create("/pods/ns/b", bytes("B"));

        assertThat(a.key()).isEqualTo("/pods/ns/a");
        assertThat(text(a)).isEqualTo("A");
        assertThat(a.modRevision()).isEqualTo(base + 1);
        assertThat(a.createRevision()).isEqualTo(a.modRevision());
        assertThat(b.modRevision()).isEqualTo(base + 2);
        assertThat(b.createRevision()).isEqualTo(b.modRevision());
        assertThat(storage.currentRevision()).isEqualTo(base + 2);
    }

    @Test
    void getReturnsWhatCreateStored() {
        KeyValue created = storage.create("/pods/ns/a", bytes("A"));

        KeyValue got = storage.get("/pods/ns/a");

        assertThat(got).isNotNull();
        assertSame(got, created);
    }

    @Test
    void createOfExistingKeyFailsWithKeyExists() {
        KeyValue first = storage.create("/pods/ns/a", bytes("first"));

        assertThatThrownBy(() -> storage.create("/pods/ns/a", bytes("second")))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.KEY_EXISTS);
                    assertThat(e.key()).isEqualTo("/pods/ns/a");
                });
        assertThat(text(storage.get("/pods/ns/a"))).isEqualTo("first");
        assertThat(storage.currentRevision()).isEqualTo(first.modRevision());
    }

    @Test
    void getOfAbsentKeyReturnsNull() {
        storage.create("/pods/ns/a", bytes("A"));

        assertThat(storage.get("/pods/ns/b")).isNull();
        assertThat(storage.get("/pods/ns/")).isNull();
        assertThat(storage.get("/pods/ns/aa")).isNull();
    }

    @Test
    void valuesAreCopiedInAndOut() {
        byte[] input = bytes("original");
        storage.create("/pods/ns/a", input);
        input[0] = 'X';

        KeyValue got = storage.get("/pods/ns/a");
        assertThat(text(got)).isEqualTo("original");
        got.value()[0] = 'Y';

        assertThat(text(storage.get("/pods/ns/a"))).isEqualTo("original");
        assertThat(text(storage.list("/pods/", null, 0, 0).items().get(0))).isEqualTo("original");
    }

    @Test
    void emptyValueIsStored() {
        storage.create("/pods/ns/empty", new byte[0]);

        assertThat(storage.get("/pods/ns/empty").value()).isEmpty();
    }

    // ---------------------------------------------------------------- list

    @Test
    void listReturnsOnlyKeysUnderThePrefix() {
        storage.create("/pods/a/x", bytes("1"));
        storage.create("/pods/ab/y", bytes("2"));
        storage.create("/pods/a/y", bytes("3"));
        storage.create("/pods/a", bytes("4"));
        storage.create("/pods/b/x", bytes("5"));
        storage.create("/services/a/x", bytes("6"));

        ListResult result = storage.list("/pods/a/", null, 0, 0);

        assertThat(keys(result)).containsExactly("/pods/a/x", "/pods/a/y");
        assertThat(result.more()).isFalse();
        assertThat(keys(storage.list("/pods/", null, 0, 0)))
                .containsExactly("/pods/a", "/pods/a/x", "/pods/a/y", "/pods/ab/y", "/pods/b/x");
        assertThat(storage.list("/nothing/", null, 0, 0).items()).isEmpty();
    }

    @Test
    void listReturnsKeysInKeyOrder() {
        List<String> names = new ArrayList<>(List.of("m", "a", "z", "b0", "b", "aa", "Z", "0", "b-1", "b.1"));
        Collections.shuffle(names, new java.util.Random(42));
        for (String n : names) {
            storage.create("/order/" + n, bytes(n));
        }

        List<String> expected = names.stream().map(n -> "/order/" + n).sorted().toList();
        assertThat(keys(storage.list("/order/", null, 0, 0))).containsExactlyElementsOf(expected);
    }

    @Test
    void listCarriesValuesAndRevisions() {
        KeyValue a = storage.create("/cm/a", bytes("A"));
        KeyValue a2 = storage.update("/cm/a", a.modRevision(), bytes("A2"));

        ListResult result = storage.list("/cm/", null, 0, 0);

        assertThat(result.revision()).isEqualTo(storage.currentRevision());
        assertThat(result.items()).hasSize(1);
        assertSame(result.items().get(0), a2);
    }

    @Test
    void listPagesWithStartAfterAndLimit() {
        for (int i = 1; i <= 5; i++) {
            storage.create("/page/k" + i, bytes("v" + i));
        }
        storage.create("/pagex/k0", bytes("outside"));

        ListResult p1 = storage.list("/page/", null, 2, 0);
        assertThat(keys(p1)).containsExactly("/page/k1", "/page/k2");
        assertThat(p1.more()).isTrue();

        ListResult p2 = storage.list("/page/", "/page/k2", 2, p1.revision());
        assertThat(keys(p2)).containsExactly("/page/k3", "/page/k4");
        assertThat(p2.more()).isTrue();
        assertThat(p2.revision()).isEqualTo(p1.revision());

        ListResult p3 = storage.list("/page/", "/page/k4", 2, p1.revision());
        assertThat(keys(p3)).containsExactly("/page/k5");
        assertThat(p3.more()).isFalse();
    }

    @Test
    void listWithLimitEqualToRemainingReportsNoMore() {
        for (int i = 1; i <= 4; i++) {
            storage.create("/page/k" + i, bytes("v" + i));
        }

        ListResult all = storage.list("/page/", null, 4, 0);
        assertThat(all.items()).hasSize(4);
        assertThat(all.more()).isFalse();

        ListResult tail = storage.list("/page/", "/page/k2", 2, 0);
        assertThat(keys(tail)).containsExactly("/page/k3", "/page/k4");
        assertThat(tail.more()).isFalse();
    }

    @Test
    void listMoreIgnoresDeletedKeysAfterThePage() {
        storage.create("/page/k1", bytes("1"));
        storage.create("/page/k2", bytes("2"));
        KeyValue k3 = storage.create("/page/k3", bytes("3"));
        storage.delete("/page/k3", k3.modRevision());

        ListResult result = storage.list("/page/", null, 2, 0);

        assertThat(keys(result)).containsExactly("/page/k1", "/page/k2");
        assertThat(result.more()).isFalse();
    }

    @Test
    void listStartAfterLastKeyIsEmpty() {
        storage.create("/page/k1", bytes("1"));

        ListResult result = storage.list("/page/", "/page/k1", 10, 0);

        assertThat(result.items()).isEmpty();
        assertThat(result.more()).isFalse();
    }

    @Test
    void listStartAfterBeforeThePrefixStartsAtThePrefix() {
        storage.create("/a/1", bytes("x"));
        storage.create("/b/1", bytes("1"));
        storage.create("/b/2", bytes("2"));

        assertThat(keys(storage.list("/b/", "/a/1", 0, 0))).containsExactly("/b/1", "/b/2");
        assertThat(keys(storage.list("/b/", "", 1, 0))).containsExactly("/b/1");
    }

    @Test
    void pagingAtAFixedRevisionIgnoresLaterWrites() {
        for (int i = 1; i <= 4; i++) {
            storage.create("/page/k" + i, bytes("v" + i));
        }
        ListResult p1 = storage.list("/page/", null, 2, 0);

        KeyValue k3 = storage.get("/page/k3");
        storage.update("/page/k3", k3.modRevision(), bytes("changed"));
        storage.delete("/page/k4", 0);
        storage.create("/page/k5", bytes("v5"));

        ListResult p2 = storage.list("/page/", "/page/k2", 0, p1.revision());
        assertThat(keys(p2)).containsExactly("/page/k3", "/page/k4");
        assertThat(text(p2.items().get(0))).isEqualTo("v3");
        assertThat(p2.more()).isFalse();
    }

    @Test
    void listAtAPastRevisionSeesTheStateOfThatRevision() {
        KeyValue a1 = storage.create("/h/a", bytes("a1"));          // base+1
        KeyValue b = storage.create("/h/b", bytes("b1"));           // base+2
        KeyValue a2 = storage.update("/h/a", a1.modRevision(), bytes("a2")); // base+3
        storage.delete("/h/b", b.modRevision());                    // base+4
        storage.create("/h/c", bytes("c1"));                        // base+5

        ListResult at2 = storage.list("/h/", null, 0, base + 2);
        assertThat(at2.revision()).isEqualTo(base + 2);
        assertThat(keys(at2)).containsExactly("/h/a", "/h/b");
        assertSame(at2.items().get(0), a1);
        assertSame(at2.items().get(1), b);

        ListResult at3 = storage.list("/h/", null, 0, base + 3);
        assertThat(keys(at3)).containsExactly("/h/a", "/h/b");
        assertSame(at3.items().get(0), a2);

        assertThat(keys(storage.list("/h/", null, 0, base + 4))).containsExactly("/h/a");
        assertThat(keys(storage.list("/h/", null, 0, base + 5))).containsExactly("/h/a", "/h/c");
        assertThat(storage.list("/h/", null, 0, base + 1).items()).singleElement()
                .satisfies(kv -> assertSame(kv, a1));
    }

    @Test
    void listAtLatestReportsCurrentRevision() {
        storage.create("/r/a", bytes("a"));
        storage.create("/other/b", bytes("b"));

        ListResult result = storage.list("/r/", null, 0, 0);

        assertThat(result.revision()).isEqualTo(storage.currentRevision()).isEqualTo(base + 2);
    }

    @Test
    void listAboveTheCurrentRevisionReadsTheLatestState() {
        storage.create("/r/a", bytes("a"));

        ListResult result = storage.list("/r/", null, 0, base + 50);

        assertThat(keys(result)).containsExactly("/r/a");
        assertThat(result.revision()).isEqualTo(base + 1);
    }

    @Test
    void listBelowTheCompactedRevisionFailsWithCompacted() {
        KeyValue a = storage.create("/c/a", bytes("1"));
        a = storage.update("/c/a", a.modRevision(), bytes("2"));
        storage.update("/c/a", a.modRevision(), bytes("3"));
        long compactAt = base + 2;

        storage.compact(compactAt);

        assertThatThrownBy(() -> storage.list("/c/", null, 0, compactAt - 1))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.COMPACTED);
                    assertThat(e.revision()).isEqualTo(compactAt);
                });
        ListResult atCompacted = storage.list("/c/", null, 0, compactAt);
        assertThat(atCompacted.items()).singleElement().satisfies(kv -> {
            assertThat(text(kv)).isEqualTo("2");
            assertThat(kv.modRevision()).isEqualTo(compactAt);
        });
        assertThat(text(storage.list("/c/", null, 0, 0).items().get(0))).isEqualTo("3");
    }

    // ---------------------------------------------------------------- update

    @Test
    void updateWithMatchingRevisionWrites() {
        KeyValue created = storage.create("/u/a", bytes("1"));

        KeyValue updated = storage.update("/u/a", created.modRevision(), bytes("2"));

        assertThat(text(updated)).isEqualTo("2");
        assertThat(updated.modRevision()).isEqualTo(created.modRevision() + 1);
        assertThat(updated.createRevision()).isEqualTo(created.createRevision());
        assertSame(storage.get("/u/a"), updated);
        assertThat(storage.currentRevision()).isEqualTo(updated.modRevision());
    }

    @Test
    void updateWithStaleRevisionFailsWithConflictCarryingTheCurrentRevision() {
        KeyValue v1 = storage.create("/u/a", bytes("1"));
        KeyValue v2 = storage.update("/u/a", v1.modRevision(), bytes("2"));

        assertThatThrownBy(() -> storage.update("/u/a", v1.modRevision(), bytes("3")))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.CONFLICT);
                    assertThat(e.key()).isEqualTo("/u/a");
                    assertThat(e.revision()).isEqualTo(v2.modRevision());
                });
        assertSame(storage.get("/u/a"), v2);
        assertThat(storage.currentRevision()).isEqualTo(v2.modRevision());
    }

    @Test
    void updateWithFutureRevisionFailsWithConflict() {
        KeyValue v1 = storage.create("/u/a", bytes("1"));

        assertThatThrownBy(() -> storage.update("/u/a", v1.modRevision() + 100, bytes("2")))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.code()).isEqualTo(Code.CONFLICT));
    }

    @Test
    void updateOfAbsentKeyFailsWithKeyNotFound() {
        assertThatThrownBy(() -> storage.update("/u/missing", 1, bytes("x")))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.KEY_NOT_FOUND);
                    assertThat(e.key()).isEqualTo("/u/missing");
                });
        assertThat(storage.currentRevision()).isEqualTo(base);
    }

    @Test
    void updateOfDeletedKeyFailsWithKeyNotFound() {
        KeyValue v1 = storage.create("/u/a", bytes("1"));
        storage.delete("/u/a", 0);

        assertThatThrownBy(() -> storage.update("/u/a", v1.modRevision(), bytes("2")))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.code()).isEqualTo(Code.KEY_NOT_FOUND));
        assertThat(storage.get("/u/a")).isNull();
    }

    // ---------------------------------------------------------------- delete

    @Test
    void deleteWithoutPreconditionReturnsTheLastValueAtTheDeleteRevision() {
        KeyValue v1 = storage.create("/d/a", bytes("1"));
        KeyValue v2 = storage.update("/d/a", v1.modRevision(), bytes("2"));

        KeyValue deleted = storage.delete("/d/a", 0);

        assertThat(deleted.key()).isEqualTo("/d/a");
        assertThat(text(deleted)).isEqualTo("2");
        assertThat(deleted.createRevision()).isEqualTo(v1.createRevision());
        assertThat(deleted.modRevision()).isEqualTo(v2.modRevision() + 1);
        assertThat(storage.currentRevision()).isEqualTo(deleted.modRevision());
        assertThat(storage.get("/d/a")).isNull();
        assertThat(storage.list("/d/", null, 0, 0).items()).isEmpty();
    }

    @Test
    void deleteWithMatchingPreconditionDeletes() {
        KeyValue v1 = storage.create("/d/a", bytes("1"));

        KeyValue deleted = storage.delete("/d/a", v1.modRevision());

        assertThat(deleted.modRevision()).isEqualTo(v1.modRevision() + 1);
        assertThat(storage.get("/d/a")).isNull();
    }

    @Test
    void deleteWithStalePreconditionFailsWithConflict() {
        KeyValue v1 = storage.create("/d/a", bytes("1"));
        KeyValue v2 = storage.update("/d/a", v1.modRevision(), bytes("2"));

        assertThatThrownBy(() -> storage.delete("/d/a", v1.modRevision()))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.CONFLICT);
                    assertThat(e.revision()).isEqualTo(v2.modRevision());
                });
        assertSame(storage.get("/d/a"), v2);
        assertThat(storage.currentRevision()).isEqualTo(v2.modRevision());
    }

    @Test
    void deleteOfAbsentKeyFailsWithKeyNotFound() {
        assertThatThrownBy(() -> storage.delete("/d/missing", 0))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.code()).isEqualTo(Code.KEY_NOT_FOUND));
        KeyValue v1 = storage.create("/d/a", bytes("1"));
        storage.delete("/d/a", 0);
        assertThatThrownBy(() -> storage.delete("/d/a", v1.modRevision()))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.code()).isEqualTo(Code.KEY_NOT_FOUND));
        assertThat(storage.currentRevision()).isEqualTo(base + 2);
    }

    @Test
    void recreateOfDeletedKeyGetsANewCreateRevision() {
        KeyValue first = storage.create("/d/a", bytes("1"));
        storage.delete("/d/a", 0);

        KeyValue second = storage.create("/d/a", bytes("2"));

        assertThat(second.createRevision()).isEqualTo(second.modRevision()).isEqualTo(first.createRevision() + 2);
        assertSame(storage.get("/d/a"), second);
        KeyValue third = storage.update("/d/a", second.modRevision(), bytes("3"));
        assertThat(third.createRevision()).isEqualTo(second.createRevision());
    }

    // ---------------------------------------------------------------- guaranteedUpdate

    @Test
    void guaranteedUpdateAppliesTheFunctionToTheCurrentValue() {
        storage.create("/g/a", bytes("1"));

        KeyValue result = storage.guaranteedUpdate("/g/a",
                cur -> new KeyValue(cur.key(), bytes(text(cur) + "+"), cur.createRevision(), cur.modRevision()));

        assertThat(text(result)).isEqualTo("1+");
        assertSame(storage.get("/g/a"), result);
    }

    @Test
    void guaranteedUpdateReturningNullLeavesTheKeyAlone() {
        KeyValue created = storage.create("/g/a", bytes("1"));

        KeyValue result = storage.guaranteedUpdate("/g/a", cur -> null);

        assertSame(result, created);
        assertThat(storage.currentRevision()).isEqualTo(created.modRevision());
    }

    @Test
    void guaranteedUpdateOfAbsentKeyFailsWithKeyNotFound() {
        assertThatThrownBy(() -> storage.guaranteedUpdate("/g/missing", cur -> cur))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.code()).isEqualTo(Code.KEY_NOT_FOUND));
    }

    @Test
    void guaranteedUpdatePropagatesAnAbortFromTheFunction() {
        KeyValue created = storage.create("/g/a", bytes("1"));

        assertThatThrownBy(() -> storage.guaranteedUpdate("/g/a", cur -> {
            throw new IllegalStateException("no");
        })).isInstanceOf(IllegalStateException.class);
        assertSame(storage.get("/g/a"), created);
    }

    @Test
    @Timeout(60)
    void guaranteedUpdateLosesNoUpdateUnderConcurrentWriters() throws Exception {
        int threads = 8;
        int perThread = 50;
        KeyValue created = storage.create("/g/counter", bytes("0"));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        storage.guaranteedUpdate("/g/counter", cur -> new KeyValue(cur.key(),
                                bytes(Long.toString(Long.parseLong(text(cur)) + 1)),
                                cur.createRevision(), cur.modRevision()));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(50, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        KeyValue end = storage.get("/g/counter");
        assertThat(text(end)).isEqualTo(Integer.toString(threads * perThread));
        assertThat(end.modRevision()).isEqualTo(created.modRevision() + threads * perThread);
        assertThat(end.createRevision()).isEqualTo(created.createRevision());
        assertThat(storage.currentRevision()).isEqualTo(end.modRevision());
    }

    @Test
    @Timeout(60)
    void concurrentCreatesGetDistinctRevisionsAndOneWinnerPerKey() throws Exception {
        int threads = 8;
        int keys = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<KeyValue> won = new CopyOnWriteArrayList<>();
        AtomicLong lost = new AtomicLong();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < keys; i++) {
                        try {
                            won.add(storage.create("/race/k" + i, bytes(Thread.currentThread().getName())));
                        } catch (StorageException e) {
                            assertThat(e.code()).isEqualTo(Code.KEY_EXISTS);
                            lost.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(50, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(won).hasSize(keys);
        assertThat(lost.get()).isEqualTo((long) (threads - 1) * keys);
        assertThat(won.stream().map(KeyValue::modRevision).distinct().count()).isEqualTo(keys);
        assertThat(won.stream().mapToLong(KeyValue::modRevision).max().orElseThrow()).isEqualTo(base + keys);
        for (KeyValue kv : won) {
            assertSame(storage.get(kv.key()), kv);
        }
    }

    // ---------------------------------------------------------------- watch

    @Test
    void watchReplaysHistoryInRevisionOrderThenFollowsLiveChanges() throws Exception {
        KeyValue a1 = storage.create("/w/a", bytes("a1"));
        KeyValue a2 = storage.update("/w/a", a1.modRevision(), bytes("a2"));
        KeyValue b1 = storage.create("/w/b", bytes("b1"));
        KeyValue aGone = storage.delete("/w/a", 0);
        EventRecorder rec = new EventRecorder();

        try (AutoCloseable w = storage.watch("/w/", base, rec)) {
            rec.awaitCount(4);
            assertThat(rec.revisions()).containsExactly(base + 1, base + 2, base + 3, base + 4);
            assertEvent(rec.get(0), WatchEvent.Type.ADDED, a1, null);
            assertEvent(rec.get(1), WatchEvent.Type.MODIFIED, a2, a1);
            assertEvent(rec.get(2), WatchEvent.Type.ADDED, b1, null);
            assertEvent(rec.get(3), WatchEvent.Type.DELETED, aGone, a2);

            KeyValue c1 = storage.create("/w/c", bytes("c1"));
            KeyValue b2 = storage.update("/w/b", b1.modRevision(), bytes("b2"));

            rec.awaitCount(6);
            assertEvent(rec.get(4), WatchEvent.Type.ADDED, c1, null);
            assertEvent(rec.get(5), WatchEvent.Type.MODIFIED, b2, b1);
        }
    }

    @Test
    void watchFromARevisionSkipsEarlierChanges() throws Exception {
        storage.create("/w/a", bytes("a1"));
        KeyValue b = storage.create("/w/b", bytes("b1"));
        KeyValue c = storage.create("/w/c", bytes("c1"));
        EventRecorder rec = new EventRecorder();

        try (AutoCloseable w = storage.watch("/w/", b.modRevision(), rec)) {
            rec.awaitCount(1);
            KeyValue d = storage.create("/w/d", bytes("d1"));
            rec.awaitCount(2);
            assertThat(rec.keys()).containsExactly("/w/c", "/w/d");
            assertEvent(rec.get(0), WatchEvent.Type.ADDED, c, null);
            assertEvent(rec.get(1), WatchEvent.Type.ADDED, d, null);
        }
    }

    @Test
    void watchFromTheCurrentRevisionSeesOnlyNewChanges() throws Exception {
        storage.create("/w/a", bytes("a1"));
        EventRecorder rec = new EventRecorder();

        try (AutoCloseable w = storage.watch("/w/", storage.currentRevision(), rec)) {
            KeyValue b = storage.create("/w/b", bytes("b1"));
            rec.awaitCount(1);
            assertEvent(rec.get(0), WatchEvent.Type.ADDED, b, null);
            rec.assertStaysAt(1, storage, "/w-barrier/");
        }
    }

    @Test
    void watchFromAFutureRevisionSkipsChangesUpToIt() throws Exception {
        EventRecorder rec = new EventRecorder();

        try (AutoCloseable w = storage.watch("/w/", base + 2, rec)) {
            storage.create("/w/a", bytes("1"));
            storage.create("/w/b", bytes("2"));
            KeyValue c = storage.create("/w/c", bytes("3"));
            rec.awaitCount(1);
            rec.assertStaysAt(1, storage, "/w-barrier/");
            assertEvent(rec.get(0), WatchEvent.Type.ADDED, c, null);
        }
    }

    @Test
    void watchDeliversOnlyKeysUnderItsPrefix() throws Exception {
        storage.create("/pods/ab/early", bytes("x"));
        storage.create("/pods/a/early", bytes("x"));
        EventRecorder rec = new EventRecorder();

        try (AutoCloseable w = storage.watch("/pods/a/", base, rec)) {
            storage.create("/pods/ab/late", bytes("x"));
            storage.create("/pods/b/late", bytes("x"));
            storage.create("/pods/a", bytes("x"));
            storage.create("/pods/a/late", bytes("x"));
            rec.awaitCount(2);
            rec.assertStaysAt(2, storage, "/barrier/");
            assertThat(rec.keys()).containsExactly("/pods/a/early", "/pods/a/late");
        }
    }

    @Test
    void watchEventsCarryTypesAndPreviousValues() throws Exception {
        EventRecorder rec = new EventRecorder();
        try (AutoCloseable w = storage.watch("/w/", storage.currentRevision(), rec)) {
            KeyValue v1 = storage.create("/w/a", bytes("1"));
            KeyValue v2 = storage.update("/w/a", v1.modRevision(), bytes("2"));
            KeyValue gone = storage.delete("/w/a", v2.modRevision());
            KeyValue again = storage.create("/w/a", bytes("3"));

            rec.awaitCount(4);
            assertEvent(rec.get(0), WatchEvent.Type.ADDED, v1, null);
            assertEvent(rec.get(1), WatchEvent.Type.MODIFIED, v2, v1);
            assertEvent(rec.get(2), WatchEvent.Type.DELETED, gone, v2);
            assertThat(text(rec.get(2).kv())).isEqualTo("2");
            assertThat(rec.get(2).revision()).isEqualTo(gone.modRevision());
            assertEvent(rec.get(3), WatchEvent.Type.ADDED, again, null);
        }
    }

    @Test
    void watchBelowTheCompactedRevisionFailsWithCompacted() throws Exception {
        KeyValue v = storage.create("/w/a", bytes("1"));
        v = storage.update("/w/a", v.modRevision(), bytes("2"));
        v = storage.update("/w/a", v.modRevision(), bytes("3"));
        long compactAt = base + 2;
        storage.compact(compactAt);

        assertThatThrownBy(() -> storage.watch("/w/", compactAt - 1, e -> { }))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.COMPACTED);
                    assertThat(e.revision()).isEqualTo(compactAt);
                });

        EventRecorder rec = new EventRecorder();
        try (AutoCloseable w = storage.watch("/w/", compactAt, rec)) {
            rec.awaitCount(1);
            assertThat(rec.get(0).type()).isEqualTo(WatchEvent.Type.MODIFIED);
            assertThat(text(rec.get(0).kv())).isEqualTo("3");
            assertThat(text(rec.get(0).prev())).isEqualTo("2");
            assertThat(rec.get(0).revision()).isEqualTo(v.modRevision());
        }
    }

    @Test
    void closingAWatchStopsDelivery() throws Exception {
        EventRecorder closed = new EventRecorder();
        EventRecorder open = new EventRecorder();
        AutoCloseable w = storage.watch("/w/", storage.currentRevision(), closed);
        try (AutoCloseable other = storage.watch("/w/", storage.currentRevision(), open)) {
            storage.create("/w/a", bytes("1"));
            closed.awaitCount(1);

            w.close();
            storage.create("/w/b", bytes("2"));
            storage.create("/w/c", bytes("3"));

            open.awaitCount(3);
            assertThat(closed.size()).isEqualTo(1);
        }
    }

    @Test
    void severalWatchersEachSeeEveryEvent() throws Exception {
        EventRecorder one = new EventRecorder();
        EventRecorder two = new EventRecorder();
        try (AutoCloseable w1 = storage.watch("/w/", base, one);
             AutoCloseable w2 = storage.watch("/", base, two)) {
            for (int i = 0; i < 10; i++) {
                storage.create("/w/k" + i, bytes("v"));
            }
            one.awaitCount(10);
            two.awaitCount(10);
            assertThat(one.revisions()).isEqualTo(two.revisions());
        }
    }

    @Test
    @Timeout(60)
    void watchOpenedDuringWritesHasNoGapAndNoDuplicate() throws Exception {
        int total = 400;
        AtomicBoolean failed = new AtomicBoolean();
        CountDownLatch halfway = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < total; i++) {
                    storage.create("/gap/k" + i, bytes("v" + i));
                    if (i == total / 4) {
                        halfway.countDown();
                    }
                }
            } catch (RuntimeException e) {
                failed.set(true);
                halfway.countDown();
            }
        });
        writer.start();
        halfway.await();
        EventRecorder rec = new EventRecorder();
        try (AutoCloseable w = storage.watch("/gap/", base, rec)) {
            writer.join(50_000);
            assertThat(failed).isFalse();
            rec.awaitCount(total);
            rec.assertStaysAt(total, storage, "/gap-barrier/");
            List<Long> expected = new ArrayList<>();
            for (int i = 1; i <= total; i++) {
                expected.add(base + i);
            }
            assertThat(rec.revisions()).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aFailingListenerDoesNotStopOtherWatchers() throws Exception {
        EventRecorder rec = new EventRecorder();
        try (AutoCloseable bad = storage.watch("/w/", storage.currentRevision(), e -> {
            throw new IllegalStateException("listener bug");
        });
             AutoCloseable good = storage.watch("/w/", storage.currentRevision(), rec)) {
            storage.create("/w/a", bytes("1"));
            storage.create("/w/b", bytes("2"));
            rec.awaitCount(2);
            assertThat(storage.get("/w/b")).isNotNull();
        }
    }

    // ---------------------------------------------------------------- compaction and revisions

    @Test
    void compactionKeepsTheLatestValuesReadable() {
        KeyValue a = storage.create("/c/a", bytes("a1"));
        for (int i = 2; i <= 5; i++) {
            a = storage.update("/c/a", a.modRevision(), bytes("a" + i));
        }
        KeyValue b = storage.create("/c/b", bytes("b1"));
        storage.delete("/c/b", b.modRevision());
        KeyValue c = storage.create("/c/c", bytes("c1"));
        long rev = storage.currentRevision();

        storage.compact(rev);

        assertThat(storage.compactedRevision()).isEqualTo(rev);
        assertThat(storage.currentRevision()).isEqualTo(rev);
        assertSame(storage.get("/c/a"), a);
        assertSame(storage.get("/c/c"), c);
        assertThat(storage.get("/c/b")).isNull();
        ListResult list = storage.list("/c/", null, 0, rev);
        assertThat(keys(list)).containsExactly("/c/a", "/c/c");
        assertSame(list.items().get(0), a);

        KeyValue next = storage.update("/c/a", a.modRevision(), bytes("a6"));
        assertThat(next.modRevision()).isEqualTo(rev + 1);
        assertThat(next.createRevision()).isEqualTo(a.createRevision());
        KeyValue b2 = storage.create("/c/b", bytes("b2"));
        assertThat(b2.createRevision()).isEqualTo(rev + 2);
    }

    @Test
    void compactionInTheMiddleKeepsLaterHistory() {
        KeyValue a = storage.create("/c/a", bytes("a1"));                 // base+1
        a = storage.update("/c/a", a.modRevision(), bytes("a2"));         // base+2
        KeyValue b = storage.create("/c/b", bytes("b1"));                 // base+3
        a = storage.update("/c/a", a.modRevision(), bytes("a3"));         // base+4
        storage.delete("/c/b", b.modRevision());                          // base+5

        storage.compact(base + 3);

        ListResult at3 = storage.list("/c/", null, 0, base + 3);
        assertThat(keys(at3)).containsExactly("/c/a", "/c/b");
        assertThat(text(at3.items().get(0))).isEqualTo("a2");
        ListResult at4 = storage.list("/c/", null, 0, base + 4);
        assertThat(text(at4.items().get(0))).isEqualTo("a3");
        assertThat(keys(at4)).containsExactly("/c/a", "/c/b");
        assertThat(keys(storage.list("/c/", null, 0, base + 5))).containsExactly("/c/a");
    }

    @Test
    void compactionNeverMovesBackwards() {
        storage.create("/c/a", bytes("1"));
        storage.create("/c/b", bytes("2"));
        storage.create("/c/c", bytes("3"));

        storage.compact(base + 2);
        storage.compact(base + 1);

        assertThat(storage.compactedRevision()).isEqualTo(base + 2);
        assertThatThrownBy(() -> storage.list("/c/", null, 0, base + 1))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.code()).isEqualTo(Code.COMPACTED));
    }

    @Test
    void compactedRevisionStartsBelowAnyWrite() {
        assertThat(storage.compactedRevision()).isLessThanOrEqualTo(base);
        KeyValue a = storage.create("/c/a", bytes("1"));
        assertThat(storage.compactedRevision()).isLessThan(a.modRevision());
    }

    @Test
    void failedWritesAndReadsDoNotBumpTheRevision() {
        KeyValue a = storage.create("/r/a", bytes("1"));
        long rev = storage.currentRevision();

        catchStorage(() -> storage.create("/r/a", bytes("x")));
        catchStorage(() -> storage.update("/r/a", a.modRevision() + 7, bytes("x")));
        catchStorage(() -> storage.update("/r/none", 1, bytes("x")));
        catchStorage(() -> storage.delete("/r/none", 0));
        catchStorage(() -> storage.delete("/r/a", a.modRevision() + 7));
        storage.get("/r/a");
        storage.list("/r/", null, 0, 0);

        assertThat(storage.currentRevision()).isEqualTo(rev);
        KeyValue b = storage.create("/r/b", bytes("1"));
        assertThat(b.modRevision()).isEqualTo(rev + 1);
    }

    // ---------------------------------------------------------------- helpers

    protected static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    protected static String text(KeyValue kv) {
        return new String(kv.value(), StandardCharsets.UTF_8);
    }

    protected static List<String> keys(ListResult r) {
        return r.items().stream().map(KeyValue::key).toList();
    }

    /** Asserts two values are equal field by field, comparing the bytes. */
    protected static void assertSame(KeyValue actual, KeyValue expected) {
        assertThat(actual).as("value of %s", expected.key()).isNotNull();
        assertThat(actual.key()).isEqualTo(expected.key());
        assertThat(text(actual)).as("value of %s", expected.key()).isEqualTo(text(expected));
        assertThat(actual.createRevision()).as("createRevision of %s", expected.key())
                .isEqualTo(expected.createRevision());
        assertThat(actual.modRevision()).as("modRevision of %s", expected.key()).isEqualTo(expected.modRevision());
    }

    protected static void assertEvent(WatchEvent event, WatchEvent.Type type, KeyValue kv, KeyValue prev) {
        assertThat(event.type()).as("type of event at %d", event.revision()).isEqualTo(type);
        assertSame(event.kv(), kv);
        if (prev == null) {
            assertThat(event.prev()).as("prev of event at %d", event.revision()).isNull();
        } else {
            assertSame(event.prev(), prev);
        }
    }

    private static void catchStorage(Runnable r) {
        assertThatThrownBy(r::run).isInstanceOf(StorageException.class);
    }

    /** Collects events a watch delivers, from whatever thread the backend uses. */
    protected static final class EventRecorder implements java.util.function.Consumer<WatchEvent> {
        private final List<WatchEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void accept(WatchEvent e) {
            events.add(e);
        }

        public WatchEvent get(int i) {
            return events.get(i);
        }

        public int size() {
            return events.size();
        }

        public List<Long> revisions() {
            return events.stream().map(WatchEvent::revision).toList();
        }

        public List<String> keys() {
            return events.stream().map(e -> e.kv().key()).toList();
        }

        public void awaitCount(int n) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(events).hasSizeGreaterThanOrEqualTo(n));
        }

        /**
         * Proves no further event is on its way: writes a key under {@code barrierPrefix}, waits for
         * a second watcher to see it (events are delivered in revision order), and checks the count.
         */
        public void assertStaysAt(int n, Storage storage, String barrierPrefix) throws Exception {
            EventRecorder barrier = new EventRecorder();
            try (AutoCloseable w = storage.watch(barrierPrefix, storage.currentRevision(), barrier)) {
                storage.create(barrierPrefix + "x" + System.nanoTime(), new byte[] {1});
                barrier.awaitCount(1);
            }
            assertThat(events).hasSize(n);
        }
    }
}
