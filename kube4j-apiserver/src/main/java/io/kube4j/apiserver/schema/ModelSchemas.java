package io.kube4j.apiserver.schema;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds OpenAPI v3 schemas for fabric8 model classes by reflection over their Jackson annotations:
 * one definition per class, named as upstream names it ({@link DefinitionNames}); references are
 * {@code allOf: [{$ref: "#/components/schemas/NAME"}]} as upstream's v3 documents write them. Each
 * class is reflected once per JVM and cached. The returned nodes are shared: callers must not change
 * them. Thread-safe.
 */
public final class ModelSchemas {
    public static final String REF_PREFIX = "#/components/schemas/";
    public static final String TIME = "io.k8s.apimachinery.pkg.apis.meta.v1.Time";
    static final String INT_OR_STRING = "x-kubernetes-int-or-string";
    static final String PRESERVE_UNKNOWN = "x-kubernetes-preserve-unknown-fields";
    static final String GVK = "x-kubernetes-group-version-kind";

    /** fabric8 models meta/v1 Time as a plain string; these field names carry one upstream. */
    private static final Set<String> TIME_FIELDS = Set.of("creationTimestamp", "deletionTimestamp",
            "lastTransitionTime", "lastProbeTime", "lastHeartbeatTime", "lastUpdateTime", "startTime",
            "completionTime", "lastScheduleTime", "lastSuccessfulTime", "startedAt", "finishedAt", "firstTimestamp",
            "lastTimestamp", "lastScaleTime", "expirationTimestamp", "deprecatedFirstTimestamp",
            "deprecatedLastTimestamp");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Map<Class<?>, Definition> CACHE = new ConcurrentHashMap<>();

    /** One class's schema, with the model classes its properties refer to. */
    private record Definition(String name, ObjectNode schema, List<Class<?>> refs, boolean usesTime) {
    }

    private ModelSchemas() {
    }

    /** The definition name of a model class (its schema is in {@link #closure} of it). */
    public static String name(Class<?> type) {
        return definition(type).name();
    }

