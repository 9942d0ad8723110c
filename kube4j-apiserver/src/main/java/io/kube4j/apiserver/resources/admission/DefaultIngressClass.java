package io.kube4j.apiserver.resources.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.registry.AdmissionPlugin;
import io.kube4j.apiserver.registry.ListOptions;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.registry.ResourceInfo;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Upstream's DefaultIngressClass admission: a new Ingress that names no class (neither
 * {@code spec.ingressClassName} nor the legacy {@code kubernetes.io/ingress.class} annotation) gets
 * the default IngressClass, the one annotated {@code ingressclass.kubernetes.io/is-default-class:
 * "true"}; with several defaults the most recently created wins. Called by every Store on writes;
 * stateless and thread-safe (reads IngressClasses from the registry on each Ingress create).
 */
public final class DefaultIngressClass implements AdmissionPlugin {
    static final String DEFAULT_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";
    static final String LEGACY_ANNOTATION = "kubernetes.io/ingress.class";

    private final Registry registry;

    public DefaultIngressClass(Registry registry) {
        this.registry = registry;
    }

    @Override
    public void admit(Operation operation, ResourceInfo resource, String namespace, ObjectNode obj, ObjectNode old) {
        if (operation != Operation.CREATE || !resource.group().equals("networking.k8s.io")
                || !resource.resource().equals("ingresses")) {
            return;
        }
        JsonNode className = Json.at(obj, "spec", "ingressClassName");
        JsonNode legacy = Json.at(obj, "metadata", "annotations", LEGACY_ANNOTATION);
        if ((className != null && !className.isNull()) || (legacy != null && !legacy.isNull())) {
            return;
        }
        defaultClass(registry.store("networking.k8s.io", "ingressclasses").list(null, ListOptions.all()).items())
                .ifPresent(name -> Json.with(obj, "spec").put("ingressClassName", name));
    }

    /** The default class among {@code classes}: the newest of those marked default (ties: by name). */
    static Optional<String> defaultClass(List<ObjectNode> classes) {
        return classes.stream()
                .filter(c -> "true".equals(Json.text(Json.at(c, "metadata", "annotations"), DEFAULT_ANNOTATION)))
                .max(Comparator.comparing((ObjectNode c) -> Json.text(c.get("metadata"), "creationTimestamp"),
                                Comparator.nullsFirst(Comparator.naturalOrder()))
                        .thenComparing(c -> Json.text(c.get("metadata"), "name"), Comparator.reverseOrder()))
                .map(c -> Json.text(c.get("metadata"), "name"));
    }
}
