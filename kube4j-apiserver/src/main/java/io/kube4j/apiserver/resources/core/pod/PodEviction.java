package io.kube4j.apiserver.resources.core.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.registry.DeleteOptions;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.registry.WriteOptions;

/**
 * {@code POST pods/<name>/eviction}: deletes the pod with the Eviction's delete options. Pod
 * disruption budgets are not consulted yet, so every eviction is allowed. Called by
 * {@link PodStrategy}; stateless and thread-safe.
 */
final class PodEviction {
    private PodEviction() {
    }

    static ObjectNode evict(Registry registry, String namespace, String name, ObjectNode body, WriteOptions opts) {
        String bodyName = body.path("metadata").path("name").asText("");
        if (!bodyName.isEmpty() && !bodyName.equals(name)) {
            throw StatusException.badRequest("name in URL does not match name in Eviction object");
        }
        var pods = registry.store("", "pods");
        ObjectNode pod = pods.get(namespace, name);
        if (pod.path("metadata").hasNonNull("deletionTimestamp")) {
            return PodStrategy.success();
        }
        pods.delete(namespace, name, deleteOptions(body.path("deleteOptions"), opts.dryRun()));
        return PodStrategy.success();
    }

    /** The DeleteOptions embedded in an Eviction body. */
    static DeleteOptions deleteOptions(JsonNode o, boolean dryRun) {
        Long grace = o.hasNonNull("gracePeriodSeconds") ? o.get("gracePeriodSeconds").asLong() : null;
        if (grace != null && grace < 0) {
            grace = 1L;
        }
        JsonNode pre = o.path("preconditions");
        String uid = Json.text(pre, "uid");
        String rv = Json.text(pre, "resourceVersion");
        String propagation = Json.text(o, "propagationPolicy");
        if (propagation == null && o.hasNonNull("orphanDependents")) {
            propagation = o.get("orphanDependents").asBoolean() ? "Orphan" : "Background";
        }
        boolean dr = dryRun;
        for (JsonNode d : o.path("dryRun")) {
            dr |= "All".equals(d.asText());
        }
        return new DeleteOptions(grace, uid, rv, propagation, dr);
    }
}
