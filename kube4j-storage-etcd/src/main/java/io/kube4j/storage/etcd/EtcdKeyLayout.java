package io.kube4j.storage.etcd;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Maps kube4j's storage keys to etcd keys in upstream's layout, so {@code etcdctl get --prefix /registry/...}
 * shows what it shows for a real cluster. The API server stores objects under
 * {@code /registry/<group or core>/<resource>/[<namespace>/]<name>}; upstream keeps built-in resources under
 * {@code <prefix>/<resource>/...} (a few renamed: services are {@code services/specs}, nodes {@code minions}),
 * and custom resources and a few API groups under {@code <prefix>/<group>/<resource>/...}. Keys outside
 * {@code /registry/} (tests) are stored as {@code <prefix><key>}.
 *
 * <p>The mapping is a bijection: a group is only dropped when the etcd key maps back to it, so an unknown
 * built-in resource keeps its group rather than be read back under the wrong one. Immutable, thread-safe.
 */
final class EtcdKeyLayout {
    /** The root of every key the API server writes. */
    static final String ROOT = "/registry/";

    /** Built-in resources outside the core group that upstream stores without their group. */
    private static final Map<String, String> GROUP_OF = Map.ofEntries(
            Map.entry("deployments", "apps"), Map.entry("replicasets", "apps"), Map.entry("statefulsets", "apps"),
            Map.entry("daemonsets", "apps"), Map.entry("controllerrevisions", "apps"),
            Map.entry("jobs", "batch"), Map.entry("cronjobs", "batch"),
            Map.entry("horizontalpodautoscalers", "autoscaling"),
            Map.entry("poddisruptionbudgets", "policy"),
            Map.entry("leases", "coordination.k8s.io"),
            Map.entry("endpointslices", "discovery.k8s.io"),
            Map.entry("ingressclasses", "networking.k8s.io"), Map.entry("networkpolicies", "networking.k8s.io"),
            Map.entry("clusterroles", "rbac.authorization.k8s.io"),
            Map.entry("clusterrolebindings", "rbac.authorization.k8s.io"),
            Map.entry("roles", "rbac.authorization.k8s.io"), Map.entry("rolebindings", "rbac.authorization.k8s.io"),
            Map.entry("priorityclasses", "scheduling.k8s.io"),
            Map.entry("storageclasses", "storage.k8s.io"), Map.entry("csidrivers", "storage.k8s.io"),
            Map.entry("csinodes", "storage.k8s.io"), Map.entry("volumeattachments", "storage.k8s.io"),
            Map.entry("certificatesigningrequests", "certificates.k8s.io"),
            Map.entry("runtimeclasses", "node.k8s.io"),
            Map.entry("validatingwebhookconfigurations", "admissionregistration.k8s.io"),
            Map.entry("mutatingwebhookconfigurations", "admissionregistration.k8s.io"),
            Map.entry("flowschemas", "flowcontrol.apiserver.k8s.io"),
            Map.entry("prioritylevelconfigurations", "flowcontrol.apiserver.k8s.io"));

    /** Upstream's own names, as "group/resource" -> path under the prefix. */
    private static final Map<String, String> RENAMED = Map.of(
            "core/services", "services/specs",
            "core/endpoints", "services/endpoints",
            "core/nodes", "minions",
            "core/replicationcontrollers", "controllers",
            "networking.k8s.io/ingresses", "ingress");

    /** API groups without a dot; every other group name has one (custom resources must). */
    private static final Set<String> DOTLESS_GROUPS = Set.of("core", "apps", "batch", "autoscaling", "policy");

    private final String prefix;
    private final Map<String, String> renamedBack = new HashMap<>();

    EtcdKeyLayout(String prefix) {
        this.prefix = prefix;
        RENAMED.forEach((k, v) -> renamedBack.put(v, k));
    }

    String prefix() {
        return prefix;
    }

    /** The etcd key of a kube4j key. */
    String toEtcd(String key) {
        String[] gr = groupAndResource(key);
        if (gr == null) {
            return prefix + key;
        }
        String rest = key.substring(ROOT.length() + gr[0].length() + 1 + gr[1].length());
        return prefix + "/" + upstreamPath(gr[0], gr[1]) + rest;
    }

    /**
     * The etcd prefix to range or watch for a kube4j prefix. For a prefix that stops above a resource (the whole
     * registry, say) the etcd range is wider and callers filter with {@link #covers}.
     */
    String toEtcdPrefix(String kubePrefix) {
        if (isTranslated(kubePrefix)) {
            return toEtcd(kubePrefix);
        }
        if (kubePrefix.startsWith(ROOT)) {
            return prefix + "/";
        }
        return prefix + kubePrefix;
    }

    /** Whether results of the etcd range for {@code kubePrefix} keep kube4j's key order (paging works in etcd). */
    boolean keepsOrder(String kubePrefix) {
        return isTranslated(kubePrefix) || !kubePrefix.startsWith(ROOT);
    }

    /** Whether {@code kubeKey} is one a range or watch on {@code kubePrefix} must return. */
    static boolean covers(String kubePrefix, String kubeKey) {
        return kubeKey.startsWith(kubePrefix);
    }

    /** The kube4j key of an etcd key read through a range or watch on {@code kubePrefix}. */
    String fromEtcd(String etcdKey, String kubePrefix) {
        if (isTranslated(kubePrefix) || !kubePrefix.startsWith(ROOT)) {
            // the part after the mapped prefix is the same in both layouts
            return kubePrefix + etcdKey.substring(toEtcdPrefix(kubePrefix).length());
        }
        return fromEtcd(etcdKey);
    }

    /** The kube4j key of an etcd key under {@code <prefix>/}, in the registry layout. */
    String fromEtcd(String etcdKey) {
        String path = etcdKey.substring(prefix.length() + 1);
        for (Map.Entry<String, String> e : renamedBack.entrySet()) {
            if (path.startsWith(e.getKey() + "/")) {
                return ROOT + e.getValue() + path.substring(e.getKey().length());
            }
        }
        int slash = path.indexOf('/');
        String first = slash < 0 ? path : path.substring(0, slash);
        if (first.contains(".") || DOTLESS_GROUPS.contains(first)) {
            return ROOT + path;
        }
        return ROOT + GROUP_OF.getOrDefault(first, "core") + "/" + path;
    }

    /** A kube4j prefix naming at least a group and resource, which maps 1:1 onto an etcd prefix. */
    private static boolean isTranslated(String kubeKey) {
        return groupAndResource(kubeKey) != null;
    }

    /** [group, resource] of a key or prefix at or below {@code /registry/<group>/<resource>/}, else null. */
    private static String[] groupAndResource(String key) {
        if (!key.startsWith(ROOT)) {
            return null;
        }
        int g = key.indexOf('/', ROOT.length());
        if (g < 0) {
            return null;
        }
        int r = key.indexOf('/', g + 1);
        if (r < 0) {
            return null;
        }
        return new String[] {key.substring(ROOT.length(), g), key.substring(g + 1, r)};
    }

    private String upstreamPath(String group, String resource) {
        String renamed = RENAMED.get(group + "/" + resource);
        if (renamed != null) {
            return renamed;
        }
        String shortPath = resource;
        // drop the group only when the short form maps back to it
        String back = fromEtcd(prefix + "/" + shortPath + "/");
        if (back.equals(ROOT + group + "/" + resource + "/")) {
            return shortPath;
        }
        return group + "/" + resource;
    }
}
