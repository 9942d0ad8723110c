package io.kube4j.apiserver.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.registry.ObjectCodec;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.registry.Store;
import io.kube4j.apiserver.registry.WriteOptions;
import io.kube4j.apiserver.registry.cache.CacheRouter;
import io.kube4j.storage.memory.MemoryStorage;

import java.time.Clock;
import java.util.Random;

/**
 * The built-in resources over an in-memory store with their watch caches running and the system namespaces created,
 * for tests of code that works on stores.
 */
public final class MemoryRegistry implements AutoCloseable {
    public final MemoryStorage storage = new MemoryStorage();
    public final Registry registry = new Registry();
    private final CacheRouter router = new CacheRouter(storage, "/registry/", ObjectCodec::decode);

    public MemoryRegistry(Clock clock) {
        BuiltinResources.register(registry, storage, router, clock, new Random(1), "10.43.0.0/16",
                io.kube4j.apiserver.resources.admission.AdmissionPlugins.without("ServiceAccount"));
        router.start();
        for (String ns : ClusterBootstrap.SYSTEM_NAMESPACES) {
            ObjectNode o = Json.object();
            o.put("apiVersion", "v1");
            o.put("kind", "Namespace");
            o.putObject("metadata").put("name", ns);
            registry.store("", "namespaces").create(null, o, WriteOptions.defaults());
        }
    }

    public Store store(String group, String resource) {
        return registry.store(group, resource);
    }

    @Override
    public void close() {
        router.close();
        storage.close();
    }
}
