package io.kube4j.apiserver.resources.core.namespace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.registry.DeleteOptions;
import io.kube4j.apiserver.registry.ListOptions;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.registry.Store;
import io.kube4j.apiserver.registry.WriteOptions;
import io.kube4j.apiserver.registry.cache.CacheEvent;
import io.kube4j.apiserver.registry.cache.CacheWatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Empties terminating namespaces: deletes every namespaced object in them, then removes the
 * {@code kubernetes} finalizer so that the namespace itself goes away. Runs in the API server
 * process on one virtual thread, driven by a watch on namespaces.
 */
public final class NamespaceFinalizer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NamespaceFinalizer.class);

    private final Registry registry;
    private final Store namespaces;
    private final Set<String> retry = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;
    private Thread thread;

    public NamespaceFinalizer(Registry registry) {
        this.registry = registry;
        this.namespaces = registry.store("", "namespaces");
    }

    public void start() {
        thread = Thread.ofVirtual().name("namespace-finalizer").start(this::loop);
    }

    private void loop() {
        while (running) {
            try (CacheWatcher w = namespaces.watch(null, ListOptions.all())) {
                while (running) {
                    CacheEvent e = w.next(retry.isEmpty() ? 1000 : 200);
                    if (e == null) {
                        if (w.isClosed()) {
                            break;
                        }
                        for (String ns : Set.copyOf(retry)) {
                            retry.remove(ns);
                            sync(ns);
                        }
                        continue;
                    }
                    if (e.type() != CacheEvent.Type.DELETED && e.object().path("metadata").has("deletionTimestamp")) {
                        sync(Json.text(e.object().get("metadata"), "name"));
                    }
                }
            } catch (InterruptedException ie) {
                return;
            } catch (RuntimeException ex) {
                LOG.warn("namespace finalizer loop failed, restarting", ex);
            }
        }
    }

    private void sync(String ns) {
        try {
            boolean empty = true;
            for (Registry.Entry entry : registry.entries()) {
                if (!entry.info().namespaced() || !entry.info().verbs().contains("deletecollection")) {
                    continue;
                }
                Store store = entry.store();
                var items = store.list(ns, ListOptions.all()).items();
                if (items.isEmpty()) {
                    continue;
                }
                empty = false;
                store.deleteCollection(ns, ListOptions.all(), new DeleteOptions(null, null, null, "Background", false));
            }
            if (!empty) {
                retry.add(ns);
                return;
            }
            namespaces.guaranteedUpdate(null, ns, "finalize", WriteOptions.defaults(), obj -> {
                JsonNode fin = Json.at(obj, "spec", "finalizers");
                ArrayNode kept = Json.array();
                if (fin != null) {
                    for (JsonNode f : fin) {
                        if (!f.asText().equals(NamespaceStrategy.FINALIZER)) {
                            kept.add(f);
                        }
                    }
                }
                ((ObjectNode) obj.get("spec")).set("finalizers", kept);
                return obj;
            }, -1);
            LOG.info("namespace finalized ns={}", ns);
        } catch (StatusException e) {
            if (e.code() != 404) {
                LOG.warn("cannot finalize namespace ns={}: {}", ns, e.getMessage());
                retry.add(ns);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
