package io.kube4j.apiserver.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.labels.LabelSelector;
import io.kube4j.apimachinery.labels.Requirement;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;
import io.kube4j.apiserver.registry.ResourceInfo;
import io.kube4j.apiserver.registry.Store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The {@code scale} subresource ({@code autoscaling/v1 Scale}) of workloads: reads and writes
 * {@code spec.replicas} of the parent object.
 */
final class ScaleSubresource {
    private ScaleSubresource() {
    }

    static void handle(RequestInfo ri, Exchange ex, Store store, ResourceHandler handler) {
        String ns = ri.namespace();
        switch (ri.verb()) {
            case "get" -> respond(ex, scaleOf(store.get(ns, ri.name())));
            case "update" -> {
                ObjectNode scale = handler.decodeRaw(ex);
                String rv = Json.text(scale.get("metadata"), "resourceVersion");
                long expected = rv == null || rv.isEmpty() ? -1 : Long.parseLong(rv);
                ObjectNode updated = store.guaranteedUpdate(ns, ri.name(), "scale", handler.writeOptions(ex),
                        obj -> setReplicas(store.info(), obj, scale), expected);
                respond(ex, scaleOf(updated));
            }
            case "patch" -> {
                String contentType = ResourceHandler.baseType(ex.header("Content-Type"));
                JsonNode patch;
                try {
                    patch = Json.MAPPER.readTree(ex.body());
                } catch (java.io.IOException e) {
                    throw StatusException.badRequest("error decoding patch: " + e.getMessage());
                }
                ObjectNode updated = store.guaranteedUpdate(ns, ri.name(), "scale", handler.writeOptions(ex), obj -> {
                    ObjectNode scale = scaleOf(obj);
                    ObjectNode patched = Patching.apply("autoscaling", "Scale", contentType, scale, patch);
                    return setReplicas(store.info(), obj, patched);
                }, -1);
                respond(ex, scaleOf(updated));
            }
            default -> throw StatusException.methodNotSupported(store.info().group(),
                    store.info().resource() + "/scale", ri.verb());
        }
    }

    private static ObjectNode setReplicas(ResourceInfo info, ObjectNode obj, ObjectNode scale) {
        JsonNode replicas = Json.at(scale, "spec", "replicas");
        int value = replicas == null ? 0 : replicas.asInt();
        if (replicas != null && !replicas.canConvertToInt()) {
            throw StatusException.badRequest("spec.replicas must be an integer");
        }
        if (value < 0) {
            throw StatusException.invalid("autoscaling", "Scale", Json.text(obj.get("metadata"), "name"),
                    List.of(FieldError.invalid(FieldPath.of("spec", "replicas"), value,
                            "must be greater than or equal to 0")));
        }
        String rv = Json.text(scale.get("metadata"), "resourceVersion");
        if (rv != null && !rv.isEmpty()) {
            ((ObjectNode) obj.get("metadata")).put("resourceVersion", rv);
        }
        Json.with(obj, "spec").put("replicas", value);
        return obj;
    }

    static ObjectNode scaleOf(ObjectNode obj) {
        ObjectNode s = Json.object();
        s.put("kind", "Scale");
        s.put("apiVersion", "autoscaling/v1");
        ObjectNode meta = s.putObject("metadata");
        JsonNode m = obj.get("metadata");
        for (String f : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
            if (m.has(f)) {
                meta.set(f, m.get(f));
            }
        }
        s.putObject("spec").put("replicas", Json.at(obj, "spec", "replicas") == null ? 0
                : Json.at(obj, "spec", "replicas").asInt());
        ObjectNode status = s.putObject("status");
        status.put("replicas", Json.at(obj, "status", "replicas") == null ? 0
                : Json.at(obj, "status", "replicas").asInt());
        JsonNode sel = Json.at(obj, "spec", "selector");
        if (sel != null) {
            LabelSelector ls = sel.has("matchLabels") || sel.has("matchExpressions")
                    ? LabelSelector.fromJson(sel) : LabelSelector.fromMap(sel);
            List<Requirement> reqs = new ArrayList<>(ls.requirements());
            reqs.sort(Comparator.comparing(Requirement::key));
            status.put("selector", LabelSelector.of(reqs).toString());
        }
        return s;
    }

    private static void respond(Exchange ex, ObjectNode scale) {
        ex.respond(200, MediaTypes.JSON, Json.bytes(scale), java.util.Map.of());
    }
}
