package io.kube4j.apiserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.registry.ResourceInfo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The schemas of a set of served kinds: every definition reachable from them and the definition
 * name of each {@code group/version/kind}. Immutable once built; thread-safe. The nodes are shared
 * and must not be changed.
 */
public final class SchemaCatalog {
    /** Types every group version's operations refer to, besides its kinds. */
    private static final List<String> COMMON = List.of("io.fabric8.kubernetes.api.model.Status",
            "io.fabric8.kubernetes.api.model.DeleteOptions", "io.fabric8.kubernetes.api.model.WatchEvent",
            "io.fabric8.kubernetes.api.model.autoscaling.v1.Scale");

    private final Map<String, ObjectNode> definitions;
    /** Definitions by their whole {@code $ref} text, so resolving a reference does not cut a new string each time. */
    private final Map<String, ObjectNode> byRef = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, String> kinds;

    private SchemaCatalog(Map<String, ObjectNode> definitions, Map<String, String> kinds) {
        this.definitions = definitions;
        this.kinds = kinds;
    }

    /** Reflects the fabric8 classes of the given resources' kinds and their lists. */
    public static SchemaCatalog build(Collection<ResourceInfo> resources) {
        List<Class<?>> roots = new ArrayList<>();
        Map<String, String> kinds = new HashMap<>();
        for (ResourceInfo info : resources) {
            for (String kind : List.of(info.kind(), info.listKind())) {
                Optional<Class<?>> c = KindClasses.find(info.group(), info.version(), kind);
                if (c.isPresent()) {
                    roots.add(c.get());
                    kinds.put(key(info.group(), info.version(), kind), ModelSchemas.name(c.get()));
                }
            }
        }
        for (String name : COMMON) {
            try {
                roots.add(Class.forName(name));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("fabric8 model class missing: " + name, e);
            }
        }
        return new SchemaCatalog(ModelSchemas.closure(roots), Map.copyOf(kinds));
    }

    /** Definitions by name, in name order. */
    public Map<String, ObjectNode> definitions() {
        return definitions;
    }

    /** The definition name of a kind, or null when kube4j has no schema for it. */
    public String definitionOf(String group, String version, String kind) {
        return kinds.get(key(group, version, kind));
    }

    public ObjectNode definition(String name) {
        return definitions.get(name);
    }

    /**
     * Follows a {@code $ref}, or the single {@code allOf} reference upstream wraps references in, to
     * the definition; returns the schema itself otherwise (null when the reference is dangling).
     */
    public JsonNode resolve(JsonNode schema) {
        JsonNode s = schema;
        for (int depth = 0; depth < 8 && s != null; depth++) {
            JsonNode allOf = s.get("allOf");
            if (allOf != null && allOf.isArray() && allOf.size() == 1) {
                s = allOf.get(0);
                continue;
            }
            JsonNode ref = s.get("$ref");
            if (ref == null) {
                return s;
            }
            s = byRef.computeIfAbsent(ref.asText(), r -> definitions.get(r.substring(r.lastIndexOf('/') + 1)));
        }
        return s;
    }

    private static String key(String group, String version, String kind) {
        return group + "/" + version + "/" + kind;
    }
}
