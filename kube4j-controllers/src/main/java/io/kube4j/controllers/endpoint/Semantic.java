package io.kube4j.controllers.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.util.Objects;

/**
 * Equality of API values as the server would store them (upstream's apiequality.Semantic): two values are equal
 * when their JSON forms are, so an empty list equals an absent one. Called by the endpoint controllers to skip
 * writes that would change nothing. Thread-safe.
 */
public final class Semantic {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private Semantic() {
    }

    public static boolean equal(Object a, Object b) {
        return Objects.equals(tree(a), tree(b));
    }

    private static JsonNode tree(Object o) {
        if (o == null) {
            return null;
        }
        JsonNode n = JSON.convertValue(o, JsonNode.class);
        // an empty object or list stands for nothing, as omitempty does upstream
        return n.isContainerNode() && n.isEmpty() ? null : n;
    }
}
