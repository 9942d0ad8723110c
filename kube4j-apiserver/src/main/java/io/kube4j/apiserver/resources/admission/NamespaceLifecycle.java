package io.kube4j.apiserver.resources.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.errors.StatusReason;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.registry.AdmissionPlugin;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.registry.ResourceInfo;

import java.util.Set;

/**
 * Upstream's NamespaceLifecycle admission: objects may be created only in a namespace that exists
 * and is not terminating, and the system namespaces cannot be deleted.
 */
public final class NamespaceLifecycle implements AdmissionPlugin {
    private static final Set<String> IMMORTAL = Set.of("default", "kube-system", "kube-public");

    private final Registry registry;

    public NamespaceLifecycle(Registry registry) {
        this.registry = registry;
    }

    @Override
    public void admit(Operation operation, ResourceInfo resource, String namespace, ObjectNode obj, ObjectNode old) {
        if (resource.group().isEmpty() && resource.resource().equals("namespaces")) {
            if (operation == Operation.DELETE && IMMORTAL.contains(Json.text(obj.get("metadata"), "name"))) {
                throw StatusException.forbidden("", "namespaces", Json.text(obj.get("metadata"), "name"),
                        "this namespace may not be deleted");
            }
            return;
        }
        if (!resource.namespaced() || operation != Operation.CREATE) {
            return;
        }
        ObjectNode ns;
        try {
            ns = registry.store("", "namespaces").get(null, namespace);
        } catch (StatusException e) {
            if (e.reason() == StatusReason.NOT_FOUND) {
                throw StatusException.notFound("", "namespaces", namespace);
            }
            throw e;
        }
        JsonNode phase = Json.at(ns, "status", "phase");
        if (phase != null && phase.asText().equals("Terminating")) {
            String kindRes = resource.group().isEmpty() ? resource.resource() : resource.resource() + "." + resource.group();
            throw new StatusException(StatusReason.FORBIDDEN, 403,
                    kindRes + " \"" + Json.text(obj.get("metadata"), "name") + "\" is forbidden: unable to create new content in namespace "
                            + namespace + " because it is being terminated", resource.group(), resource.resource(),
                    Json.text(obj.get("metadata"), "name"), java.util.List.of(new StatusException.Cause(
                    "NamespaceTerminating", "namespace " + namespace + " is being terminated",
                    "metadata.namespace")), null);
        }
    }
}
