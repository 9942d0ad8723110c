package io.kube4j.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.openapi.PathItem.Operation;
import io.kube4j.apiserver.openapi.PathItem.Param;
import io.kube4j.apiserver.registry.ResourceInfo;
import io.kube4j.apiserver.schema.ModelSchemas;
import io.kube4j.apiserver.schema.SchemaCatalog;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The rendered OpenAPI documents of one set of served resources: one OpenAPI 3.0 document per group
 * version (with its hash), the v3 root that lists them, and the Swagger 2.0 document. Built once;
 * immutable and thread-safe afterwards.
 */
final class Documents {
    /** A rendered document and the hash that names its content. */
    record Rendered(byte[] json, String hash) {
    }

    private static final String TITLE = "Kubernetes";
    private static final String VERSION = "v1.32.0+kube4j";
    private static final List<String> RESPONSE_TYPES = List.of("application/json", "application/yaml",
            "application/vnd.kubernetes.protobuf");

    private final List<ResourceInfo> resources;
    private final Map<String, Rendered> v3;
    private final Rendered v3Root;
    private final Rendered v2;

    private Documents(List<ResourceInfo> resources, Map<String, Rendered> v3, Rendered v3Root, Rendered v2) {
        this.resources = resources;
        this.v3 = v3;
        this.v3Root = v3Root;
        this.v2 = v2;
    }

    static Documents build(List<ResourceInfo> resources, SchemaCatalog catalog) {
        Map<String, List<ResourceInfo>> byGv = new LinkedHashMap<>();
        for (ResourceInfo r : resources) {
            byGv.computeIfAbsent(gvPath(r), k -> new ArrayList<>()).add(r);
        }
        Map<String, Rendered> v3 = new LinkedHashMap<>();
        ObjectNode rootPaths = Json.object();
        for (Map.Entry<String, List<ResourceInfo>> e : byGv.entrySet()) {
            Rendered doc = rendered(v3Document(e.getValue(), catalog));
            v3.put(e.getKey(), doc);
            rootPaths.putObject(e.getKey()).put("serverRelativeURL", "/openapi/v3/" + e.getKey() + "?hash=" + doc.hash());
        }
        ObjectNode root = Json.object();
        root.set("paths", rootPaths);
        return new Documents(List.copyOf(resources), Map.copyOf(v3), rendered(root), rendered(v2Document(resources, catalog)));
    }

    /** The resources these documents describe. */
    List<ResourceInfo> resources() {
        return resources;
    }

    /** The v3 document of {@code api/v1} or {@code apis/apps/v1}, or null. */
    Rendered v3(String gvPath) {
        return v3.get(gvPath);
    }

    Rendered v3Root() {
        return v3Root;
    }

    Rendered v2() {
        return v2;
    }

    private static String gvPath(ResourceInfo r) {
        return r.group().isEmpty() ? "api/" + r.version() : "apis/" + r.group() + "/" + r.version();
    }

