package io.kube4j.apiserver.registry.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;

import java.nio.charset.StandardCharsets;

/**
 * One change held by a {@link WatchCache}. Objects are shared between watchers and must never be
 * mutated. The serialized forms are computed once and shared by every JSON watcher: the object's
 * JSON and the whole watch event line; the ADDED and DELETED forms a filter turns a MODIFIED into
 * are shared too ({@link #as}), so thousands of watchers of one change cost one serialization.
 * Thread-safe: the lazily computed values may be computed twice by racing threads, with equal results.
 */
public final class CacheEvent {
    public enum Type { ADDED, MODIFIED, DELETED }

    private final Type type;
    private final String key;
    private final ObjectNode object;
    private final ObjectNode previous;
    private final long revision;
    /** The event this one was derived from by {@link #as}, whose object JSON it shares; null for an original. */
    private final CacheEvent origin;
    private volatile byte[] json;
    private volatile byte[] line;
    private volatile CacheEvent asAdded;
    private volatile CacheEvent asDeleted;

    public CacheEvent(Type type, String key, ObjectNode object, ObjectNode previous, long revision) {
        this(type, key, object, previous, revision, (CacheEvent) null);
    }

    /**
     * An event whose object's JSON is already known ({@code json}, equal to {@code Json.bytes(object)}, e.g. built
     * from the stored bytes), or null to serialize it when first needed.
     */
    public CacheEvent(Type type, String key, ObjectNode object, ObjectNode previous, long revision, byte[] json) {
        this(type, key, object, previous, revision, (CacheEvent) null);
        this.json = json;
    }

    private CacheEvent(Type type, String key, ObjectNode object, ObjectNode previous, long revision, CacheEvent origin) {
        this.type = type;
        this.key = key;
        this.object = object;
        this.previous = previous;
        this.revision = revision;
        this.origin = origin;
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

    /**
     * This change as a watcher whose filter it enters (ADDED, without the previous object) or leaves
     * (DELETED) sees it. One instance per type is shared by every such watcher, with this event's JSON.
     */
    CacheEvent as(Type t) {
        if (t == type) {
            return this;
        }
        if (t == Type.ADDED) {
            CacheEvent a = asAdded;
            if (a == null) {
                a = new CacheEvent(Type.ADDED, key, object, null, revision, this);
                asAdded = a;
            }
            return a;
        }
        if (t == Type.DELETED) {
            CacheEvent d = asDeleted;
            if (d == null) {
                d = new CacheEvent(Type.DELETED, key, object, previous, revision, this);
                asDeleted = d;
            }
            return d;
        }
        throw new IllegalArgumentException("a change cannot become " + t);
    }

    /** The object's JSON, serialized once. Shared: callers must not change the array. */
    public byte[] objectJson() {
        if (origin != null) {
            return origin.objectJson();
        }
        byte[] b = json;
        if (b == null) {
            b = Json.bytes(object);
            json = b;
        }
        return b;
    }

    /**
     * The watch event line {@code {"type":"<TYPE>","object":<object>}\n}, built once. Shared by every
     * watcher that gets this event: callers must not change the array.
     */
    public byte[] line() {
        byte[] l = line;
        if (l == null) {
            byte[] obj = objectJson();
            byte[] head = ("{\"type\":\"" + type.name() + "\",\"object\":").getBytes(StandardCharsets.UTF_8);
            l = new byte[head.length + obj.length + 2];
            System.arraycopy(head, 0, l, 0, head.length);
            System.arraycopy(obj, 0, l, head.length, obj.length);
            l[l.length - 2] = '}';
            l[l.length - 1] = '\n';
            line = l;
        }
        return l;
    }
}
