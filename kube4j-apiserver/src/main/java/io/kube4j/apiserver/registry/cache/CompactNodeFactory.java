package io.kube4j.apiserver.registry.cache;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.storage.KeyValue;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Builds the watch cache's object trees with {@link CompactObjectMap} children, about half the heap of Jackson's
 * default LinkedHashMap ones for an API object. The trees are ordinary {@link ObjectNode}s: equal to, and serialized
 * exactly as, the same JSON parsed by {@link Json}; their deep copies are compact too. Used by the API server as the
 * {@link CacheRouter}'s decoder. Thread-safe.
 */
public final class CompactNodeFactory extends JsonNodeFactory {
    public static final CompactNodeFactory INSTANCE = new CompactNodeFactory();
    private static final ObjectReader READER = Json.MAPPER.reader().with(INSTANCE);

    private CompactNodeFactory() {
        super(false);
    }

    @Override
    public ObjectNode objectNode() {
        return new ObjectNode(this, new CompactObjectMap());
    }

    /** Parses an object's JSON into a compact tree. */
    public static ObjectNode parse(byte[] json) {
        try {
            return (ObjectNode) READER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A stored object as the cache holds it: its JSON in a compact tree, with the resourceVersion (never stored: the
     * key's modification revision) set, as {@code ObjectCodec.decode} does.
     */
    public static ObjectNode decode(KeyValue kv) {
        if (kv == null) {
            return null;
        }
        ObjectNode obj = parse(kv.value());
        Json.with(obj, "metadata").put("resourceVersion", Long.toString(kv.modRevision()));
        return obj;
    }
}
