package io.kube4j.apiserver.registry.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;

/**
 * One change held by a {@link WatchCache}. Objects are shared between watchers and must never be
 * mutated; the serialized form is computed once and reused by every JSON watcher.
 */
public final class CacheEvent {
    public enum Type { ADDED, MODIFIED, DELETED }

    private final Type type;
    private final String key;
    private final ObjectNode object;
    private final ObjectNode previous;
    private final long revision;
    private volatile byte[] json;

    public CacheEvent(Type type, String key, ObjectNode object, ObjectNode previous, long revision) {
        this.type = type;
        this.key = key;
        this.object = object;
        this.previous = previous;
        this.revision = revision;
    }

    public Type type() {
        return type;
    }

    public String key() {
        return key;
    }

    public ObjectNode object() {
        return object;
    }

    /** The object before this change, or null for ADDED. */
    public ObjectNode previous() {
        return previous;
    }

    public long revision() {
        return revision;
    }

    /** The object's JSON, serialized once. */
    public byte[] objectJson() {
        byte[] b = json;
        if (b == null) {
            b = Json.bytes(object);
            json = b;
        }
        return b;
    }
}
