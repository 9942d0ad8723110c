package io.kube4j.apiserver.kubelet;

import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.errors.StatusReason;

/**
 * Turns a kubelet's error answer to a streamed read (pod logs) into the API error upstream's
 * generic HTTP response checker makes of it: 500 and 400 carry the kubelet's text as their
 * message, other codes get a generic message naming the resource. Pure and thread-safe.
 */
public final class KubeletResponseErrors {
    /** Upstream reads at most this much of an error body. */
    public static final int MAX_BODY = 50_000;

    private KubeletResponseErrors() {
    }

    /** Whether a status code is a success for a streamed read (upstream accepts 200 to 206). */
    public static boolean isSuccess(int code) {
        return code >= 200 && code <= 206;
    }

    /**
     * The error for a kubelet answer {@code code} with body {@code body}, for {@code resource}
     * (e.g. {@code pods/log}) named {@code name}.
     */
    public static StatusException of(int code, String body, String resource, String name) {
        if (code == 500) {
            return StatusException.internal(body);
        }
        if (code == 400) {
            return StatusException.badRequest(body);
        }
        StatusReason reason = StatusReason.UNKNOWN;
        String message = "the server responded with the status code " + code + " but did not return more information";
        switch (code) {
            case 409 -> {
                reason = StatusReason.CONFLICT;
                message = "the server reported a conflict";
            }
            case 404 -> {
                reason = StatusReason.NOT_FOUND;
                message = "the server could not find the requested resource";
            }
            case 401 -> {
                reason = StatusReason.UNAUTHORIZED;
                message = "the server has asked for the client to provide credentials";
            }
            case 403 -> {
                reason = StatusReason.FORBIDDEN;
                message = body;
            }
            case 405 -> {
                reason = StatusReason.METHOD_NOT_ALLOWED;
                message = "the server does not allow this method on the requested resource";
            }
            case 422 -> {
                reason = StatusReason.INVALID;
                message = "the server rejected our request due to an error in our request";
            }
            case 504 -> {
                reason = StatusReason.TIMEOUT;
                message = "the server was unable to return a response in the time allotted, but may still be processing the request";
            }
            case 429 -> {
                reason = StatusReason.TOO_MANY_REQUESTS;
                message = "the server has received too many requests and has asked us to try again later";
            }
            default -> {
                if (code >= 500) {
                    reason = StatusReason.INTERNAL_ERROR;
                    message = "an error on the server (" + goQuote(body) + ") has prevented the request from succeeding";
                }
            }
        }
        // upstream's verb is empty here, hence the double space
        message = message + " ( " + resource + " " + name + ")";
        return new StatusException(reason, code, message, "", resource, name, null, null);
    }

    /** Go's {@code %q} of a string, for the characters a kubelet's text holds. */
    static String goQuote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
