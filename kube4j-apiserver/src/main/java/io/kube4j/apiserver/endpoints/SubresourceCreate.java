package io.kube4j.apiserver.endpoints;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.registry.WriteOptions;

/**
 * Implemented by strategies whose resource accepts POST on a subresource, such as
 * {@code pods/binding} and {@code pods/eviction}. Thread-safe.
 */
public interface SubresourceCreate {
    /** Handles the POST; returns the response body (usually a Status). */
    ObjectNode createSubresource(Registry registry, String subresource, String namespace, String name, ObjectNode body,
                                 WriteOptions opts);
}
