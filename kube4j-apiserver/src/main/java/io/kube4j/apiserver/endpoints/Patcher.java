package io.kube4j.apiserver.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.registry.ResourceInfo;

/**
 * Applies a PATCH body of one of the patch media types to the stored object. Thread-safe. Throws
 * {@code StatusException} with upstream's reason on a bad patch.
 */
@FunctionalInterface
public interface Patcher {
    /**
     * @param contentType the patch media type, without parameters
     * @return the patched object (may be {@code original} changed in place)
     */
    ObjectNode apply(ResourceInfo info, String contentType, ObjectNode original, JsonNode patch);
}