    /** Every definition reachable from {@code roots}, by name in name order. */
    public static Map<String, ObjectNode> closure(Collection<Class<?>> roots) {
        Map<String, ObjectNode> out = new TreeMap<>();
        Set<Class<?>> seen = new HashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            if (!seen.add(c)) {
                continue;
            }
            Definition d = definition(c);
            out.putIfAbsent(d.name(), d.schema());
            if (d.usesTime()) {
                out.putIfAbsent(TIME, timeSchema());
            }
            todo.addAll(d.refs());
        }
        return out;
    }

    private static Definition definition(Class<?> type) {
        Definition d = CACHE.get(type);
        if (d == null) {
            d = reflect(type);
            Definition prev = CACHE.putIfAbsent(type, d);
            if (prev != null) {
                d = prev;
            }
        }
        return d;
    }

    private static ObjectNode timeSchema() {
        return NODES.objectNode().put("type", "string").put("format", "date-time");
    }

    private static Definition reflect(Class<?> type) {
        String name = DefinitionNames.of(type);
        ObjectNode schema = NODES.objectNode();
        List<Class<?>> refs = new ArrayList<>();
        boolean[] usesTime = {false};
        switch (DefinitionNames.shortName(name)) {
            case "IntOrString" -> {
                // no single type: kubectl explain then names the field <IntOrString>, as upstream's does
                ArrayNode oneOf = schema.put("format", "int-or-string").putArray("oneOf");
                oneOf.addObject().put("type", "integer");
                oneOf.addObject().put("type", "string");
                schema.put(INT_OR_STRING, true);
                return new Definition(name, schema, refs, false);
            }
            case "Quantity" -> {
                // a string or a number, as upstream's v3 documents say it
                ArrayNode oneOf = schema.putArray("oneOf");
                oneOf.addObject().put("type", "string");
                oneOf.addObject().put("type", "number");
                return new Definition(name, schema, refs, false);
            }
            case "MicroTime", "Time" -> {
                return new Definition(name, schema.put("type", "string").put("format", "date-time"), refs, false);
            }
            default -> {
            }
        }
        Map<String, Field> fields = jsonFields(type);
        if (fields.isEmpty() || customDeserializer(type)) {
            // RawExtension, FieldsV1, JSONSchemaPropsOrArray...: any JSON, never checked field by field
            schema.put("type", "object").put(PRESERVE_UNKNOWN, true);
            return new Definition(name, schema, refs, false);
        }
        schema.put("type", "object");
        ObjectNode props = schema.putObject("properties");
        String owner = type.getSimpleName();
        for (Map.Entry<String, Field> e : fields.entrySet()) {
            ObjectNode p = property(e.getValue().getGenericType(), e.getKey(), refs, usesTime);
            PatchStrategies.Directive directive = PatchStrategies.of(owner, e.getKey());
            if (directive != null) {
                if (directive.mergeKey() != null) {
                    p.put("x-kubernetes-patch-merge-key", directive.mergeKey());
                }
                p.put("x-kubernetes-patch-strategy", directive.strategy());
            }
            props.set(e.getKey(), p);
        }
        String group = KindClasses.annotationValue(type, "io.fabric8.kubernetes.model.annotation.Group");
        String version = KindClasses.annotationValue(type, "io.fabric8.kubernetes.model.annotation.Version");
        if (group != null && version != null && fields.containsKey("kind")) {
            ObjectNode gvk = schema.putArray(GVK).addObject();
            gvk.put("group", group).put("kind", type.getSimpleName()).put("version", version);
        }
        return new Definition(name, schema, refs, usesTime[0]);
    }

    /** The JSON properties of a class, in its {@code @JsonPropertyOrder} and then declaration order. */
    private static Map<String, Field> jsonFields(Class<?> type) {
        Map<String, Field> byName = new LinkedHashMap<>();
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            chain.addFirst(c);
        }
        for (Class<?> c : chain) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.isAnnotationPresent(JsonIgnore.class)) {
                    continue;
                }
                JsonProperty jp = f.getAnnotation(JsonProperty.class);
                if (jp == null) {
                    continue;
                }
                byName.put(jp.value().isEmpty() ? f.getName() : jp.value(), f);
            }
        }
        JsonPropertyOrder order = type.getAnnotation(JsonPropertyOrder.class);
        if (order == null) {
            return byName;
        }
        Map<String, Field> ordered = new LinkedHashMap<>();
        for (String n : order.value()) {
            Field f = byName.get(n);
            if (f != null) {
                ordered.put(n, f);
            }
        }
        byName.forEach(ordered::putIfAbsent);
        return ordered;
    }

    /** True when the class has a Jackson deserializer of its own (fabric8 uses Jackson 3's annotation). */
    private static boolean customDeserializer(Class<?> type) {
        for (Annotation a : type.getAnnotations()) {
            if (!a.annotationType().getSimpleName().equals("JsonDeserialize")) {
                continue;
            }
            try {
                Object using = a.annotationType().getMethod("using").invoke(a);
                return using instanceof Class<?> u && !u.getSimpleName().equals("None");
            } catch (ReflectiveOperationException e) {
                return false;
            }
        }
        return false;
    }

    private static ObjectNode property(Type t, String field, List<Class<?>> refs, boolean[] usesTime) {
        if (t instanceof WildcardType w) {
            return property(w.getUpperBounds()[0], field, refs, usesTime);
        }
        if (t instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> raw) {
            Type[] args = pt.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw)) {
                ObjectNode n = NODES.objectNode().put("type", "array");
                n.set("items", property(args[0], field, refs, usesTime));
                return n;
            }
            if (Map.class.isAssignableFrom(raw)) {
                ObjectNode n = NODES.objectNode().put("type", "object");
                n.set("additionalProperties", property(args[1], field, refs, usesTime));
                return n;
            }
            return property(raw, field, refs, usesTime);
        }
        if (!(t instanceof Class<?> c)) {
            return freeForm();
        }
        if (c == String.class) {
            if (TIME_FIELDS.contains(field)) {
                usesTime[0] = true;
                return ref(TIME);
            }
            return NODES.objectNode().put("type", "string");
        }
        if (c == Integer.class || c == int.class || c == Short.class || c == short.class) {
            return NODES.objectNode().put("type", "integer").put("format", "int32");
        }
        if (c == Long.class || c == long.class) {
            return NODES.objectNode().put("type", "integer").put("format", "int64");
        }
        if (c == Boolean.class || c == boolean.class) {
            return NODES.objectNode().put("type", "boolean");
        }
        if (c == Double.class || c == double.class || c == Float.class || c == float.class) {
            return NODES.objectNode().put("type", "number").put("format", "double");
        }
        if (Number.class.isAssignableFrom(c)) {
            return NODES.objectNode().put("type", "number");
        }
        if (c.isEnum()) {
            return NODES.objectNode().put("type", "string");
        }
        if (c.isArray()) {
            if (c.getComponentType() == byte.class) {
                return NODES.objectNode().put("type", "string").put("format", "byte");
            }
            ObjectNode n = NODES.objectNode().put("type", "array");
            n.set("items", property(c.getComponentType(), field, refs, usesTime));
            return n;
        }
        if (Collection.class.isAssignableFrom(c)) {
            ObjectNode n = NODES.objectNode().put("type", "array");
            n.set("items", freeForm());
            return n;
        }
        if (Map.class.isAssignableFrom(c)) {
            ObjectNode n = NODES.objectNode().put("type", "object");
            n.set("additionalProperties", freeForm());
            return n;
        }
        boolean model = c.getPackageName().startsWith(DefinitionNames.MODEL);
        if (!model || c.isInterface() || Modifier.isAbstract(c.getModifiers())) {
            // Object, JsonNode, KubernetesResource...: any JSON value
            return freeForm();
        }
        refs.add(c);
        return ref(DefinitionNames.of(c));
    }

    private static ObjectNode ref(String name) {
        ObjectNode n = NODES.objectNode();
        n.putArray("allOf").addObject().put("$ref", REF_PREFIX + name);
        return n;
    }

    private static ObjectNode freeForm() {
        return NODES.objectNode().put("type", "object").put(PRESERVE_UNKNOWN, true);
    }
}
