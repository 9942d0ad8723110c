package io.kube4j.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.authn.UserInfo;
import io.kube4j.apiserver.endpoints.Exchange;
import io.kube4j.apiserver.registry.ObjectCodec;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.registry.cache.CacheRouter;
import io.kube4j.apiserver.resources.BuiltinResources;
import io.kube4j.storage.memory.MemoryStorage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenApiTest {
    private static Registry registry;
    private static OpenApi openApi;

    /** An in-memory request and the response written to it. */
    private static final class Recorded implements Exchange {
        final String path;
        final Map<String, String> query = new HashMap<>();
        final Map<String, String> headers = new HashMap<>();
        int status;
        String contentType;
        byte[] body;
        Map<String, List<String>> responseHeaders;

        Recorded(String path) {
            this.path = path;
        }

        Recorded query(String k, String v) {
            query.put(k, v);
            return this;
        }

        Recorded header(String k, String v) {
            headers.put(k, v);
            return this;
        }

        @Override public String method() { return "GET"; }
        @Override public String path() { return path; }
        @Override public String query(String name) { return query.get(name); }
        @Override public String header(String name) { return headers.get(name); }
        @Override public byte[] body() { return new byte[0]; }
        @Override public UserInfo user() { return null; }

        @Override
        public void respond(int status, String contentType, byte[] body, Map<String, List<String>> headers) {
            this.status = status;
            this.contentType = contentType;
            this.body = body;
            this.responseHeaders = headers;
        }

        @Override
        public Stream stream(int status, String contentType, Map<String, List<String>> headers) {
            throw new UnsupportedOperationException();
        }
    }

    @BeforeAll
    static void start() {
        MemoryStorage storage = new MemoryStorage();
        CacheRouter router = new CacheRouter(storage, "/registry/", ObjectCodec::decode);
        registry = new Registry();
        BuiltinResources.register(registry, storage, router, Clock.systemUTC(), new Random(1), "10.43.0.0/16",
                io.kube4j.apiserver.resources.admission.AdmissionPlugins.without("ServiceAccount"));
        openApi = new OpenApi(registry);
    }

    private static Recorded get(Recorded r) {
        openApi.serve(r, r.path);
        return r;
    }

    @Test
    void rootPointsAtDocumentsThatAreServedImmutableUnderTheirHash() {
        Recorded root = get(new Recorded("/openapi/v3"));
        assertThat(root.status).isEqualTo(200);
        assertThat(root.contentType).isEqualTo("application/json");
        String url = Json.parse(root.body).at("/paths/apis~1apps~1v1/serverRelativeURL").asText();
        String hash = url.substring(url.indexOf("hash=") + 5);

        Recorded doc = get(new Recorded("/openapi/v3/apis/apps/v1").query("hash", hash));
        assertThat(doc.status).isEqualTo(200);
        assertThat(doc.responseHeaders.get("Cache-Control")).containsExactly("public, immutable");
        assertThat(doc.responseHeaders.get("ETag")).containsExactly("\"" + hash + "\"");
        assertThat(Json.parse(doc.body).get("openapi").asText()).isEqualTo("3.0.0");

        Recorded stale = get(new Recorded("/openapi/v3/apis/apps/v1").query("hash", "0123"));
        assertThat(stale.status).isEqualTo(301);
        assertThat(stale.responseHeaders.get("Location")).containsExactly("/openapi/v3/apis/apps/v1?hash=" + hash);

        Recorded unhashed = get(new Recorded("/openapi/v3/apis/apps/v1"));
        assertThat(unhashed.responseHeaders.get("Cache-Control")).containsExactly("no-cache, private");
        Recorded notModified = get(new Recorded("/openapi/v3/apis/apps/v1").header("If-None-Match", "\"" + hash + "\""));
        assertThat(notModified.status).isEqualTo(304);
    }

    @Test
    void unknownGroupVersionIsNotFound() {
        assertThatThrownBy(() -> get(new Recorded("/openapi/v3/apis/nope/v1")))
                .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(404));
    }

    @Test
    void swaggerTwoIsJsonOnly() {
        Recorded v2 = get(new Recorded("/openapi/v2").header("Accept",
                "application/com.github.proto-openapi.spec.v2@v1.0+protobuf, application/json"));
        assertThat(v2.status).isEqualTo(200);
        assertThat(Json.parse(v2.body).get("swagger").asText()).isEqualTo("2.0");
        assertThatThrownBy(() -> get(new Recorded("/openapi/v2")
                .header("Accept", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf")))
                .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(406));
    }

    @Test
    void fieldValidationUsesTheServedKinds() {
        var pods = registry.find("", "v1", "pods").info();
        ObjectNode pod = (ObjectNode) Json.parse("{\"spec\":{\"containers\":[{\"name\":\"c\",\"imagee\":\"x\"}]}}");
        assertThat(openApi.fieldValidation().unknownFields(pods, pod)).containsExactly("spec.containers[0].imagee");
        JsonNode ok = Json.parse("{\"metadata\":{\"labels\":{\"x\":\"y\"}},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}");
        assertThat(openApi.fieldValidation().unknownFields(pods, (ObjectNode) ok)).isEmpty();
    }
}
