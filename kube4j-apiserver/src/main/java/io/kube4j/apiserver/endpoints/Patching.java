package io.kube4j.apiserver.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.errors.StatusReason;
import io.kube4j.apimachinery.patch.JsonPatch;
import io.kube4j.apimachinery.patch.MergePatch;
import io.kube4j.apimachinery.patch.PatchSchema;
import io.kube4j.apimachinery.patch.StrategicMergePatch;

/**
 * Applies a JSON patch, JSON merge patch or strategic merge patch to an object of the given kind. Strategic merge
 * patch reads the kind's list strategies from {@link PatchSchema} and, as upstream, is refused with 415 for kinds
 * that are not built in (custom resources). Called by the patch endpoint and the scale subresource; thread-safe.
 */
public final class Patching {
    static final String NO_STRATEGIC_MERGE = "the body of the request was in an unknown format - accepted media "
            + "types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml";

    private Patching() {
    }

    /**
     * @param group the API group of the object's kind ("" for core)
     * @param kind  the object's kind, which selects the strategic merge patch schema
     */
    public static ObjectNode apply(String group, String kind, String contentType, ObjectNode original,
                                   JsonNode patch) {
        JsonNode out = switch (contentType) {
            case "application/json-patch+json" -> JsonPatch.apply(original, patch);
            case "application/merge-patch+json" -> MergePatch.apply(original, patch);
            case "application/strategic-merge-patch+json" -> {
                PatchSchema schema = PatchSchema.forKind(group, kind);
                if (!schema.known()) {
                    throw new StatusException(StatusReason.UNSUPPORTED_MEDIA_TYPE, 415, NO_STRATEGIC_MERGE,
                            null, null, null, null, null);
                }
                yield StrategicMergePatch.apply(original, patch, schema);
            }
            default -> throw StatusException.unsupportedMediaType(contentType);
        };
        if (!(out instanceof ObjectNode o)) {
            throw StatusException.badRequest("patch produced a value that is not an object");
        }
        return o;
    }
}
