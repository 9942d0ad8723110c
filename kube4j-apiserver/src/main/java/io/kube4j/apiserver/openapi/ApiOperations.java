package io.kube4j.apiserver.openapi;

import io.kube4j.apiserver.openapi.PathItem.Gvk;
import io.kube4j.apiserver.openapi.PathItem.Operation;
import io.kube4j.apiserver.openapi.PathItem.Param;
import io.kube4j.apiserver.registry.ResourceInfo;
import io.kube4j.apiserver.schema.SchemaCatalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lists the paths and operations of the resources of one group version the way upstream's
 * documents lay them out: collection, item, status and scale subresources, and the deprecated watch
 * paths, each operation with its query parameters (kubectl looks for {@code fieldValidation} on
 * PATCH before it sends {@code fieldValidation=Strict}). Stateless; thread-safe.
 */
final class ApiOperations {
    static final String STATUS = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
    static final String DELETE_OPTIONS = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions";
    static final String WATCH_EVENT = "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent";
    static final String PATCH = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
    static final String SCALE = "io.k8s.api.autoscaling.v1.Scale";
    static final List<String> PATCH_TYPES = List.of("application/apply-patch+yaml", "application/json-patch+json",
            "application/merge-patch+json", "application/strategic-merge-patch+json");

    private static final Param NAME = new Param("name", "path", "string", true);
    private static final Param NAMESPACE = new Param("namespace", "path", "string", true);
    private static final Param PRETTY = Param.query("pretty", "string");
    private static final List<Param> LIST = List.of(Param.query("allowWatchBookmarks", "boolean"),
            Param.query("continue", "string"), Param.query("fieldSelector", "string"),
            Param.query("labelSelector", "string"), Param.query("limit", "integer"),
            Param.query("resourceVersion", "string"), Param.query("resourceVersionMatch", "string"),
            Param.query("sendInitialEvents", "boolean"), Param.query("timeoutSeconds", "integer"),
            Param.query("watch", "boolean"));
    private static final List<Param> WRITE = List.of(Param.query("dryRun", "string"),
            Param.query("fieldManager", "string"), Param.query("fieldValidation", "string"));
    private static final List<Param> PATCH_PARAMS = List.of(Param.query("dryRun", "string"),
            Param.query("fieldManager", "string"), Param.query("fieldValidation", "string"),
            Param.query("force", "boolean"));
    private static final List<Param> DELETE = List.of(Param.query("dryRun", "string"),
            Param.query("gracePeriodSeconds", "integer"),
            Param.query("ignoreStoreReadErrorWithClusterBreakingPotential", "boolean"),
            Param.query("orphanDependents", "boolean"), Param.query("propagationPolicy", "string"));
    private static final List<Param> DELETE_COLLECTION = List.of(Param.query("continue", "string"),
            Param.query("dryRun", "string"), Param.query("fieldSelector", "string"),
            Param.query("gracePeriodSeconds", "integer"),
            Param.query("ignoreStoreReadErrorWithClusterBreakingPotential", "boolean"),
            Param.query("labelSelector", "string"), Param.query("limit", "integer"),
            Param.query("orphanDependents", "boolean"), Param.query("propagationPolicy", "string"),
            Param.query("resourceVersion", "string"), Param.query("resourceVersionMatch", "string"),
            Param.query("sendInitialEvents", "boolean"), Param.query("timeoutSeconds", "integer"));

    private ApiOperations() {
    }

    /** The paths of the given resources, which all belong to one group version, in path order. */
    static List<PathItem> paths(List<ResourceInfo> resources, SchemaCatalog catalog) {
        Map<String, PathItem> out = new java.util.TreeMap<>();
        for (ResourceInfo r : resources) {
            addResource(out, r, catalog);
        }
        return new ArrayList<>(out.values());
    }

    /** {@code /api/v1} or {@code /apis/apps/v1}. */
    static String prefix(String group, String version) {
        return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    }

    /** Upstream's tag: {@code core_v1}, {@code apps_v1}, {@code rbacAuthorization_v1}. */
    static String tag(String group, String version) {
        return groupWord(group) + "_" + version;
    }

