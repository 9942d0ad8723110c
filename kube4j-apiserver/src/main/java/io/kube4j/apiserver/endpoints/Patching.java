package io.kube4j.apiserver.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.patch.JsonPatch;
import io.kube4j.apimachinery.patch.MergePatch;

/** Applies the schema-free patch types (JSON patch, JSON merge patch) to an object. */
public final class Patching {
    private Patching() {
    }

    public static ObjectNode apply(String contentType, ObjectNode original, JsonNode patch) {
        JsonNode out = switch (contentType) {
            case "application/json-patch+json" -> JsonPatch.apply(original, patch);
            case "application/merge-patch+json", "application/strategic-merge-patch+json" -> MergePatch.apply(original, patch);
            default -> throw StatusException.unsupportedMediaType(contentType);
        };
        if (!(out instanceof ObjectNode o)) {
            throw StatusException.badRequest("patch produced a value that is not an object");
        }
        return o;
    }
}
