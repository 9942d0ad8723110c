package io.kube4j.apiserver.openapi;

import java.util.List;
import java.util.Map;

/**
 * One API path and its operations, independent of the OpenAPI version that renders it. Immutable.
 *
 * @param pathParams parameters every operation of the path takes ({@code name}, {@code namespace}, {@code pretty})
 */
record PathItem(String path, List<Param> pathParams, List<Operation> operations) {

    /** A request parameter: {@code in} is {@code path} or {@code query}; {@code type} a JSON schema type. */
    record Param(String name, String in, String type, boolean required) {
        static Param query(String name, String type) {
            return new Param(name, "query", type, false);
        }
    }

    /** The group, version and kind an operation works on, as {@code x-kubernetes-group-version-kind}. */
    record Gvk(String group, String version, String kind) {
    }

    /**
     * One operation.
     *
     * @param method    lower-case HTTP method
     * @param action    {@code x-kubernetes-action}: get, list, watch, watchlist, post, put, patch, delete, deletecollection
     * @param body      definition name of the request body, or null
     * @param consumes  request media types (patch types for PATCH)
     * @param responses status code to definition name of the response body
     */
    record Operation(String method, String action, String operationId, String tag, List<Param> params, String body,
                     List<String> consumes, Map<String, String> responses, Gvk gvk) {
    }
}
