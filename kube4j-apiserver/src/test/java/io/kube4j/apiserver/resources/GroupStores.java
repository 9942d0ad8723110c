package io.kube4j.apiserver.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.registry.ObjectCodec;
import io.kube4j.apiserver.registry.Store;
import io.kube4j.apiserver.registry.WriteOptions;
import io.kube4j.apiserver.registry.cache.CacheRouter;
import io.kube4j.storage.memory.MemoryStorage;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real stores for every built-in resource over in-memory storage, wired with the strategies the
 * catalogue looks up, so tests exercise defaulting, preparation and validation as the server does.
 */
final class GroupStores implements AutoCloseable {
    private final CacheRouter router;
    private final Map<String, Store> stores = new HashMap<>();

    GroupStores() {
        MemoryStorage storage = new MemoryStorage();
        router = new CacheRouter(storage, "/registry/", ObjectCodec::decode);
        Clock clock = Clock.fixed(Instant.parse("2024-05-01T10:00:00Z"), ZoneOffset.UTC);
        for (BuiltinResources.Definition d : BuiltinResources.definitions()) {
            stores.put(d.info().group() + "/" + d.info().resource(),
                    new Store(d.info(), d.strategy(), storage, router, clock, List.of(), new Random(1)));
        }
        router.start();
    }

    Store store(String key) {
        return stores.get(key);
    }

    ObjectNode create(String key, String namespace, String yamlOrJson) {
        return store(key).create(namespace, parse(yamlOrJson), WriteOptions.defaults());
    }

    ObjectNode update(String key, String namespace, ObjectNode obj) {
        String name = obj.path("metadata").path("name").asText();
        return store(key).update(namespace, name, obj, null, WriteOptions.defaults()).object();
    }

    /** Asserts that creating the object fails as invalid with exactly this message. */
    void assertCreateInvalid(String key, String namespace, String body, String message) {
        assertThatThrownBy(() -> create(key, namespace, body))
                .isInstanceOf(StatusException.class)
                .hasMessage(message);
    }

    static ObjectNode parse(String json) {
        return (ObjectNode) Json.parse(json.replace('\'', '"'));
    }

    @Override
    public void close() {
        router.close();
    }
}
