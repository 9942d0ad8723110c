package io.kube4j.apiserver.endpoints;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a resource request asks, parsed from its path and method the way upstream's
 * RequestInfoFactory does: {@code /api/v1/namespaces/NS/RESOURCE/NAME/SUBRESOURCE} and
 * {@code /apis/GROUP/VERSION/...}.
 *
 * @param verb one of get, list, watch, create, update, patch, delete, deletecollection
 */
public record RequestInfo(String group, String version, String namespace, String resource, String name,
                          String subresource, String verb) {
    private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

    /** Parses a resource path; null when the path is not one (e.g. {@code /api/v1} itself). */
    public static RequestInfo parse(String method, String path, boolean watchParam) {
        List<String> parts = new ArrayList<>();
        for (String p : path.split("/")) {
            if (!p.isEmpty()) {
                parts.add(p);
            }
        }
        String group;
        String version;
        int i;
        if (parts.size() >= 2 && parts.get(0).equals("api")) {
            group = "";
            version = parts.get(1);
            i = 2;
        } else if (parts.size() >= 3 && parts.get(0).equals("apis")) {
            group = parts.get(1);
            version = parts.get(2);
            i = 3;
        } else {
            return null;
        }
        List<String> rest = parts.subList(i, parts.size());
        if (rest.isEmpty()) {
            return null;
        }
        boolean watchPath = false;
        if (rest.get(0).equals("watch")) {
            watchPath = true;
            rest = rest.subList(1, rest.size());
        }
        String namespace = null;
        if (!rest.isEmpty() && rest.get(0).equals("namespaces") && rest.size() > 1) {
            namespace = rest.get(1);
            if (rest.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(rest.get(2))) {
                rest = rest.subList(2, rest.size());
            } else {
                // the namespace object itself: /namespaces/NAME[/status]
                return new RequestInfo(group, version, null, "namespaces", namespace,
                        rest.size() > 2 ? rest.get(2) : null, verb(method, true, watchPath || watchParam));
            }
        }
        if (rest.isEmpty() || rest.size() > 3) {
            return null;
        }
        String resource = rest.get(0);
        String name = rest.size() > 1 ? rest.get(1) : null;
        String sub = rest.size() > 2 ? rest.get(2) : null;
        return new RequestInfo(group, version, namespace, resource, name, sub,
                verb(method, name != null, watchPath || watchParam));
    }

    private static String verb(String method, boolean named, boolean watch) {
        return switch (method) {
            case "GET", "HEAD" -> watch ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method.toLowerCase();
        };
    }
}