    private static String groupWord(String group) {
        if (group.isEmpty()) {
            return "core";
        }
        String g = group.endsWith(".k8s.io") ? group.substring(0, group.length() - ".k8s.io".length()) : group;
        String[] parts = g.split("\\.");
        StringBuilder sb = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            sb.append(capitalize(parts[i]));
        }
        return sb.toString();
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static void addResource(Map<String, PathItem> out, ResourceInfo r, SchemaCatalog catalog) {
        String prefix = prefix(r.group(), r.version());
        String kindDef = catalog.definitionOf(r.group(), r.version(), r.kind());
        String listDef = catalog.definitionOf(r.group(), r.version(), r.listKind());
        Gvk gvk = new Gvk(r.group(), r.version(), r.kind());
        String tag = tag(r.group(), r.version());
        // operationId words: listCoreV1NamespacedPod, patchAppsV1NamespacedDeploymentStatus
        String gv = capitalize(groupWord(r.group())) + capitalize(r.version());
        String scope = r.namespaced() ? "Namespaced" : "";
        String collection = prefix + (r.namespaced() ? "/namespaces/{namespace}/" : "/") + r.resource();
        List<Param> collParams = r.namespaced() ? List.of(NAMESPACE, PRETTY) : List.of(PRETTY);
        List<Param> itemParams = r.namespaced() ? List.of(NAME, NAMESPACE, PRETTY) : List.of(NAME, PRETTY);
        var verbs = r.verbs();

        List<Operation> coll = new ArrayList<>();
        if (verbs.contains("list")) {
            coll.add(op("get", "list", "list" + gv + scope + r.kind(), tag, LIST, null, List.of(),
                    responses("200", listDef), gvk));
        }
        if (verbs.contains("create")) {
            coll.add(op("post", "post", "create" + gv + scope + r.kind(), tag, WRITE, kindDef, List.of(),
                    responses("200", kindDef, "201", kindDef, "202", kindDef), gvk));
        }
        if (verbs.contains("deletecollection")) {
            coll.add(op("delete", "deletecollection", "deletecollection" + gv + scope + r.kind(), tag,
                    DELETE_COLLECTION, DELETE_OPTIONS, List.of(), responses("200", STATUS), gvk));
        }
        put(out, collection, collParams, coll);

        List<Operation> item = new ArrayList<>();
        if (verbs.contains("get")) {
            item.add(op("get", "get", "read" + gv + scope + r.kind(), tag, List.of(), null, List.of(),
                    responses("200", kindDef), gvk));
        }
        if (verbs.contains("update")) {
            item.add(op("put", "put", "replace" + gv + scope + r.kind(), tag, WRITE, kindDef, List.of(),
                    responses("200", kindDef, "201", kindDef), gvk));
        }
        if (verbs.contains("delete")) {
            item.add(op("delete", "delete", "delete" + gv + scope + r.kind(), tag, DELETE, DELETE_OPTIONS,
                    List.of(), responses("200", kindDef, "202", kindDef), gvk));
        }
        if (verbs.contains("patch")) {
            item.add(op("patch", "patch", "patch" + gv + scope + r.kind(), tag, PATCH_PARAMS, PATCH,
                    patchTypes(kindDef), responses("200", kindDef, "201", kindDef), gvk));
        }
        put(out, collection + "/{name}", itemParams, item);

        if (r.subresources().contains("status")) {
            put(out, collection + "/{name}/status", itemParams, subresourceOps(gv + scope + r.kind() + "Status", tag,
                    kindDef, gvk));
        }
        if (r.subresources().contains("scale")) {
            put(out, collection + "/{name}/scale", itemParams, subresourceOps(gv + scope + r.kind() + "Scale", tag,
                    SCALE, new Gvk("autoscaling", "v1", "Scale")));
        }

        if (verbs.contains("watch")) {
            String watch = prefix + "/watch" + (r.namespaced() ? "/namespaces/{namespace}/" : "/") + r.resource();
            put(out, watch, withList(collParams), List.of(op("get", "watchlist",
                    "watch" + gv + scope + r.kind() + "List", tag, List.of(), null, List.of(),
                    responses("200", WATCH_EVENT), gvk)));
            put(out, watch + "/{name}", withList(itemParams), List.of(op("get", "watch",
                    "watch" + gv + scope + r.kind(), tag, List.of(), null, List.of(), responses("200", WATCH_EVENT),
                    gvk)));
            if (r.namespaced()) {
                put(out, prefix + "/watch/" + r.resource(), withList(List.of(PRETTY)), List.of(op("get", "watchlist",
                        "watch" + gv + r.kind() + "ListForAllNamespaces", tag, List.of(), null, List.of(),
                        responses("200", WATCH_EVENT), gvk)));
            }
        }
        if (r.namespaced() && verbs.contains("list")) {
            put(out, prefix + "/" + r.resource(), withList(List.of(PRETTY)), List.of(op("get", "list",
                    "list" + gv + r.kind() + "ForAllNamespaces", tag, List.of(), null, List.of(),
                    responses("200", listDef), gvk)));
        }
    }

    private static List<Operation> subresourceOps(String idSuffix, String tag, String def, Gvk gvk) {
        return List.of(
                op("get", "get", "read" + idSuffix, tag, List.of(), null, List.of(), responses("200", def), gvk),
                op("put", "put", "replace" + idSuffix, tag, WRITE, def, List.of(), responses("200", def, "201", def),
                        gvk),
                op("patch", "patch", "patch" + idSuffix, tag, PATCH_PARAMS, PATCH, patchTypes(def),
                        responses("200", def, "201", def), gvk));
    }

    /** Custom resources take no strategic merge patch; every built-in kind with a schema does. */
    private static List<String> patchTypes(String def) {
        return def == null ? PATCH_TYPES.subList(0, 3) : PATCH_TYPES;
    }

    /** Watch paths take the list parameters at the path level, as upstream's do. */
    private static List<Param> withList(List<Param> params) {
        List<Param> out = new ArrayList<>(params);
        out.addAll(LIST);
        return out;
    }

    private static Operation op(String method, String action, String id, String tag, List<Param> params, String body,
                                List<String> consumes, Map<String, String> responses, Gvk gvk) {
        return new Operation(method, action, id, tag, params, body, consumes, responses, gvk);
    }

    /** Status code to definition pairs; a null definition (a kind without schema) answers a bare object. */
    private static Map<String, String> responses(String... codeAndDef) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < codeAndDef.length; i += 2) {
            m.put(codeAndDef[i], codeAndDef[i + 1]);
        }
        return m;
    }

    private static void put(Map<String, PathItem> out, String path, List<Param> params, List<Operation> ops) {
        if (!ops.isEmpty()) {
            out.put(path, new PathItem(path, params, ops));
        }
    }
}
