package io.kube4j.apimachinery.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.protobuf.ProtoSchema.Field;
import io.kube4j.apimachinery.protobuf.ProtoSchema.Message;
import io.kube4j.apimachinery.protobuf.ProtoSchema.Scalar;
import io.kube4j.apimachinery.protobuf.ProtoSchema.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * Turns a Kubernetes protobuf body ({@code application/vnd.kubernetes.protobuf}: the magic {@code k8s\0}
 * followed by a {@code runtime.Unknown} envelope) into the JSON tree upstream would produce for the same
 * object: JSON field names, unset and zero-valued optional fields left out, bytes as base64, Quantity and
 * IntOrString in their JSON forms, Time as RFC 3339 seconds and MicroTime with microseconds.
 *
 * <p>Called by the API server for request bodies. Stateless and thread-safe.
 */
public final class ProtobufDecoder {
    public static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";
    static final byte[] MAGIC = {'k', '8', 's', 0};

    private static final Logger LOG = LoggerFactory.getLogger(ProtobufDecoder.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MICRO_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final int MAX_DEPTH = 100;

    private final ProtoSchema schema;

    public ProtobufDecoder(ProtoSchema schema) {
        this.schema = schema;
    }

    /** A decoder over the built-in Kubernetes schema. */
    public static ProtobufDecoder builtin() {
        return new ProtobufDecoder(ProtoSchema.builtin());
    }

    /** True when the body starts with the Kubernetes protobuf magic bytes. */
    public static boolean hasMagic(byte[] body) {
        if (body.length < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (body[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Decodes a whole body. The result carries {@code apiVersion} and {@code kind} first (when the envelope
     * names them), then the object's fields in upstream's order.
     *
     * @throws ProtobufException when the bytes are malformed or the kind is not in the schema
     */
    public ObjectNode decode(byte[] body) {
        if (!hasMagic(body)) {
            throw new ProtobufException("provided data does not appear to be a protobuf message, expected prefix "
                    + "[107 56 115 0]");
        }
        return decodeUnknown(new WireReader(body, MAGIC.length, body.length - MAGIC.length), 0);
    }

    private ObjectNode decodeUnknown(WireReader r, int depth) {
        String apiVersion = "";
        String kind = "";
        byte[] raw = new byte[0];
        String contentEncoding = "";
        String contentType = "";
        while (!r.atEnd()) {
            int tag = r.readTag();
            int number = tag >>> 3;
            int wire = tag & 7;
            if (wire != WireReader.LENGTH_DELIMITED || number > 4) {
                r.skip(wire, number);
                continue;
            }
            switch (number) {
                case 1 -> {
                    WireReader tm = r.readMessage();
                    while (!tm.atEnd()) {
                        int t = tm.readTag();
                        if ((t & 7) == WireReader.LENGTH_DELIMITED && (t >>> 3) == 1) {
                            apiVersion = tm.readString();
                        } else if ((t & 7) == WireReader.LENGTH_DELIMITED && (t >>> 3) == 2) {
                            kind = tm.readString();
                        } else {
                            tm.skip(t & 7, t >>> 3);
                        }
                    }
                }
                case 2 -> raw = r.readBytes();
                case 3 -> contentEncoding = r.readString();
                default -> contentType = r.readString();
            }
        }
        if (!contentEncoding.isEmpty()) {
            throw new ProtobufException("unsupported content encoding \"" + contentEncoding + "\"");
        }
        if (!contentType.isEmpty() && !contentType.startsWith(MEDIA_TYPE)) {
            if (contentType.startsWith("application/json")) {
                return parseJsonObject(raw);
            }
            throw new ProtobufException("unsupported content type \"" + contentType + "\" in the protobuf envelope");
        }
        Message m = schema.forKind(apiVersion, kind);
        if (m == null) {
            throw new ProtobufException(kind.isEmpty()
                    ? "Object 'Kind' is missing from the protobuf envelope"
                    : "no kind \"" + kind + "\" is registered for version \"" + apiVersion + "\"");
        }
        ObjectNode out = Json.object();
        out.put("apiVersion", apiVersion);
        out.put("kind", kind);
        out.setAll(decodeMessage(m, new WireReader(raw), depth + 1));
        return out;
    }

    private ObjectNode decodeMessage(Message m, WireReader r, int depth) {
        if (depth > MAX_DEPTH) {
            throw new ProtobufException("message nesting is deeper than " + MAX_DEPTH);
        }
        // values indexed by the field's position, so the output follows upstream's declaration order
        JsonNode[] values = new JsonNode[m.fields().size()];
        while (!r.atEnd()) {
            int tag = r.readTag();
            int number = tag >>> 3;
            int wire = tag & 7;
            Field f = m.field(number);
            if (f == null) {
                LOG.debug("skipping unknown protobuf field message={} field={} wireType={}", m.name(), number, wire);
                r.skip(wire, number);
                continue;
            }
            int index = m.fields().indexOf(f);
            if (f.isMap()) {
                expect(m, f, wire, WireReader.LENGTH_DELIMITED);
                ObjectNode map = values[index] instanceof ObjectNode o ? o : Json.object();
                values[index] = map;
                readMapEntry(m, f, r.readMessage(), map, depth);
            } else if (f.repeated()) {
                ArrayNode array = values[index] instanceof ArrayNode a ? a : Json.array();
                values[index] = array;
                Type t = f.type();
                if (!t.isMessage() && wire == WireReader.LENGTH_DELIMITED
                        && t.scalar().wireType() != WireReader.LENGTH_DELIMITED) {
                    WireReader packed = r.readMessage();
                    while (!packed.atEnd()) {
                        array.add(readScalar(packed, t.scalar()));
                    }
                } else {
                    array.add(readValue(m, f, t, wire, r, depth));
                }
            } else if (f.inline()) {
                expect(m, f, wire, WireReader.LENGTH_DELIMITED);
                ObjectNode inner = decodeMessage(message(f.type().message()), r.readMessage(), depth + 1);
                if (values[index] instanceof ObjectNode prev) {
                    prev.setAll(inner);
                } else {
                    values[index] = inner;
                }
            } else {
                JsonNode v = readValue(m, f, f.type(), wire, r, depth);
                if (!f.type().isMessage() && !f.keep() && isZero(v)) {
                    values[index] = null;
                } else if (values[index] instanceof ObjectNode prev && v instanceof ObjectNode next) {
                    prev.setAll(next);
                } else {
                    values[index] = v;
                }
            }
        }
        ObjectNode out = Json.object();
        for (int i = 0; i < values.length; i++) {
            Field f = m.fields().get(i);
            if (values[i] == null && f.keep() && (f.repeated() || f.isMap())) {
                // a nil Go slice or map without omitempty is written as null
                values[i] = Json.NODES.nullNode();
            }
            if (values[i] == null) {
                continue;
            }
            if (f.inline()) {
                out.setAll((ObjectNode) values[i]);
            } else {
                out.set(f.json(), values[i]);
            }
        }
        return out;
    }

    private void readMapEntry(Message m, Field f, WireReader entry, ObjectNode map, int depth) {
        String key = null;
        JsonNode value = null;
        while (!entry.atEnd()) {
            int tag = entry.readTag();
            int number = tag >>> 3;
            int wire = tag & 7;
            if (number == 1) {
                key = readValue(m, f, f.mapKey(), wire, entry, depth).asText();
            } else if (number == 2) {
                value = readValue(m, f, f.type(), wire, entry, depth);
            } else {
                entry.skip(wire, number);
            }
        }
        if (value == null) {
            value = zeroValue(f.type());
        }
        map.set(key == null ? "" : key, value);
    }

    private JsonNode readValue(Message m, Field f, Type t, int wire, WireReader r, int depth) {
        if (t.isMessage()) {
            expect(m, f, wire, WireReader.LENGTH_DELIMITED);
            WireReader sub = r.readMessage();
            if (ProtoSchema.BUILTIN.contains(t.message())) {
                return readBuiltin(t.message(), sub, depth);
            }
            return decodeMessage(message(t.message()), sub, depth + 1);
        }
        expect(m, f, wire, t.scalar().wireType());
        return readScalar(r, t.scalar());
    }

    private static JsonNode readScalar(WireReader r, Scalar s) {
        return switch (s) {
            case STRING -> Json.NODES.textNode(r.readString());
            case BYTES -> Json.NODES.textNode(Base64.getEncoder().encodeToString(r.readBytes()));
            case BOOL -> Json.NODES.booleanNode(r.readVarint() != 0);
            case INT32 -> Json.NODES.numberNode((int) r.readVarint());
            case UINT32 -> integral(r.readVarint() & 0xffffffffL);
            case INT64 -> integral(r.readVarint());
            case UINT64 -> {
                long v = r.readVarint();
                yield v >= 0 ? integral(v) : Json.NODES.numberNode(new java.math.BigInteger(Long.toUnsignedString(v)));
            }
            case DOUBLE -> Json.NODES.numberNode(Double.longBitsToDouble(r.readFixed64()));
            case FLOAT -> Json.NODES.numberNode(Float.intBitsToFloat(r.readFixed32()));
        };
    }

    private JsonNode readBuiltin(String name, WireReader r, int depth) {
        switch (name) {
            case "meta.v1.Time", "meta.v1.MicroTime" -> {
                long seconds = 0;
                long nanos = 0;
                while (!r.atEnd()) {
                    int tag = r.readTag();
                    if (tag == (1 << 3 | WireReader.VARINT)) {
                        seconds = r.readVarint();
                    } else if (tag == (2 << 3 | WireReader.VARINT)) {
                        nanos = (int) r.readVarint();
                    } else {
                        r.skip(tag & 7, tag >>> 3);
                    }
                }
                if (seconds == 0 && nanos == 0) {
                    // upstream writes the zero time as an empty message and reads it back as null
                    return Json.NODES.nullNode();
                }
                Instant at = Instant.ofEpochSecond(seconds, nanos);
                return Json.NODES.textNode(name.equals("meta.v1.Time") ? TIME.format(at) : MICRO_TIME.format(at));
            }
            case "meta.v1.Duration" -> {
                long nanos = 0;
                while (!r.atEnd()) {
                    int tag = r.readTag();
                    if (tag == (1 << 3 | WireReader.VARINT)) {
                        nanos = r.readVarint();
                    } else {
                        r.skip(tag & 7, tag >>> 3);
                    }
                }
                return Json.NODES.textNode(GoDuration.format(nanos));
            }
            case "resource.Quantity" -> {
                String q = "0";
                while (!r.atEnd()) {
                    int tag = r.readTag();
                    if (tag == (1 << 3 | WireReader.LENGTH_DELIMITED)) {
                        q = r.readString();
                    } else {
                        r.skip(tag & 7, tag >>> 3);
                    }
                }
                return Json.NODES.textNode(q);
            }
            case "intstr.IntOrString" -> {
                long type = 0;
                int intVal = 0;
                String strVal = "";
                while (!r.atEnd()) {
                    int tag = r.readTag();
                    switch (tag) {
                        case 1 << 3 | WireReader.VARINT -> type = r.readVarint();
                        case 2 << 3 | WireReader.VARINT -> intVal = (int) r.readVarint();
                        case 3 << 3 | WireReader.LENGTH_DELIMITED -> strVal = r.readString();
                        default -> r.skip(tag & 7, tag >>> 3);
                    }
                }
                return type == 1 ? Json.NODES.textNode(strVal) : Json.NODES.numberNode(intVal);
            }
            case "meta.v1.Verbs", "authentication.v1.ExtraValue", "authorization.v1.ExtraValue",
                 "certificates.v1.ExtraValue" -> {
                // string lists wrapped in a message on the wire are plain JSON arrays
                ArrayNode items = Json.array();
                while (!r.atEnd()) {
                    int tag = r.readTag();
                    if (tag == (1 << 3 | WireReader.LENGTH_DELIMITED)) {
                        items.add(r.readString());
                    } else {
                        r.skip(tag & 7, tag >>> 3);
                    }
                }
                return items;
            }
            default -> {
                // FieldsV1 and RawExtension: field 1 carries the embedded object, as JSON or as protobuf
                byte[] raw = null;
                while (!r.atEnd()) {
                    int tag = r.readTag();
                    if (tag == (1 << 3 | WireReader.LENGTH_DELIMITED)) {
                        raw = r.readBytes();
                    } else {
                        r.skip(tag & 7, tag >>> 3);
                    }
                }
                if (raw == null || raw.length == 0) {
                    return Json.NODES.nullNode();
                }
                if (hasMagic(raw)) {
                    return decodeUnknown(new WireReader(raw, MAGIC.length, raw.length - MAGIC.length), depth + 1);
                }
                try {
                    return Json.MAPPER.readTree(raw);
                } catch (IOException e) {
                    throw new ProtobufException("embedded object in " + name + " is neither JSON nor protobuf");
                }
            }
        }
    }

    /** The node Jackson would parse from the same JSON number, so decoded and parsed trees compare equal. */
    private static JsonNode integral(long v) {
        return v == (int) v ? Json.NODES.numberNode((int) v) : Json.NODES.numberNode(v);
    }

    private static ObjectNode parseJsonObject(byte[] raw) {
        try {
            JsonNode n = Json.MAPPER.readTree(raw);
            if (n instanceof ObjectNode o) {
                return o;
            }
        } catch (IOException e) {
            // reported below
        }
        throw new ProtobufException("the JSON object in the protobuf envelope could not be read");
    }

    private static boolean isZero(JsonNode v) {
        if (v.isTextual()) {
            return v.asText().isEmpty();
        }
        if (v.isBoolean()) {
            return !v.asBoolean();
        }
        if (v.isNumber()) {
            return v.isIntegralNumber() ? v.bigIntegerValue().signum() == 0 : v.asDouble() == 0d;
        }
        return false;
    }

    private JsonNode zeroValue(Type t) {
        if (t.isMessage()) {
            return switch (t.message()) {
                case "resource.Quantity" -> Json.NODES.textNode("0");
                case "intstr.IntOrString" -> Json.NODES.numberNode(0);
                default -> ProtoSchema.BUILTIN.contains(t.message()) ? Json.NODES.nullNode() : Json.object();
            };
        }
        return switch (t.scalar()) {
            case STRING, BYTES -> Json.NODES.textNode("");
            case BOOL -> Json.NODES.booleanNode(false);
            case DOUBLE, FLOAT -> Json.NODES.numberNode(0d);
            default -> Json.NODES.numberNode(0);
        };
    }

    private Message message(String name) {
        Message m = schema.message(name);
        if (m == null) {
            throw new ProtobufException("no schema for protobuf message " + name);
        }
        return m;
    }

    private static void expect(Message m, Field f, int wire, int expected) {
        if (wire != expected) {
            throw new ProtobufException("wrong wire type " + wire + " for field " + m.name() + "." + f.json());
        }
    }
}
