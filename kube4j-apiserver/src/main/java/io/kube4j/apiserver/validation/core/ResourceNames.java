package io.kube4j.apiserver.validation.core;

import java.util.Set;

/** Upstream's lists of standard resource names (pkg/apis/core/helper). Stateless and thread-safe. */
public final class ResourceNames {
    private static final Set<String> STANDARD = Set.of("cpu", "memory", "ephemeral-storage", "requests.cpu",
            "requests.memory", "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage",
            "pods", "resourcequotas", "services", "replicationcontrollers", "secrets", "configmaps",
            "persistentvolumeclaims", "storage", "requests.storage", "services.nodeports", "services.loadbalancers");
    private static final Set<String> QUOTA = Set.of("cpu", "memory", "ephemeral-storage", "requests.cpu",
            "requests.memory", "requests.storage", "requests.ephemeral-storage", "limits.cpu", "limits.memory",
            "limits.ephemeral-storage", "pods", "resourcequotas", "services", "replicationcontrollers", "secrets",
            "persistentvolumeclaims", "configmaps", "services.nodeports", "services.loadbalancers");
    private static final Set<String> INTEGER = Set.of("pods", "resourcequotas", "services", "replicationcontrollers",
            "secrets", "configmaps", "persistentvolumeclaims", "services.nodeports", "services.loadbalancers");

    private ResourceNames() {
    }

    private static boolean hugePages(String name) {
        return name.startsWith("hugepages-") || name.startsWith("requests.hugepages-");
    }

    public static boolean isStandardResourceName(String name) {
        return STANDARD.contains(name) || hugePages(name);
    }

    public static boolean isStandardContainerResourceName(String name) {
        return name.equals("cpu") || name.equals("memory") || name.equals("ephemeral-storage") || name.startsWith("hugepages-");
    }

    public static boolean isStandardQuotaResourceName(String name) {
        return QUOTA.contains(name) || hugePages(name) || name.startsWith("count/");
    }

    /** Resources counted in whole units: object counts and extended resources. */
    public static boolean isIntegerResource(String name) {
        return INTEGER.contains(name) || name.startsWith("count/")
                || (name.contains("/") && !name.contains("kubernetes.io/") && !name.startsWith("requests."));
    }
}
