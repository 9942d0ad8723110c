package io.kube4j.apiserver.registry;

import java.util.List;
import java.util.Set;

/**
 * What the API says about one served resource: its group/version/kind, plural and singular names,
 * scope, short names, categories, verbs and subresources. Drives routing, discovery, OpenAPI and
 * storage keys.
 */
public record ResourceInfo(String group, String version, String resource, String kind, String singular,
                           boolean namespaced, List<String> shortNames, List<String> categories,
                           Set<String> verbs, Set<String> subresources) {

    public static final Set<String> ALL_VERBS = Set.of("create", "delete", "deletecollection", "get", "list",
            "patch", "update", "watch");

    public ResourceInfo {
        shortNames = List.copyOf(shortNames);
        categories = List.copyOf(categories);
        verbs = Set.copyOf(verbs);
        subresources = Set.copyOf(subresources);
    }

    public static Builder builder(String group, String version, String resource, String kind) {
        return new Builder(group, version, resource, kind);
    }

    /** {@code v1} for the core group, {@code apps/v1} otherwise. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** {@code pods} or {@code deployments.apps}: how errors name the resource. */
    public String qualifiedResource() {
        return group.isEmpty() ? resource : resource + "." + group;
    }

    public String listKind() {
        return kind + "List";
    }

    /** Fluent builder; defaults are namespaced, all verbs, no short names, no subresources. */
    public static final class Builder {
        private final String group;
        private final String version;
        private final String resource;
        private final String kind;
        private String singular;
        private boolean namespaced = true;
        private List<String> shortNames = List.of();
        private List<String> categories = List.of();
        private Set<String> verbs = ALL_VERBS;
        private Set<String> subresources = Set.of();

        private Builder(String group, String version, String resource, String kind) {
            this.group = group;
            this.version = version;
            this.resource = resource;
            this.kind = kind;
            this.singular = kind.toLowerCase();
        }

        public Builder clusterScoped() {
            this.namespaced = false;
            return this;
        }

        public Builder shortNames(String... names) {
            this.shortNames = List.of(names);
            return this;
        }

        public Builder categories(String... c) {
            this.categories = List.of(c);
            return this;
        }

        public Builder verbs(String... v) {
            this.verbs = Set.of(v);
            return this;
        }

        public Builder subresources(String... s) {
            this.subresources = Set.of(s);
            return this;
        }

        public ResourceInfo build() {
            return new ResourceInfo(group, version, resource, kind, singular, namespaced, shortNames, categories,
                    verbs, subresources);
        }
    }
}
