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
 * Upstream's DefaultStorageClass admission: a new PersistentVolumeClaim whose {@code spec.storageClassName} is
 * absent (not {@code ""}, which asks for a class-less volume) and that has no legacy
 * {@code volume.beta.kubernetes.io/storage-class} annotation gets the default StorageClass, the one annotated
 * {@code storageclass.kubernetes.io/is-default-class: "true"}; with several defaults the newest wins. Called by every
 * Store on writes; stateless and thread-safe (reads StorageClasses from the registry on each claim create).
 */
public final class DefaultStorageClass implements AdmissionPlugin {
    static final String DEFAULT_ANNOTATION = "storageclass.kubernetes.io/is-default-class";
    static final String BETA_DEFAULT_ANNOTATION = "storageclass.beta.kubernetes.io/is-default-class";
    static final String BETA_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";

    private final Registry registry;

    public DefaultStorageClass(Registry registry) {
        this.registry = registry;
    }

    @Override
    public void admit(Operation operation, ResourceInfo resource, String namespace, ObjectNode obj, ObjectNode old) {
        if (operation != Operation.CREATE || !resource.group().isEmpty()
                || !resource.resource().equals("persistentvolumeclaims")) {
            return;
        }
        JsonNode className = Json.at(obj, "spec", "storageClassName");
        JsonNode legacy = Json.at(obj, "metadata", "annotations", BETA_CLASS_ANNOTATION);
        if ((className != null && !className.isNull()) || (legacy != null && !legacy.isNull())) {
            return;
        }
        defaultClass(registry.store("storage.k8s.io", "storageclasses").list(null, ListOptions.all()).items())
                .ifPresent(name -> Json.with(obj, "spec").put("storageClassName", name));
    }

    /** The default class among {@code classes}: the newest of those marked default (ties: by name). */
    static Optional<String> defaultClass(List<ObjectNode> classes) {
        return classes.stream()
                .filter(c -> "true".equals(Json.text(Json.at(c, "metadata", "annotations"), DEFAULT_ANNOTATION))
                        || "true".equals(Json.text(Json.at(c, "metadata", "annotations"), BETA_DEFAULT_ANNOTATION)))
                .max(Comparator.comparing((ObjectNode c) -> Json.text(c.get("metadata"), "creationTimestamp"),
                                Comparator.nullsFirst(Comparator.naturalOrder()))
                        .thenComparing(c -> Json.text(c.get("metadata"), "name"), Comparator.reverseOrder()))
                .map(c -> Json.text(c.get("metadata"), "name"));
    }
}
