package io.kube4j.apiserver.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.registry.ResourceInfo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Builds the discovery documents: the legacy {@code /api}, {@code /apis}, per-group and
 * per-group-version lists, and the aggregated {@code apidiscovery.k8s.io/v2} form that kubectl
 * asks for first. Documents are computed once, as the registry is fixed after start.
 */
public final class Discovery {
    public static final String AGGREGATED_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    public static final String AGGREGATED_V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

    private final Registry registry;
    private final Map<String, List<ResourceInfo>> byGroupVersion = new LinkedHashMap<>();
    private final Map<String, List<String>> versionsByGroup = new LinkedHashMap<>();

    public Discovery(Registry registry) {
        this.registry = registry;
        for (Registry.Entry e : registry.entries()) {
            ResourceInfo i = e.info();
            byGroupVersion.computeIfAbsent(i.apiVersion(), k -> new ArrayList<>()).add(i);
            List<String> vs = versionsByGroup.computeIfAbsent(i.group(), k -> new ArrayList<>());
            if (!vs.contains(i.version())) {
                vs.add(i.version());
            }
        }
    }

    /** {@code /api}: the legacy core versions. */
    public ObjectNode apiVersions(String serverAddress) {
        ObjectNode o = Json.object();
        o.put("kind", "APIVersions");
        ArrayNode vs = o.putArray("versions");
        versionsByGroup.getOrDefault("", List.of()).forEach(vs::add);
        ArrayNode addrs = o.putArray("serverAddressByClientCIDRs");
        ObjectNode a = addrs.addObject();
        a.put("clientCIDR", "0.0.0.0/0");
        a.put("serverAddress", serverAddress);
        return o;
    }

    /** {@code /apis}: every named group. */
    public ObjectNode apiGroupList() {
        ObjectNode o = Json.object();
        o.put("kind", "APIGroupList");
        o.put("apiVersion", "v1");
        ArrayNode groups = o.putArray("groups");
        for (String g : versionsByGroup.keySet()) {
            if (!g.isEmpty()) {
                groups.add(apiGroup(g));
            }
        }
        return o;
    }

    /** {@code /apis/GROUP}, or null for an unknown group. */
    public ObjectNode apiGroup(String group) {
        List<String> versions = versionsByGroup.get(group);
        if (versions == null || group.isEmpty()) {
            return null;
        }
        ObjectNode g = Json.object();
        g.put("kind", "APIGroup");
        g.put("apiVersion", "v1");
        g.put("name", group);
        ArrayNode vs = g.putArray("versions");
        for (String v : versions) {
            ObjectNode vn = vs.addObject();
            vn.put("groupVersion", group + "/" + v);
            vn.put("version", v);
        }
        ObjectNode pref = g.putObject("preferredVersion");
        pref.put("groupVersion", group + "/" + versions.get(0));
        pref.put("version", versions.get(0));
        return g;
    }

    /** {@code /api/v1} or {@code /apis/GROUP/VERSION}, or null when not served. */
    public ObjectNode apiResourceList(String groupVersion) {
        List<ResourceInfo> infos = byGroupVersion.get(groupVersion);
        if (infos == null) {
            return null;
        }
        ObjectNode o = Json.object();
        o.put("kind", "APIResourceList");
        o.put("apiVersion", "v1");
        o.put("groupVersion", groupVersion);
        ArrayNode rs = o.putArray("resources");
        for (ResourceInfo i : infos) {
            ObjectNode r = rs.addObject();
            r.put("name", i.resource());
            r.put("singularName", i.singular());
            r.put("namespaced", i.namespaced());
            r.put("kind", i.kind());
            verbs(r.putArray("verbs"), i.verbs());
            shortNamesAndCategories(r, i);
            r.put("storageVersionHash", storageVersionHash(i));
            for (String sub : new TreeSet<>(i.subresources())) {
                ObjectNode s = rs.addObject();
                s.put("name", i.resource() + "/" + sub);
                s.put("singularName", "");
                s.put("namespaced", i.namespaced());
                SubresourceKind sk = subresourceKind(i, sub);
                if (!sk.group().equals(i.group()) || !sk.version().equals(i.version())) {
                    s.put("group", sk.group());
                    s.put("version", sk.version());
                }
                s.put("kind", sk.kind());
                verbs(s.putArray("verbs"), sk.verbs());
            }
        }
        return o;
    }

