package io.kube4j.apimachinery.protobuf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Kubernetes protobuf message schema: for each message, its fields by number with their JSON names,
 * types and flags. Read from kube4j's own table ({@code k8s-schema.txt} beside this class; the format is
 * described at the top of that file). Messages are named {@code <pkg>.<Name>}, where the package is the
 * API group's first label and version ({@code core.v1}, {@code apps.v1}, {@code meta.v1}, ...).
 *
 * <p>Built by {@link #builtin()} once; immutable and thread-safe afterwards.
 */
public final class ProtoSchema {
    /** Messages with their own JSON form, handled by the decoder rather than field by field. */
    static final Set<String> BUILTIN = Set.of("meta.v1.Time", "meta.v1.MicroTime", "meta.v1.Duration",
            "meta.v1.FieldsV1", "runtime.RawExtension", "resource.Quantity", "intstr.IntOrString", "meta.v1.Verbs",
            "authentication.v1.ExtraValue", "authorization.v1.ExtraValue", "certificates.v1.ExtraValue");

    public enum Scalar {
        STRING, BOOL, INT32, INT64, UINT32, UINT64, DOUBLE, FLOAT, BYTES;

        int wireType() {
            return switch (this) {
                case STRING, BYTES -> WireReader.LENGTH_DELIMITED;
                case DOUBLE -> WireReader.FIXED64;
                case FLOAT -> WireReader.FIXED32;
                default -> WireReader.VARINT;
            };
        }
    }

    /** A field's value type: a scalar, or a message named by its qualified name. */
    public record Type(Scalar scalar, String message) {
        public boolean isMessage() {
            return message != null;
        }
    }

    /**
     * One field. For a map, {@code mapKey} and {@code type} are the entry's key and value types.
     * {@code keep}: the zero value is still written (a Go pointer, or a field without omitempty).
     * {@code inline}: an embedded struct whose fields appear directly in the parent's JSON.
     */
    public record Field(int number, String json, Type type, Type mapKey, boolean repeated, boolean keep,
                        boolean inline) {
        public boolean isMap() {
            return mapKey != null;
        }
    }

    /** A message and its fields, in the declaration order that upstream's JSON follows. */
    public record Message(String name, List<Field> fields, Map<Integer, Field> byNumber) {
        public Field field(int number) {
            return byNumber.get(number);
        }
    }

    /** Kinds of meta.k8s.io/v1 that are registered in every group version. */
    private static final Set<String> META_KINDS = Set.of("DeleteOptions", "Status", "CreateOptions",
            "UpdateOptions", "PatchOptions", "GetOptions", "ListOptions", "WatchEvent");

    private static volatile ProtoSchema builtin;

    private final Map<String, Message> messages;

    private ProtoSchema(Map<String, Message> messages) {
        this.messages = messages;
    }

    /** The schema of the built-in Kubernetes API, loaded from the class path on first use. */
    public static ProtoSchema builtin() {
        ProtoSchema s = builtin;
        if (s == null) {
            synchronized (ProtoSchema.class) {
                s = builtin;
                if (s == null) {
                    try (InputStream in = ProtoSchema.class.getResourceAsStream("k8s-schema.txt")) {
                        if (in == null) {
                            throw new IllegalStateException("k8s-schema.txt is missing from the class path");
                        }
                        s = parse(new InputStreamReader(in, StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    builtin = s;
                }
            }
        }
        return s;
    }

    /** Parses a schema table; throws {@link IllegalArgumentException} naming the line for any error. */
    public static ProtoSchema parse(String text) {
        try {
            return parse(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ProtoSchema parse(Reader reader) throws IOException {
        Map<String, List<Field>> fields = new LinkedHashMap<>();
        BufferedReader in = new BufferedReader(reader);
        String pkg = null;
        String current = null;
        String line;
        int lineNo = 0;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            try {
                if (line.startsWith("@")) {
                    pkg = line.substring(1).strip();
                    current = null;
                } else if (!Character.isWhitespace(line.charAt(0))) {
                    if (pkg == null) {
                        throw new IllegalArgumentException("message before any @package");
                    }
                    current = pkg + "." + line.strip();
                    if (fields.putIfAbsent(current, new ArrayList<>()) != null) {
                        throw new IllegalArgumentException("message " + current + " declared twice");
                    }
                } else {
                    if (current == null) {
                        throw new IllegalArgumentException("field outside a message");
                    }
                    fields.get(current).add(parseField(line.strip().split("\\s+"), pkg));
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("schema line " + lineNo + ": " + e.getMessage(), e);
            }
        }
        Map<String, Message> messages = new HashMap<>();
        for (var e : fields.entrySet()) {
            Map<Integer, Field> byNumber = new HashMap<>();
            for (Field f : e.getValue()) {
                if (byNumber.put(f.number(), f) != null) {
                    throw new IllegalArgumentException(e.getKey() + ": field number " + f.number() + " used twice");
                }
            }
            messages.put(e.getKey(), new Message(e.getKey(), List.copyOf(e.getValue()), Map.copyOf(byNumber)));
        }
        for (Message m : messages.values()) {
            for (Field f : m.fields()) {
                for (Type t : new Type[]{f.type(), f.mapKey()}) {
                    if (t != null && t.isMessage() && !messages.containsKey(t.message())
                            && !BUILTIN.contains(t.message())) {
                        throw new IllegalArgumentException(m.name() + "." + f.json() + ": unknown message " + t.message());
                    }
                }
            }
        }
        return new ProtoSchema(Collections.unmodifiableMap(messages));
    }

    private static Field parseField(String[] parts, String pkg) {
        if (parts.length < 3) {
            throw new IllegalArgumentException("a field needs a number, a name and a type");
        }
        int number = Integer.parseInt(parts[0]);
        String json = parts[1];
        String typeText = parts[2];
        boolean keep = false;
        boolean inline = false;
        for (int i = 3; i < parts.length; i++) {
            switch (parts[i]) {
                case "keep" -> keep = true;
                case "inline" -> inline = true;
                default -> throw new IllegalArgumentException("unknown flag " + parts[i]);
            }
        }
        if (typeText.startsWith("map<") && typeText.endsWith(">")) {
            String[] kv = typeText.substring(4, typeText.length() - 1).split(",");
            if (kv.length != 2) {
                throw new IllegalArgumentException("bad map type " + typeText);
            }
            return new Field(number, json, type(kv[1], pkg), type(kv[0], pkg), false, keep, inline);
        }
        boolean repeated = typeText.endsWith("[]");
        if (repeated) {
            typeText = typeText.substring(0, typeText.length() - 2);
        }
        Type type = type(typeText, pkg);
        if (inline && (!type.isMessage() || repeated)) {
            throw new IllegalArgumentException("only a single message field can be inline");
        }
        return new Field(number, json, type, null, repeated, keep, inline);
    }

    private static Type type(String text, String pkg) {
        return switch (text) {
            case "string" -> new Type(Scalar.STRING, null);
            case "bool" -> new Type(Scalar.BOOL, null);
            case "int32" -> new Type(Scalar.INT32, null);
            case "int64" -> new Type(Scalar.INT64, null);
            case "uint32" -> new Type(Scalar.UINT32, null);
            case "uint64" -> new Type(Scalar.UINT64, null);
            case "double" -> new Type(Scalar.DOUBLE, null);
            case "float" -> new Type(Scalar.FLOAT, null);
            case "bytes" -> new Type(Scalar.BYTES, null);
            default -> new Type(null, text.contains(".") ? text : pkg + "." + text);
        };
    }

    /** The message of the given qualified name, or null. */
    public Message message(String name) {
        return messages.get(name);
    }

    /** How many messages the schema holds. */
    public int size() {
        return messages.size();
    }

    /**
     * The message for an object of {@code kind} in {@code apiVersion} ("v1", "apps/v1",
     * "rbac.authorization.k8s.io/v1"), falling back to meta.v1 for the kinds every group version
     * carries (DeleteOptions, Status, ...). Null when unknown.
     */
    public Message forKind(String apiVersion, String kind) {
        if (apiVersion == null || kind == null || kind.isEmpty()) {
            return null;
        }
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        String pkg = group.isEmpty() ? "core" : group.split("\\.", 2)[0];
        Message m = messages.get(pkg + "." + version + "." + kind);
        if (m == null && META_KINDS.contains(kind)) {
            m = messages.get("meta.v1." + kind);
        }
        return m;
    }
}
