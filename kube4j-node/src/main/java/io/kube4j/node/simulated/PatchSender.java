package io.kube4j.node.simulated;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends JSON merge patches through the fabric8 client's own HTTP client (its TLS, credentials and interceptors), and
 * reads from the answer only the status code and the new {@code metadata.resourceVersion}. Thousands of simulated
 * nodes renew a Lease every 10 s and report each pod's status, and none of them looks at the object the server sends
 * back, so decoding it into a typed fabric8 object (as {@code client.resource(...).patch()} does) was most of the
 * agent's CPU per write. Used by {@link SimulatedNodes}'s workers; thread-safe.
 */
final class PatchSender {
    private static final JsonFactory JSON = new JsonFactory();
    private static final String MERGE_PATCH = "application/merge-patch+json";
    private static final long TIMEOUT_SECONDS = 30;

    private final HttpClient http;
    private final String base;

    PatchSender(KubernetesClient client) {
        this.http = client.getHttpClient();
        String url = client.getMasterUrl().toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /**
     * PATCHes {@code path} (e.g. {@code /api/v1/namespaces/ns/pods/p/status}) with the merge patch {@code body}.
     * Returns the written object's resourceVersion ("" when the answer has none); throws a
     * {@link KubernetesClientException} carrying the HTTP code (404, 409...) when the server refuses, as the fabric8
     * calls it replaces do.
     */
    String mergePatch(String path, String body) {
        HttpRequest req = http.newHttpRequestBuilder().uri(base + path).method("PATCH", MERGE_PATCH, body)
                .header("Accept", "application/json").build();
        HttpResponse<byte[]> r;
        try {
            r = http.sendAsync(req, byte[].class).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubernetesClientException("interrupted: PATCH " + path, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KubernetesClientException("PATCH " + path + " failed: " + e, e);
        }
        byte[] answer = r.body() == null ? new byte[0] : r.body();
        if (!r.isSuccessful()) {
            throw new KubernetesClientException("PATCH " + path + ": HTTP " + r.code() + " "
                    + new String(answer, StandardCharsets.UTF_8), r.code(), null);
        }
        return resourceVersion(answer);
    }

    /** {@code metadata.resourceVersion} of an object's JSON, read without building the object; "" when absent. */
    static String resourceVersion(byte[] json) {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return "";
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (!name.equals("metadata") || v != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String m = p.currentName();
                    p.nextToken();
                    if (m.equals("resourceVersion")) {
                        return p.getText();
                    }
                    p.skipChildren();
                }
                return "";
            }
            return "";
        } catch (IOException e) {
            return "";
        }
    }
}
