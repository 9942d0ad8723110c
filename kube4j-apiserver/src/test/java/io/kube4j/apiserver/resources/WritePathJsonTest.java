package io.kube4j.apiserver.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.endpoints.SubresourceCreate;
import io.kube4j.apiserver.registry.ListOptions;
import io.kube4j.apiserver.registry.ObjectCodec;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.registry.ResourceInfo;
import io.kube4j.apiserver.registry.Store;
import io.kube4j.apiserver.registry.WriteOptions;
import io.kube4j.apiserver.registry.cache.CacheEvent;
import io.kube4j.apiserver.registry.cache.CacheRouter;
import io.kube4j.apiserver.registry.cache.CacheWatcher;
import io.kube4j.storage.memory.MemoryStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pod's writes serialize it once: the JSON a write hands back (the response body) and the JSON of the watch
 * cache's event are the bytes a serialization of the written object gives, and an update's event reuses the cached
 * object as its previous state instead of decoding it again.
 */
@Timeout(30)
class WritePathJsonTest {
    private final Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
    private MemoryStorage storage;
    private CacheRouter router;
    private Registry registry;
    private Store pods;

    @BeforeEach
    void setUp() {
        storage = new MemoryStorage();
        router = new CacheRouter(storage, "/registry/", ObjectCodec::decode, ObjectCodec::objectJson);
        registry = new Registry();
        var strategies = CoreStrategies.all(registry, "10.43.0.0/16", clock);
        pods = new Store(ResourceInfo.builder("", "v1", "pods", "Pod").subresources("status", "binding").build(),
                strategies.get("/pods"), storage, router, clock, List.of(), new Random(1));
        registry.add(pods, io.kube4j.apiserver.registry.DefaultTableConvertor.INSTANCE);
        router.start();
    }

    @AfterEach
    void tearDown() {
        router.close();
    }

    private static ObjectNode pod(String name) {
        return (ObjectNode) Json.parse("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name
                + "\",\"labels\":{\"app\":\"x\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\","
                + "\"resources\":{\"requests\":{\"cpu\":\"100m\"}}}]}}");
    }

    private CacheEvent next(CacheWatcher w) throws InterruptedException {
        CacheEvent e = w.next(10_000);
        assertThat(e).isNotNull();
        return e;
    }

    @Test
    void createUpdatePatchAndBindingHandBackTheJsonOfWhatTheyWrote() throws Exception {
        CacheWatcher watch = pods.watch("default", ListOptions.all());

        Store.Written created = pods.createWritten("default", pod("p"), WriteOptions.defaults());
        assertThat(created.json()).isEqualTo(Json.bytes(created.object()));
        CacheEvent added = next(watch);
        assertThat(added.objectJson()).isEqualTo(Json.bytes(added.object())).isEqualTo(created.json());

        // a PUT of the returned object with a change; its resourceVersion sits in the middle of metadata
        ObjectNode put = (ObjectNode) Json.parse("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":\"default\","
                + "\"resourceVersion\":\"" + created.object().path("metadata").path("resourceVersion").asText()
                + "\",\"annotations\":{\"a\":\"1\"}},\"spec\":" + Json.string(created.object().get("spec")) + "}");
        Store.UpdateResult updated = pods.update("default", "p", put, null, WriteOptions.defaults());
        assertThat(updated.json()).isEqualTo(Json.bytes(updated.object()));
        CacheEvent modified = next(watch);
        assertThat(modified.objectJson()).isEqualTo(Json.bytes(modified.object()));
        assertThat(modified.previous()).as("the cached object, not a second decoding").isSameAs(added.object());

        Store.Written patched = pods.guaranteedUpdateWritten("default", "p", null, WriteOptions.defaults(), p -> {
            Json.with(Json.with(p, "metadata"), "labels").put("b", "2");
            return p;
        }, -1);
        assertThat(patched.json()).isEqualTo(Json.bytes(patched.object()));
        assertThat(next(watch).previous()).isSameAs(modified.object());

        ObjectNode binding = (ObjectNode) Json.parse("{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":"
                + "{\"name\":\"p\"},\"target\":{\"kind\":\"Node\",\"name\":\"n1\"}}");
        ((SubresourceCreate) pods.strategy()).createSubresource(registry, "binding", "default", "p", binding,
                WriteOptions.defaults());
        CacheEvent bound = next(watch);
        assertThat(bound.object().path("spec").path("nodeName").asText()).isEqualTo("n1");
        assertThat(bound.objectJson()).isEqualTo(Json.bytes(bound.object()));

        ObjectNode same = (ObjectNode) pods.get("default", "p").deepCopy();
        Store.UpdateResult unchanged = pods.update("default", "p", same, null, WriteOptions.defaults());
        assertThat(unchanged.object().path("metadata").path("resourceVersion").asText())
                .as("a no-op update writes nothing").isEqualTo(bound.object().path("metadata").path("resourceVersion").asText());
        assertThat(unchanged.json()).isNull();

        pods.delete("default", "p", new io.kube4j.apiserver.registry.DeleteOptions(0L, null, null, null, false));
        CacheEvent deleted = next(watch);
        assertThat(deleted.type()).isEqualTo(CacheEvent.Type.DELETED);
        assertThat(deleted.objectJson()).isEqualTo(Json.bytes(deleted.object()));
        assertThat(deleted.previous()).isSameAs(bound.object());
    }
}