    /** The aggregated document for {@code /api} ({@code core} true) or {@code /apis}. */
    public ObjectNode aggregated(boolean core, String version) {
        ObjectNode o = Json.object();
        o.put("kind", "APIGroupDiscoveryList");
        o.put("apiVersion", "apidiscovery.k8s.io/" + version);
        o.putObject("metadata");
        ArrayNode items = o.putArray("items");
        for (Map.Entry<String, List<String>> g : versionsByGroup.entrySet()) {
            if (core != g.getKey().isEmpty()) {
                continue;
            }
            ObjectNode item = items.addObject();
            ObjectNode meta = item.putObject("metadata");
            meta.put("name", g.getKey());
            meta.put("creationTimestamp", (String) null);
            ArrayNode versions = item.putArray("versions");
            for (String v : g.getValue()) {
                ObjectNode vn = versions.addObject();
                vn.put("version", v);
                ArrayNode resources = vn.putArray("resources");
                String gv = g.getKey().isEmpty() ? v : g.getKey() + "/" + v;
                for (ResourceInfo i : byGroupVersion.get(gv)) {
                    ObjectNode r = resources.addObject();
                    r.put("resource", i.resource());
                    ObjectNode rk = r.putObject("responseKind");
                    rk.put("group", i.group());
                    rk.put("version", i.version());
                    rk.put("kind", i.kind());
                    r.put("scope", i.namespaced() ? "Namespaced" : "Cluster");
                    r.put("singularResource", i.singular());
                    verbs(r.putArray("verbs"), i.verbs());
                    shortNamesAndCategories(r, i);
                    if (!i.subresources().isEmpty()) {
                        ArrayNode subs = r.putArray("subresources");
                        for (String sub : new TreeSet<>(i.subresources())) {
                            SubresourceKind sk = subresourceKind(i, sub);
                            ObjectNode s = subs.addObject();
                            s.put("subresource", sub);
                            ObjectNode sr = s.putObject("responseKind");
                            sr.put("group", sk.group());
                            sr.put("version", sk.version());
                            sr.put("kind", sk.kind());
                            verbs(s.putArray("verbs"), sk.verbs());
                        }
                    }
                }
                vn.put("freshness", "Current");
            }
        }
        return o;
    }

    private record SubresourceKind(String group, String version, String kind, List<String> verbs) {
    }

    private static SubresourceKind subresourceKind(ResourceInfo i, String sub) {
        return switch (sub) {
            case "scale" -> new SubresourceKind("autoscaling", "v1", "Scale", List.of("get", "patch", "update"));
            case "binding" -> new SubresourceKind("", "v1", "Binding", List.of("create"));
            case "eviction" -> new SubresourceKind("policy", "v1", "Eviction", List.of("create"));
            case "log" -> new SubresourceKind("", "v1", "Pod", List.of("get"));
            case "exec", "attach", "portforward" -> new SubresourceKind("", "v1", "Pod" + capital(sub) + "Options",
                    List.of("create", "get"));
            case "proxy" -> new SubresourceKind("", "v1", i.kind() + "ProxyOptions",
                    List.of("create", "delete", "get", "patch", "update"));
            case "finalize" -> new SubresourceKind(i.group(), i.version(), i.kind(), List.of("update"));
            case "token" -> new SubresourceKind("authentication.k8s.io", "v1", "TokenRequest", List.of("create"));
            case "ephemeralcontainers", "resize" -> new SubresourceKind(i.group(), i.version(), i.kind(),
                    List.of("get", "patch", "update"));
            default -> new SubresourceKind(i.group(), i.version(), i.kind(), List.of("get", "patch", "update"));
        };
    }

    private static String capital(String s) {
        return switch (s) {
            case "portforward" -> "PortForward";
            default -> Character.toUpperCase(s.charAt(0)) + s.substring(1);
        };
    }

    private static void shortNamesAndCategories(ObjectNode r, ResourceInfo i) {
        if (!i.shortNames().isEmpty()) {
            ArrayNode sn = r.putArray("shortNames");
            i.shortNames().forEach(sn::add);
        }
        if (!i.categories().isEmpty()) {
            ArrayNode c = r.putArray("categories");
            i.categories().forEach(c::add);
        }
    }

    private static void verbs(ArrayNode arr, java.util.Collection<String> verbs) {
        new TreeSet<>(verbs).forEach(arr::add);
    }

    private static String storageVersionHash(ResourceInfo i) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest((i.group() + "/" + i.version() + "/" + i.kind()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(d, 8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Registry registry() {
        return registry;
    }
}
