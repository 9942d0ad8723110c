package io.kube4j.apiserver.registry;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.storage.KeyValue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Turns stored bytes into API objects and back. The resourceVersion is never stored: it is the
 * key's modification revision, set on every read, as upstream does with etcd.
 *
 * <p>A write serializes its object once: {@link #encodeForWrite} returns the stored bytes together with the place
 * where {@code metadata.resourceVersion} belongs, so the JSON of the written object with its new resourceVersion
 * (the response body) is one array copy away. {@link #objectJson} does the same for an object read back from
 * storage, for the watch cache. Both give exactly the bytes {@link Json#bytes} gives for the object with its
 * resourceVersion. Stateless and thread-safe.
 */
public final class ObjectCodec {
    private static final String RESOURCE_VERSION = "resourceVersion";
    private static final byte[] RV_FIELD = "\"resourceVersion\":\"".getBytes(StandardCharsets.US_ASCII);

    private ObjectCodec() {
    }

    public static ObjectNode decode(KeyValue kv) {
        if (kv == null) {
            return null;
        }
        ObjectNode obj = (ObjectNode) Json.parse(kv.value());
        Json.with(obj, "metadata").put(RESOURCE_VERSION, Long.toString(kv.modRevision()));
        return obj;
    }

    /** The stored form: the object's JSON without {@code metadata.resourceVersion}. */
    public static byte[] encode(ObjectNode obj) {
        return encodeForWrite(obj).bytes();
    }

    /**
     * The stored bytes of an object and where its resourceVersion goes back in.
     *
     * @param bytes       the JSON without {@code metadata.resourceVersion}, as stored
     * @param rvAt        byte offset where the {@code "resourceVersion":"N"} member belongs (where the object has it,
     *                    or at the end of its metadata, where {@link ObjectNode#put} adds it); -1 when the object has
     *                    no metadata object
     * @param commaBefore whether other members of metadata come before it
     * @param commaAfter  whether it is the first member and others follow it
     */
    public record Encoded(byte[] bytes, int rvAt, boolean commaBefore, boolean commaAfter) {
        /**
         * The JSON of the object with {@code metadata.resourceVersion} set to {@code revision}, equal to
         * {@link Json#bytes} of that object; null when the object has no metadata.
         */
        public byte[] withResourceVersion(long revision) {
            return rvAt < 0 ? null : splice(bytes, rvAt, commaBefore, commaAfter, revision);
        }
    }

    /**
     * Serializes {@code obj} as {@link Json#bytes} does, leaving out {@code metadata.resourceVersion}, and notes
     * where it belongs. {@code obj} is not changed (no copy is made to drop the field).
     */
    public static Encoded encodeForWrite(ObjectNode obj) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        int rvAt = -1;
        boolean before = false;
        boolean after = false;
        try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
            SerializerProvider provider = Json.MAPPER.getSerializerProviderInstance();
            // the same calls ObjectNode.serialize makes, so the bytes are those of Json.bytes
            g.writeStartObject(obj);
            for (Map.Entry<String, JsonNode> e : obj.properties()) {
                g.writeFieldName(e.getKey());
                if (!e.getKey().equals("metadata") || !(e.getValue() instanceof ObjectNode meta)) {
                    e.getValue().serialize(g, provider);
                    continue;
                }
                g.writeStartObject(meta);
                int written = 0;
                for (Map.Entry<String, JsonNode> m : meta.properties()) {
                    if (m.getKey().equals(RESOURCE_VERSION)) {
                        rvAt = out.size() + g.getOutputBuffered();
                        before = written > 0;
                        after = written == 0 && meta.size() > 1;
                        continue;
                    }
                    g.writeFieldName(m.getKey());
                    m.getValue().serialize(g, provider);
                    written++;
                }
                if (rvAt < 0) {
                    // absent: put() appends it
                    rvAt = out.size() + g.getOutputBuffered();
                    before = written > 0;
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Encoded(out.toByteArray(), rvAt, before, after);
    }

    /**
     * The JSON of {@link #decode}{@code (kv)}, equal to {@link Json#bytes} of it, built from the stored bytes without
     * a serialization: they are what {@link #encode} wrote, and decode adds the resourceVersion at the end of
     * metadata. Null when the bytes do not have that shape (no metadata object, or one that holds a
     * resourceVersion); the caller serializes then.
     */
    public static byte[] objectJson(KeyValue kv) {
        byte[] b = kv.value();
        try (JsonParser p = Json.MAPPER.createParser(b)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (!name.equals("metadata")) {
                    p.skipChildren();
                    continue;
                }
                if (v != JsonToken.START_OBJECT) {
                    return null;
                }
                int members = 0;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    if (p.currentName().equals(RESOURCE_VERSION)) {
                        return null;
                    }
                    p.nextToken();
                    p.skipChildren();
                    members++;
                }
                long end = p.currentTokenLocation().getByteOffset();
                if (end < 0 || end >= b.length || b[(int) end] != '}') {
                    return null;
                }
                return splice(b, (int) end, members > 0, false, kv.modRevision());
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static byte[] splice(byte[] b, int at, boolean commaBefore, boolean commaAfter, long revision) {
        byte[] rv = Long.toString(revision).getBytes(StandardCharsets.US_ASCII);
        int len = (commaBefore ? 1 : 0) + RV_FIELD.length + rv.length + 1 + (commaAfter ? 1 : 0);
        byte[] out = new byte[b.length + len];
        System.arraycopy(b, 0, out, 0, at);
        int i = at;
        if (commaBefore) {
            out[i++] = ',';
        }
        System.arraycopy(RV_FIELD, 0, out, i, RV_FIELD.length);
        i += RV_FIELD.length;
        System.arraycopy(rv, 0, out, i, rv.length);
        i += rv.length;
        out[i++] = '"';
        if (commaAfter) {
            out[i++] = ',';
        }
        System.arraycopy(b, at, out, i, b.length - at);
        return out;
    }
}
