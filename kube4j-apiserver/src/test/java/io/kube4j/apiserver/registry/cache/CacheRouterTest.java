package io.kube4j.apiserver.registry.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.registry.ObjectCodec;
import io.kube4j.storage.KeyValue;
import io.kube4j.storage.StorageException;
import io.kube4j.storage.memory.MemoryStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The router's recovery when its storage watch ends (as an etcd watch does when the history it would resume
 * from was compacted): caches re-list and are replaced, open watchers end, a watch from before the re-list
 * gets 410, and reads wait rather than answer stale.
 */
@Timeout(30)
class CacheRouterTest {
    private static final String CM = "/registry/core/configmaps/";
    private static final String SECRETS = "/registry/core/secrets/";

    private EndableWatchStorage storage;
    private CacheRouter router;
    private WatchCache configMaps;
    private WatchCache secrets;

    @BeforeEach
    void start() {
        storage = new EndableWatchStorage(new MemoryStorage());
        router = new CacheRouter(storage, "/registry/", ObjectCodec::decode);
        configMaps = router.register(CM, 100);
        secrets = router.register(SECRETS, 100);
    }

    @AfterEach
    void stop() {
        router.close();
        storage.close();
    }

    private static byte[] object(String name, String value) {
        ObjectNode o = Json.object();
        Json.with(o, "metadata").put("name", name);
        Json.with(o, "data").put("k", value);
        return Json.bytes(o);
    }

    private static String value(ObjectNode o) {
        return o.path("data").path("k").asText();
    }

    private static StorageException compacted() {
        return StorageException.compacted(1, 2);
    }

    @Test
    void writesMadeWhileTheWatchWasDownAppearAfterTheReList() throws Exception {
        KeyValue a = storage.create(CM + "default/a", object("a", "1"));
        KeyValue b = storage.create(CM + "default/b", object("b", "1"));
        storage.create(SECRETS + "default/s", object("s", "1"));
        router.start();
        assertThat(configMaps.size()).isEqualTo(2);

        // the watch ends; meanwhile one object changes, one goes and one comes, none seen by the caches
        storage.listsFail(true);
        storage.endWatches(compacted());
        KeyValue a2 = storage.update(CM + "default/a", a.modRevision(), object("a", "2"));
        storage.delete(CM + "default/b", b.modRevision());
        storage.create(CM + "default/c", object("c", "1"));
        KeyValue s2 = storage.update(SECRETS + "default/s", storage.get(SECRETS + "default/s").modRevision(),
                object("s", "2"));
        assertThat(router.ready()).isFalse();
        assertThat(configMaps.get(CM + "default/b")).isNotNull();

        storage.listsFail(false);
        await().atMost(Duration.ofSeconds(10)).until(router::ready);
        assertThat(router.recoveries()).isEqualTo(1);
        assertThat(router.revision()).isEqualTo(storage.currentRevision());
        assertThat(value(configMaps.get(CM + "default/a"))).isEqualTo("2");
        assertThat(configMaps.get(CM + "default/a").path("metadata").path("resourceVersion").asText())
                .isEqualTo(Long.toString(a2.modRevision()));
        assertThat(configMaps.get(CM + "default/b")).isNull();
        assertThat(configMaps.get(CM + "default/c")).isNotNull();
        assertThat(value(secrets.get(SECRETS + "default/s"))).isEqualTo("2");
        assertThat(s2.modRevision()).isLessThanOrEqualTo(router.revision());

        // and the new storage watch feeds the caches again
        KeyValue d = storage.create(CM + "default/d", object("d", "1"));
        router.waitFor(d.modRevision(), 5_000);
        assertThat(configMaps.get(CM + "default/d")).isNotNull();
        assertThat(storage.openWatches()).isEqualTo(1);
    }

