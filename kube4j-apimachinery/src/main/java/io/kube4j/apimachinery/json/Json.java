package io.kube4j.apimachinery.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON and YAML codecs every part of kube4j shares. Objects travel as Jackson trees
 * ({@link ObjectNode}) so that unknown fields and custom resources pass through untouched.
 * Thread-safe.
 */
public final class Json {
    /**
     * Parser and generator buffers come from one shared, bounded pool: Jackson's default pool is per thread, and
     * requests run on virtual threads that live for one request, so it allocated fresh buffers (about 12 KB) for
     * every parse and every serialization.
     */
    static final int BUFFER_POOL_SIZE = 256;
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(10_000).build())
            .recyclerPool(JsonRecyclerPools.newBoundedPool(BUFFER_POOL_SIZE))
            .build())
            .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, false)
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
    public static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build());
    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    /** Parses JSON bytes; throws {@link JsonProcessingException} wrapped as {@link UncheckedIOException}. */
    public static JsonNode parse(byte[] bytes) {
        try {
            return MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String string(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode toTree(Object value) {
        return MAPPER.valueToTree(value);
    }

    public static <T> T fromTree(JsonNode node, Class<T> type) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Text of a field, or null when it is absent or JSON null. */
    public static String text(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** Walks a path of object fields; returns null as soon as one is missing. */
    public static JsonNode at(JsonNode node, String... path) {
        JsonNode cur = node;
        for (String p : path) {
            if (cur == null || !cur.isObject()) {
                return null;
            }
            cur = cur.get(p);
        }
        return cur == null || cur.isNull() ? null : cur;
    }

    /** Returns the object at {@code field}, creating it when missing. */
    public static ObjectNode with(ObjectNode node, String field) {
        JsonNode v = node.get(field);
        if (v instanceof ObjectNode o) {
            return o;
        }
        ObjectNode o = node.putObject(field);
        return o;
    }
}
