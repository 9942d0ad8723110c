package io.kube4j.apiserver.endpoints;

import io.kube4j.apimachinery.errors.StatusException;

/**
 * Content negotiation for responses: plain JSON or YAML, or a server-side {@code Table} or
 * {@code PartialObjectMetadata} rendering as {@code application/json;as=Table;v=v1;g=meta.k8s.io}
 * requests it.
 */
public final class MediaTypes {
    public static final String JSON = "application/json";
    public static final String YAML = "application/yaml";

    /** What a response carries. {@code version} is the meta.k8s.io version for Table output. */
    public record Target(Kind kind, String version, String contentType) {
    }

    public enum Kind { OBJECT, TABLE, PARTIAL_METADATA, PARTIAL_METADATA_LIST }

    private MediaTypes() {
    }

    /** Picks the first acceptable rendering from an Accept header; 406 when none is. */
    public static Target negotiate(String accept, boolean list) {
        return negotiate(accept, list ? Kind.PARTIAL_METADATA_LIST : Kind.PARTIAL_METADATA);
    }

    /**
     * The rendering of each event of a watch. As upstream's metadata client asks, a watch carries one
     * {@code PartialObjectMetadata} per event ({@code as=PartialObjectMetadata}); the list form does not apply.
     */
    public static Target negotiateWatch(String accept) {
        return negotiate(accept, Kind.PARTIAL_METADATA);
    }

    private static Target negotiate(String accept, Kind partial) {
        if (accept == null || accept.isBlank()) {
            return new Target(Kind.OBJECT, null, JSON);
        }
        for (String part : accept.split(",")) {
            String[] params = part.strip().split(";");
            String type = params[0].strip().toLowerCase();
            String as = null;
            String v = null;
            String g = null;
            for (int i = 1; i < params.length; i++) {
                String[] kv = params[i].strip().split("=", 2);
                if (kv.length == 2) {
                    switch (kv[0].strip()) {
                        case "as" -> as = kv[1].strip();
                        case "v" -> v = kv[1].strip();
                        case "g" -> g = kv[1].strip();
                        default -> {
                        }
                    }
                }
            }
            boolean json = type.equals(JSON) || type.equals("*/*") || type.equals("application/*");
            if (as != null) {
                if (!json || !"meta.k8s.io".equals(g) || !("v1".equals(v) || "v1beta1".equals(v))) {
                    continue;
                }
                if (as.equals("Table")) {
                    return new Target(Kind.TABLE, v, JSON);
                }
                if (as.equals("PartialObjectMetadata") && partial == Kind.PARTIAL_METADATA) {
                    return new Target(Kind.PARTIAL_METADATA, v, JSON);
                }
                if (as.equals("PartialObjectMetadataList") && partial == Kind.PARTIAL_METADATA_LIST) {
                    return new Target(Kind.PARTIAL_METADATA_LIST, v, JSON);
                }
                continue;
            }
            if (json) {
                return new Target(Kind.OBJECT, null, JSON);
            }
            if (type.equals(YAML) || type.equals("application/yml") || type.equals("text/yaml")) {
                return new Target(Kind.OBJECT, null, YAML);
            }
        }
        throw StatusException.notAcceptable("only the following media types are accepted: application/json, application/yaml");
    }
}