    @Test
    void openWatchersEndAndAWatchFromBeforeTheReListIsGone() throws Exception {
        storage.create(CM + "default/a", object("a", "1"));
        router.start();
        long before = router.revision();
        CacheWatcher open = configMaps.watch(before, o -> true, 100, before);
        CacheWatcher fromScratch = configMaps.watch(null, o -> true, 100, before);
        assertThat(fromScratch.next(1_000).type()).isEqualTo(CacheEvent.Type.ADDED);
        // a change after the start is in the window: resuming from before it works until the re-list
        KeyValue z = storage.create(CM + "default/z", object("z", "1"));
        router.waitFor(z.modRevision(), 5_000);
        configMaps.watch(before, o -> true, 100, z.modRevision()).close();

        storage.endWatches(compacted());
        KeyValue b = storage.create(CM + "default/b", object("b", "1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> router.ready() && router.revision() >= b.modRevision());

        // upstream's cacher ends every watcher: its client watches again from its last resourceVersion
        assertThat(open.isClosed()).isTrue();
        assertThat(open.next(100)).isNull();
        assertThat(fromScratch.isClosed()).isTrue();
        assertThat(configMaps.watcherCount()).isZero();
        // the window starts at the re-list (at or after z): resuming from before z is 410
        assertThatThrownBy(() -> configMaps.watch(before, o -> true, 100, router.revision()))
                .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(410));
        // a client that re-lists gets b and watches on from the list's revision without a gap
        long listed = router.revision();
        assertThat(configMaps.list(CM, o -> true)).hasSize(3);
        CacheWatcher again = configMaps.watch(listed, o -> true, 100, listed);
        KeyValue c = storage.create(CM + "default/c", object("c", "1"));
        CacheEvent e = again.next(5_000);
        assertThat(e.type()).isEqualTo(CacheEvent.Type.ADDED);
        assertThat(e.revision()).isEqualTo(c.modRevision());
        again.close();
    }

    @Test
    void consistentReadsWaitForTheReListAndAnswer429IfItTakesTooLong() throws Exception {
        storage.create(CM + "default/a", object("a", "1"));
        router.start();
        storage.listsFail(true);
        storage.endWatches(compacted());
        KeyValue b = storage.create(CM + "default/b", object("b", "1"));

        // the cache holds only a: a read that must see b may not answer from it
        assertThatThrownBy(() -> router.waitFor(b.modRevision(), 200))
                .isInstanceOfSatisfying(StatusException.class, e -> {
                    assertThat(e.code()).isEqualTo(429);
                    assertThat(e.getMessage()).isEqualTo("storage is (re)initializing");
                });
        // even a revision the cache has seen waits: the cache may be missing later deletes
        assertThatThrownBy(() -> router.waitFor(1, 200)).isInstanceOf(StatusException.class);

        CompletableFuture<Void> read = CompletableFuture.runAsync(router::waitForFresh);
        Thread.sleep(300);
        assertThat(read).isNotDone();
        int listsBefore = storage.lists();
        storage.listsFail(false);
        read.get(10, TimeUnit.SECONDS);
        assertThat(configMaps.get(CM + "default/b")).isNotNull();
        // the failed re-lists were retried with a pause, not in a busy loop
        assertThat(storage.lists() - listsBefore).isLessThan(5);
    }

    @Test
    void aWatchThatEndsAgainDuringTheReListIsFollowedByAnotherReList() throws Exception {
        router.start();
        List<KeyValue> written = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            storage.endWatches(compacted());
            written.add(storage.create(CM + "default/r" + round, object("r" + round, "1")));
        }
        KeyValue last = written.get(written.size() - 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> router.ready() && router.revision() >= last.modRevision());
        assertThat(configMaps.size()).isEqualTo(5);
        assertThat(storage.openWatches()).isEqualTo(1);
        assertThat(router.recoveries()).isBetween(1, 5);
    }

    @Test
    void aClosedRouterDoesNotReList() throws Exception {
        router.start();
        storage.listsFail(true);
        storage.endWatches(compacted());
        router.close();
        int lists = storage.lists();
        Thread.sleep(400);
        assertThat(storage.lists()).isLessThanOrEqualTo(lists + 1);
        assertThat(storage.openWatches()).isZero();
    }
}
