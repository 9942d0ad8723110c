package io.kube4j.apiserver.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.registry.ResourceInfo;
import io.kube4j.apiserver.registry.ObjectCodec;
import io.kube4j.apiserver.registry.cache.CacheRouter;
import io.kube4j.apiserver.registry.cache.CacheWatcher;
import io.kube4j.apiserver.registry.cache.ObjectFilter;
import io.kube4j.apiserver.registry.cache.WatchCache;
import io.kube4j.storage.memory.MemoryStorage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class WatchFeedTest {
    private static final ResourceInfo PODS = new ResourceInfo("", "v1", "pods", "Pod", "pod", true, List.of(),
            List.of(), Set.of("watch"), Set.of());

    private static ObjectNode pod(String name) {
        ObjectNode o = Json.object();
        o.putObject("metadata").put("name", name);
        return o;
    }

    private static JsonNode parse(byte[] line) {
        String s = new String(line, StandardCharsets.UTF_8);
        assertThat(s).endsWith("\n");
        return Json.parse(s.strip());
    }

    @Test
    void handsOverQueuedEventsInOrderInBoundedBatchesThenABookmarkThenNullOnceClosed() throws Exception {
        try (MemoryStorage storage = new MemoryStorage();
             CacheRouter router = new CacheRouter(storage, "/registry/", ObjectCodec::decode)) {
            WatchCache cache = router.register("/registry/core/pods/", 100);
            router.start();
            long start = router.revision();
            CacheWatcher w = cache.watch(start, ObjectFilter.ALL, 100, start);
            CacheWatcher other = cache.watch(start, ObjectFilter.ALL, 100, start);
            long[] current = {start};
            WatchFeed feed = new WatchFeed(w, PODS, () -> current[0], start, 2);
            assertThat(feed.get()).isEmpty();
            long rv = 0;
            for (String name : List.of("a", "b", "c")) {
                rv = storage.create("/registry/core/pods/default/" + name, Json.bytes(pod(name))).modRevision();
            }
            router.waitFor(rv, 5000);
            current[0] = rv + 5;
            List<byte[]> first = feed.get();
            assertThat(first).hasSize(2);
            // the line every watcher of the change shares, not a copy
            assertThat(first.getFirst()).isSameAs(other.poll().line());
            assertThat(parse(first.getFirst()).path("type").asText()).isEqualTo("ADDED");
            assertThat(parse(first.get(1)).path("object").path("metadata").path("name").asText()).isEqualTo("b");
            check(feed, w, rv + 5);
        }
    }

    private static void check(WatchFeed feed, CacheWatcher w, long newest) {
        feed.bookmarkDue();
        List<byte[]> second = feed.get();
        assertThat(second).hasSize(1);
        assertThat(parse(second.getFirst()).path("object").path("metadata").path("name").asText()).isEqualTo("c");
        // the bookmark comes after the events, at the newest revision known
        JsonNode bookmark = parse(feed.get().getFirst());
        assertThat(bookmark.path("type").asText()).isEqualTo("BOOKMARK");
        assertThat(bookmark.path("object").path("kind").asText()).isEqualTo("Pod");
        assertThat(bookmark.path("object").path("metadata").path("resourceVersion").asText())
                .isEqualTo(Long.toString(newest));
        assertThat(feed.get()).isEmpty();
        w.close();
        assertThat(feed.get()).isNull();
    }
}
