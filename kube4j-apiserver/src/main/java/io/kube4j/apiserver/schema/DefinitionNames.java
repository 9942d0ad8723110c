package io.kube4j.apiserver.schema;

import java.util.Map;
import java.util.Set;

/**
 * Maps fabric8 model classes to upstream's OpenAPI definition names
 * ({@code io.k8s.api.core.v1.Pod}, {@code io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta}). The name
 * follows from the fabric8 package and class name; a few packages and the meta/v1 types that
 * fabric8 keeps beside core/v1 need a table. Stateless and thread-safe.
 */
public final class DefinitionNames {
    static final String MODEL = "io.fabric8.kubernetes.api.model";
    private static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";

    /** fabric8 keeps these meta/v1 types in the core package. */
    private static final Set<String> META_TYPES = Set.of("ObjectMeta", "ListMeta", "LabelSelector",
            "LabelSelectorRequirement", "OwnerReference", "ManagedFieldsEntry", "FieldsV1", "Status", "StatusDetails",
            "StatusCause", "DeleteOptions", "Preconditions", "WatchEvent", "Condition", "APIGroup", "APIGroupList",
            "APIResource", "APIResourceList", "APIVersions", "GroupVersionForDiscovery", "ServerAddressByClientCIDR",
            "GetOptions", "ListOptions", "PatchOptions", "CreateOptions", "UpdateOptions", "TypeMeta", "RootPaths",
            "MicroTime", "Time", "Patch");

    /** Whole-name exceptions: types that live outside meta/v1 upstream. */
    private static final Map<String, String> SPECIAL = Map.of(
            MODEL + ".Quantity", "io.k8s.apimachinery.pkg.api.resource.Quantity",
            MODEL + ".IntOrString", "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
            MODEL + ".runtime.RawExtension", "io.k8s.apimachinery.pkg.runtime.RawExtension",
            MODEL + ".version.Info", "io.k8s.apimachinery.pkg.version.Info");

    /** fabric8 sub-packages whose upstream group package is named differently. */
    private static final Map<String, String> GROUP_PACKAGES = Map.of(
            "apiextensions", "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions",
            "storageclass", "io.k8s.api.storage");

    private DefinitionNames() {
    }

    /** The upstream definition name for a fabric8 model class; other classes keep their Java name. */
    public static String of(Class<?> type) {
        String fqcn = type.getName().replace('$', '.');
        String special = SPECIAL.get(fqcn);
        if (special != null) {
            return special;
        }
        String pkg = type.getPackageName();
        String simple = type.getSimpleName();
        if (pkg.equals(MODEL)) {
            return (META_TYPES.contains(simple) ? META : "io.k8s.api.core.v1.") + simple;
        }
        if (!pkg.startsWith(MODEL + ".")) {
            return fqcn;
        }
        String[] parts = pkg.substring(MODEL.length() + 1).split("\\.");
        String group = parts[0];
        String version = parts.length > 1 ? parts[1] : "v1";
        String base = GROUP_PACKAGES.getOrDefault(group, "io.k8s.api." + group);
        return base + "." + version + "." + simple;
    }

    /** The last dotted segment of a definition name: {@code Pod} for {@code io.k8s.api.core.v1.Pod}. */
    public static String shortName(String definition) {
        return definition.substring(definition.lastIndexOf('.') + 1);
    }
}
