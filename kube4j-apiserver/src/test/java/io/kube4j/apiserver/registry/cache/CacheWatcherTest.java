package io.kube4j.apiserver.registry.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class CacheWatcherTest {
    private static ObjectNode pod(String name, String app) {
        ObjectNode o = Json.object();
        o.put("kind", "Pod");
        ObjectNode meta = o.putObject("metadata");
        meta.put("name", name);
        meta.putObject("labels").put("app", app);
        return o;
    }

    private static final ObjectFilter WEB = o -> "web".equals(o.path("metadata").path("labels").path("app").asText());

    @Test
    void lineIsTheWholeEventAndIsBuiltOnce() {
        CacheEvent e = new CacheEvent(CacheEvent.Type.MODIFIED, "/pods/a", pod("a", "web"), pod("a", "db"), 7);
        byte[] line = e.line();
        assertThat(new String(line, StandardCharsets.UTF_8))
                .isEqualTo("{\"type\":\"MODIFIED\",\"object\":" + new String(e.objectJson(), StandardCharsets.UTF_8) + "}\n");
        assertThat(Json.parse(new String(line, StandardCharsets.UTF_8).strip()).path("object").path("metadata")
                .path("name").asText()).isEqualTo("a");
        assertThat(e.line()).isSameAs(line);
    }

    @Test
    void aChangeEnteringOrLeavingTheFilterIsOneSharedEventPerType() {
        WatchCache cache = new WatchCache("/pods/", 100);
        cache.replace(Map.of(), 1);
        CacheWatcher w1 = cache.watch(1L, WEB, 10, 1);
        CacheWatcher w2 = cache.watch(1L, WEB, 10, 1);
        // db -> web: both watchers see it enter, as ADDED
        CacheEvent enter = new CacheEvent(CacheEvent.Type.MODIFIED, "/pods/a", pod("a", "web"), pod("a", "db"), 2);
        cache.apply(enter);
        // web -> db: both see it leave, as DELETED
        CacheEvent leave = new CacheEvent(CacheEvent.Type.MODIFIED, "/pods/a", pod("a", "db"), pod("a", "web"), 3);
        cache.apply(leave);
        CacheEvent a1 = w1.poll();
        CacheEvent a2 = w2.poll();
        assertThat(a1.type()).isEqualTo(CacheEvent.Type.ADDED);
        assertThat(a1).isSameAs(a2);
        assertThat(a1.previous()).isNull();
        assertThat(a1.revision()).isEqualTo(2);
        assertThat(a1.objectJson()).isSameAs(enter.objectJson());
        assertThat(new String(a1.line(), StandardCharsets.UTF_8)).startsWith("{\"type\":\"ADDED\",\"object\":");
        CacheEvent d1 = w1.poll();
        assertThat(d1.type()).isEqualTo(CacheEvent.Type.DELETED);
        assertThat(d1).isSameAs(w2.poll());
        assertThat(d1.revision()).isEqualTo(3);
        assertThat(w1.poll()).isNull();
    }

    @Test
    void readyListenerHearsEveryQueuedEventAndTheClose() {
        WatchCache cache = new WatchCache("/pods/", 100);
        cache.replace(Map.of(), 1);
        CacheWatcher w = cache.watch(1L, WEB, 10, 1);
        AtomicInteger ready = new AtomicInteger();
        w.onReady(ready::incrementAndGet);
        cache.apply(new CacheEvent(CacheEvent.Type.ADDED, "/pods/a", pod("a", "web"), null, 2));
        cache.apply(new CacheEvent(CacheEvent.Type.ADDED, "/pods/b", pod("b", "db"), null, 3));
        cache.apply(new CacheEvent(CacheEvent.Type.ADDED, "/pods/c", pod("c", "web"), null, 4));
        assertThat(ready).hasValue(2);
        List<Long> revisions = new ArrayList<>();
        for (CacheEvent e; (e = w.poll()) != null; ) {
            revisions.add(e.revision());
        }
        assertThat(revisions).containsExactly(2L, 4L);
        w.close();
        assertThat(ready).hasValue(3);
        assertThat(w.poll()).isNull();
        assertThat(w.isClosed()).isTrue();
        assertThat(cache.watcherCount()).isZero();
    }

    @Test
    void aWatcherThatFallsBehindIsClosedAndTold() {
        WatchCache cache = new WatchCache("/pods/", 100);
        cache.replace(Map.of(), 1);
        CacheWatcher w = cache.watch(1L, ObjectFilter.ALL, 2, 1);
        AtomicInteger ready = new AtomicInteger();
        w.onReady(ready::incrementAndGet);
        for (int i = 0; i < 3; i++) {
            cache.apply(new CacheEvent(CacheEvent.Type.ADDED, "/pods/p" + i, pod("p" + i, "web"), null, 2 + i));
        }
        assertThat(w.overflowed()).isTrue();
        assertThat(w.isClosed()).isTrue();
        // two queued, then the close
        assertThat(ready).hasValue(3);
        assertThat(w.poll()).isNull();
    }
}
