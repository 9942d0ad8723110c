package io.kube4j.apimachinery.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.protobuf.ProtoSchema.Field;
import io.kube4j.apimachinery.protobuf.ProtoSchema.Message;
import io.kube4j.apimachinery.protobuf.ProtoSchema.Type;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Test-side protobuf encoder driven by the same schema: writes a JSON object the way client-go would put
 * it on the wire, and records every JSON field it consumed so tests can prove nothing was left behind
 * (a field missing from the schema, or named differently, shows up as unconsumed).
 */
final class SchemaEncoder {
    private final ProtoSchema schema;
    private final boolean packed;
    final List<String> unconsumed = new ArrayList<>();

    SchemaEncoder(ProtoSchema schema, boolean packed) {
        this.schema = schema;
        this.packed = packed;
    }

    /** The whole body: magic, then runtime.Unknown{typeMeta, raw}. */
    byte[] encodeBody(ObjectNode obj) {
        String apiVersion = obj.path("apiVersion").asText();
        String kind = obj.path("kind").asText();
        Message m = schema.forKind(apiVersion, kind);
        if (m == null) {
            throw new IllegalArgumentException("no message for " + apiVersion + " " + kind);
        }
        ObjectNode rest = obj.deepCopy();
        rest.remove("apiVersion");
        rest.remove("kind");
        Out typeMeta = new Out();
        typeMeta.string(1, apiVersion);
        typeMeta.string(2, kind);
        Out unknown = new Out();
        unknown.bytes(1, typeMeta.toBytes());
        unknown.bytes(2, message(m, rest, "", true).toBytes());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(ProtobufDecoder.MAGIC);
        body.writeBytes(unknown.toBytes());
        return body.toByteArray();
    }

    /** {@code checkAll}: report the JSON fields no schema field took (off for an inline part of a parent). */
    private Out message(Message m, JsonNode json, String path, boolean checkAll) {
        Out out = new Out();
        List<String> used = new ArrayList<>();
        for (Field f : m.fields()) {
            if (f.inline()) {
                Message inner = schema.message(f.type().message());
                out.bytes(f.number(), message(inner, json, path, false).toBytes());
                inner.fields().forEach(x -> used.add(x.json()));
                continue;
            }
            JsonNode v = json.get(f.json());
            used.add(f.json());
            if (v == null || v.isNull()) {
                continue;
            }
            String p = path + "." + f.json();
            if (f.isMap()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                    var e = it.next();
                    Out entry = new Out();
                    value(entry, 1, f.mapKey(), Json.NODES.textNode(e.getKey()), p);
                    value(entry, 2, f.type(), e.getValue(), p + "." + e.getKey());
                    out.bytes(f.number(), entry.toBytes());
                }
            } else if (f.repeated()) {
                if (packed && !f.type().isMessage() && f.type().scalar().wireType() == WireReader.VARINT) {
                    Out run = new Out();
                    for (JsonNode item : v) {
                        run.varint(item.asLong());
                    }
                    out.bytes(f.number(), run.toBytes());
                } else {
                    int i = 0;
                    for (JsonNode item : v) {
                        value(out, f.number(), f.type(), item, p + "[" + i++ + "]");
                    }
                }
            } else {
                value(out, f.number(), f.type(), v, p);
            }
        }
        for (Iterator<String> it = json.fieldNames(); checkAll && it.hasNext(); ) {
            String name = it.next();
            if (!used.contains(name)) {
                unconsumed.add(path + "." + name);
            }
        }
        return out;
    }

    private void value(Out out, int number, Type t, JsonNode v, String path) {
        if (!t.isMessage()) {
            switch (t.scalar()) {
                case STRING -> out.string(number, v.asText());
                case BYTES -> out.bytes(number, Base64.getDecoder().decode(v.asText()));
                case BOOL -> out.tagVarint(number, v.asBoolean() ? 1 : 0);
                case INT32, INT64, UINT32, UINT64 -> out.tagVarint(number, v.asLong());
                case DOUBLE -> {
                    out.tag(number, WireReader.FIXED64);
                    out.fixed64(Double.doubleToLongBits(v.asDouble()));
                }
                case FLOAT -> throw new IllegalArgumentException("float is not used by the Kubernetes API");
            }
            return;
        }
        Out inner = new Out();
        switch (t.message()) {
            case "meta.v1.Time", "meta.v1.MicroTime" -> {
                Instant at = Instant.parse(v.asText());
                inner.tagVarint(1, at.getEpochSecond());
                if (at.getNano() != 0) {
                    inner.tagVarint(2, at.getNano());
                }
            }
            case "resource.Quantity" -> inner.string(1, v.asText());
            case "intstr.IntOrString" -> {
                if (v.isTextual()) {
                    inner.tagVarint(1, 1);
                    inner.tagVarint(2, 0);
                    inner.string(3, v.asText());
                } else {
                    inner.tagVarint(1, 0);
                    inner.tagVarint(2, v.asInt());
                    inner.string(3, "");
                }
            }
            case "meta.v1.FieldsV1", "runtime.RawExtension" ->
                    inner.bytes(1, v.toString().getBytes(StandardCharsets.UTF_8));
            case "meta.v1.Verbs", "authentication.v1.ExtraValue", "authorization.v1.ExtraValue",
                 "certificates.v1.ExtraValue" -> {
                for (JsonNode x : v) {
                    inner.string(1, x.asText());
                }
            }
            case "meta.v1.Duration" -> throw new IllegalArgumentException("Duration is tested on its own");
            default -> inner = message(schema.message(t.message()), v, path, true);
        }
        out.bytes(number, inner.toBytes());
    }

    /** A protobuf output buffer. */
    static final class Out {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        void tag(int number, int wire) {
            varint((long) number << 3 | wire);
        }

        void varint(long v) {
            while ((v & ~0x7fL) != 0) {
                buf.write((int) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            buf.write((int) v);
        }

        void tagVarint(int number, long v) {
            tag(number, WireReader.VARINT);
            varint(v);
        }

        void fixed64(long v) {
            for (int i = 0; i < 8; i++) {
                buf.write((int) (v >>> (8 * i)));
            }
        }

        void string(int number, String s) {
            bytes(number, s.getBytes(StandardCharsets.UTF_8));
        }

        void bytes(int number, byte[] b) {
            tag(number, WireReader.LENGTH_DELIMITED);
            varint(b.length);
            buf.writeBytes(b);
        }

        byte[] toBytes() {
            return buf.toByteArray();
        }
    }
}
