package io.kube4j.apimachinery.errors;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.validation.FieldError;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The one exception family of kube4j. Each instance maps 1:1 to a {@code metav1.Status}; the
 * factory methods produce upstream's messages word for word.
 */
public class StatusException extends RuntimeException {
    private final StatusReason reason;
    private final int code;
    private final String group;
    private final String kind;
    private final String name;
    private final List<Cause> causes;
    private final Integer retryAfterSeconds;

    /** One entry of {@code details.causes}. */
    public record Cause(String reason, String message, String field) {
    }

    public StatusException(StatusReason reason, int code, String message, String group, String kind, String name,
                           List<Cause> causes, Integer retryAfterSeconds) {
        super(message, null, false, false);
        this.reason = reason;
        this.code = code;
        this.group = group;
        this.kind = kind;
        this.name = name;
        this.causes = causes == null ? List.of() : List.copyOf(causes);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public StatusException(StatusReason reason, String message) {
        this(reason, reason.code(), message, null, null, null, null, null);
    }

    /** {@code group} may be empty for the core group; {@code resource} is the plural resource name. */
    public static StatusException notFound(String group, String resource, String name) {
        return new StatusException(StatusReason.NOT_FOUND, 404,
                qualified(resource, group) + " \"" + name + "\" not found", group, resource, name, null, null);
    }

    public static StatusException alreadyExists(String group, String resource, String name) {
        return new StatusException(StatusReason.ALREADY_EXISTS, 409,
                qualified(resource, group) + " \"" + name + "\" already exists", group, resource, name, null, null);
    }

    public static StatusException conflict(String group, String resource, String name, String detail) {
        return new StatusException(StatusReason.CONFLICT, 409,
                "Operation cannot be fulfilled on " + qualified(resource, group) + " \"" + name + "\": " + detail,
                group, resource, name, null, null);
    }

    public static final String MODIFIED = "the object has been modified; please apply your changes to the latest version and try again";

    /** {@code kind} is the Kind (e.g. {@code Pod}), as upstream's Invalid errors use it. */
    public static StatusException invalid(String group, String kind, String name, List<FieldError> errors) {
        String list = errors.size() == 1 ? errors.get(0).toString()
                : "[" + errors.stream().map(FieldError::toString).collect(Collectors.joining(", ")) + "]";
        List<Cause> causes = errors.stream()
                .map(e -> new Cause(e.type().causeType(), e.body(), e.field()))
                .toList();
        return new StatusException(StatusReason.INVALID, 422,
                qualified(kind, group) + " \"" + name + "\" is invalid: " + list, group, kind, name, causes, null);
    }

    public static StatusException badRequest(String message) {
        return new StatusException(StatusReason.BAD_REQUEST, message);
    }

    public static StatusException forbidden(String group, String resource, String name, String detail) {
        String target = name == null || name.isEmpty() ? qualified(resource, group)
                : qualified(resource, group) + " \"" + name + "\"";
        return new StatusException(StatusReason.FORBIDDEN, 403, target + " is forbidden: " + detail,
                group, resource, name, null, null);
    }

    public static StatusException unauthorized() {
        return new StatusException(StatusReason.UNAUTHORIZED, "Unauthorized");
    }

    public static StatusException gone(String message) {
        return new StatusException(StatusReason.GONE, message);
    }

    public static StatusException methodNotSupported(String group, String resource, String verb) {
        return new StatusException(StatusReason.METHOD_NOT_ALLOWED, 405,
                verb + " is not supported on resources of kind \"" + qualified(resource, group) + "\"",
                group, resource, null, null, null);
    }

    public static StatusException notAcceptable(String message) {
        return new StatusException(StatusReason.NOT_ACCEPTABLE, message);
    }

    public static StatusException unsupportedMediaType(String contentType) {
        return new StatusException(StatusReason.UNSUPPORTED_MEDIA_TYPE, 415,
                "the body of the request was in an unknown format - accepted media types include: "
                        + "application/json, application/yaml, application/vnd.kubernetes.protobuf",
                null, null, null, null, null);
    }

    public static StatusException tooLarge(String message) {
        return new StatusException(StatusReason.REQUEST_ENTITY_TOO_LARGE, message);
    }

    public static StatusException tooManyRequests(String message, int retryAfter) {
        return new StatusException(StatusReason.TOO_MANY_REQUESTS, 429, message, null, null, null, null, retryAfter);
    }

    public static StatusException internal(String message) {
        return new StatusException(StatusReason.INTERNAL_ERROR, 500,
                "Internal error occurred: " + message, null, null, null, null, null);
    }

    /**
     * Upstream's 504 for a request that ran past its deadline (e.g. a storage call nobody answered): reason Timeout,
     * the message prefixed with "Timeout: ". The outcome of a write is then unknown to the client.
     */
    public static StatusException timeout(String message) {
        return new StatusException(StatusReason.TIMEOUT, 504, "Timeout: " + message, null, null, null, null, null);
    }

    /** A 500 that upstream reports with its bare message and no reason. */
    public static StatusException unknown(String message) {
        return new StatusException(StatusReason.UNKNOWN, 500, message, null, null, null, null, null);
    }

    /** Upstream's path-not-found: reason NotFound with "the server could not find the requested resource". */
    public static StatusException pathNotFound() {
        return new StatusException(StatusReason.NOT_FOUND, 404, "the server could not find the requested resource",
                null, null, null, null, null);
    }

    private static String qualified(String resourceOrKind, String group) {
        return group == null || group.isEmpty() ? resourceOrKind : resourceOrKind + "." + group;
    }

    public StatusReason reason() {
        return reason;
    }

    public int code() {
        return code;
    }

    public List<Cause> causes() {
        return causes;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Renders the {@code metav1.Status} object. */
    public ObjectNode toStatus() {
        ObjectNode s = Json.object();
        s.put("kind", "Status");
        s.put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Failure");
        s.put("message", getMessage());
        if (!reason.wire().isEmpty()) {
            s.put("reason", reason.wire());
        }
        if (name != null || kind != null || group != null || !causes.isEmpty() || retryAfterSeconds != null) {
            ObjectNode d = s.putObject("details");
            if (name != null && !name.isEmpty()) {
                d.put("name", name);
            }
            if (group != null && !group.isEmpty()) {
                d.put("group", group);
            }
            if (kind != null) {
                d.put("kind", kind);
            }
            if (!causes.isEmpty()) {
                ArrayNode arr = d.putArray("causes");
                for (Cause c : causes) {
                    ObjectNode cn = arr.addObject();
                    cn.put("reason", c.reason());
                    cn.put("message", c.message());
                    if (c.field() != null) {
                        cn.put("field", c.field());
                    }
                }
            }
            if (retryAfterSeconds != null) {
                d.put("retryAfterSeconds", retryAfterSeconds);
            }
        }
        s.put("code", code);
        return s;
    }
}