    private static Rendered rendered(JsonNode doc) {
        byte[] bytes = Json.bytes(doc);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512").digest(bytes);
            return new Rendered(bytes, HexFormat.of().withUpperCase().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ v3

    private static ObjectNode v3Document(List<ResourceInfo> gvResources, SchemaCatalog catalog) {
        ObjectNode doc = Json.object();
        doc.put("openapi", "3.0.0");
        doc.putObject("info").put("title", TITLE).put("version", VERSION);
        ObjectNode paths = doc.putObject("paths");
        Set<String> used = new TreeSet<>();
        for (PathItem item : ApiOperations.paths(gvResources, catalog)) {
            ObjectNode p = paths.putObject(item.path());
            for (Operation op : item.operations()) {
                p.set(op.method(), v3Operation(op, used));
            }
            p.set("parameters", v3Params(item.pathParams()));
        }
        ObjectNode components = doc.putObject("components");
        ObjectNode schemas = components.putObject("schemas");
        reachable(catalog, used).forEach(schemas::set);
        components.putObject("securitySchemes").putObject("BearerToken").put("type", "apiKey")
                .put("name", "authorization").put("in", "header");
        doc.putArray("security").addObject().putArray("BearerToken");
        return doc;
    }

    private static ObjectNode v3Operation(Operation op, Set<String> used) {
        ObjectNode o = Json.object();
        o.putArray("tags").add(op.tag());
        o.put("description", "");
        o.put("operationId", op.operationId());
        if (!op.params().isEmpty()) {
            o.set("parameters", v3Params(op.params()));
        }
        if (op.body() != null) {
            ObjectNode content = o.putObject("requestBody").putObject("content");
            List<String> types = op.consumes().isEmpty() ? List.of("*/*") : op.consumes();
            for (String t : types) {
                content.putObject(t).set("schema", v3Ref(op.body(), used));
            }
            o.with("requestBody").put("required", true);
        }
        ObjectNode responses = o.putObject("responses");
        op.responses().forEach((code, def) -> {
            ObjectNode r = responses.putObject(code).put("description", description(code));
            ObjectNode content = r.putObject("content");
            for (String t : RESPONSE_TYPES) {
                content.putObject(t).set("schema", v3Ref(def, used));
            }
        });
        responses.putObject("401").put("description", "Unauthorized");
        o.put("x-kubernetes-action", op.action());
        o.putObject("x-kubernetes-group-version-kind").put("group", op.gvk().group())
                .put("kind", op.gvk().kind()).put("version", op.gvk().version());
        return o;
    }

    private static ArrayNode v3Params(List<Param> params) {
        ArrayNode a = Json.array();
        for (Param p : params) {
            ObjectNode n = a.addObject().put("name", p.name()).put("in", p.in()).put("description", "");
            if (p.required()) {
                n.put("required", true);
            }
            ObjectNode s = n.putObject("schema").put("type", p.type());
            if (p.type().equals("string")) {
                s.put("uniqueItems", true);
            }
        }
        return a;
    }

    private static ObjectNode v3Ref(String def, Set<String> used) {
        if (def == null) {
            return Json.object().put("type", "object");
        }
        used.add(def);
        return Json.object().put("$ref", ModelSchemas.REF_PREFIX + def);
    }

    private static String description(String code) {
        return switch (code) {
            case "200" -> "OK";
            case "201" -> "Created";
            case "202" -> "Accepted";
            default -> "";
        };
    }

    /** The named definitions and every definition their references reach, in name order. */
    static Map<String, ObjectNode> reachable(SchemaCatalog catalog, Set<String> roots) {
        Map<String, ObjectNode> out = new TreeMap<>();
        Deque<String> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (out.containsKey(name)) {
                continue;
            }
            ObjectNode def = name.equals(ApiOperations.PATCH) ? Json.object().put("type", "object")
                    : catalog.definition(name);
            if (def == null) {
                continue;
            }
            out.put(name, def);
            collectRefs(def, todo);
        }
        return out;
    }

    private static void collectRefs(JsonNode node, Deque<String> into) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isTextual()) {
                into.add(ref.asText().substring(ref.asText().lastIndexOf('/') + 1));
            }
            for (JsonNode child : node) {
                collectRefs(child, into);
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                collectRefs(child, into);
            }
        }
    }

    // ------------------------------------------------------------------ v2

    private static ObjectNode v2Document(List<ResourceInfo> resources, SchemaCatalog catalog) {
        ObjectNode doc = Json.object();
        doc.put("swagger", "2.0");
        doc.putObject("info").put("title", TITLE).put("version", VERSION);
        ObjectNode paths = doc.putObject("paths");
        Map<String, List<ResourceInfo>> byGv = new LinkedHashMap<>();
        for (ResourceInfo r : resources) {
            byGv.computeIfAbsent(gvPath(r), k -> new ArrayList<>()).add(r);
        }
        Set<String> used = new TreeSet<>();
        for (List<ResourceInfo> gv : byGv.values()) {
            for (PathItem item : ApiOperations.paths(gv, catalog)) {
                ObjectNode p = paths.putObject(item.path());
                for (Operation op : item.operations()) {
                    p.set(op.method(), v2Operation(op, used));
                }
                p.set("parameters", v2Params(item.pathParams()));
            }
        }
        ObjectNode definitions = doc.putObject("definitions");
        reachable(catalog, used).forEach((name, def) -> definitions.set(name, toV2(def)));
        doc.putObject("securityDefinitions").putObject("BearerToken").put("type", "apiKey")
                .put("name", "authorization").put("in", "header");
        doc.putArray("security").addObject().putArray("BearerToken");
        return doc;
    }

    private static ObjectNode v2Operation(Operation op, Set<String> used) {
        ObjectNode o = Json.object();
        o.put("description", "");
        ArrayNode consumes = o.putArray("consumes");
        (op.consumes().isEmpty() ? List.of("*/*") : op.consumes()).forEach(consumes::add);
        ArrayNode produces = o.putArray("produces");
        RESPONSE_TYPES.forEach(produces::add);
        o.putArray("schemes").add("https");
        o.putArray("tags").add(op.tag());
        o.put("operationId", op.operationId());
        ArrayNode params = v2Params(op.params());
        if (op.body() != null) {
            params.insertObject(0).put("name", "body").put("in", "body").put("required", true)
                    .set("schema", v2Ref(op.body(), used));
        }
        if (!params.isEmpty()) {
            o.set("parameters", params);
        }
        ObjectNode responses = o.putObject("responses");
        op.responses().forEach((code, def) -> responses.putObject(code).put("description", description(code))
                .set("schema", v2Ref(def, used)));
        responses.putObject("401").put("description", "Unauthorized");
        o.put("x-kubernetes-action", op.action());
        o.putObject("x-kubernetes-group-version-kind").put("group", op.gvk().group())
                .put("kind", op.gvk().kind()).put("version", op.gvk().version());
        return o;
    }

    private static ArrayNode v2Params(List<Param> params) {
        ArrayNode a = Json.array();
        for (Param p : params) {
            ObjectNode n = a.addObject().put("type", p.type());
            if (p.type().equals("string")) {
                n.put("uniqueItems", true);
            }
            n.put("description", "").put("name", p.name()).put("in", p.in());
            if (p.required()) {
                n.put("required", true);
            }
        }
        return a;
    }

    private static ObjectNode v2Ref(String def, Set<String> used) {
        if (def == null) {
            return Json.object().put("type", "object");
        }
        used.add(def);
        return Json.object().put("$ref", "#/definitions/" + def);
    }

    /**
     * A v3 schema as Swagger 2.0 writes it: references are plain {@code $ref}s into
     * {@code #/definitions/}, and {@code oneOf} (IntOrString, Quantity) becomes a string.
     */
    static JsonNode toV2(JsonNode v3) {
        if (v3.isArray()) {
            ArrayNode a = Json.array();
            v3.forEach(e -> a.add(toV2(e)));
            return a;
        }
        if (!v3.isObject()) {
            return v3;
        }
        ObjectNode out = Json.object();
        JsonNode allOf = v3.get("allOf");
        if (allOf != null && allOf.isArray() && allOf.size() == 1 && allOf.get(0).has("$ref")) {
            out.put("$ref", v2RefText(allOf.get(0).get("$ref").asText()));
        }
        JsonNode oneOf = v3.get("oneOf");
        if (oneOf != null && !v3.has("type") && oneOf.size() > 0) {
            // Swagger 2.0 has no oneOf: IntOrString and Quantity are strings there
            out.put("type", "string");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v3.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            switch (e.getKey()) {
                case "allOf" -> {
                    if (!out.has("$ref")) {
                        out.set("allOf", toV2(e.getValue()));
                    }
                }
                case "oneOf" -> {
                }
                case "$ref" -> out.put("$ref", v2RefText(e.getValue().asText()));
                default -> out.set(e.getKey(), toV2(e.getValue()));
            }
        }
        return out;
    }

    private static String v2RefText(String ref) {
        return ref.startsWith(ModelSchemas.REF_PREFIX) ? "#/definitions/" + ref.substring(ModelSchemas.REF_PREFIX.length())
                : ref;
    }
}
