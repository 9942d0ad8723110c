package io.kube4j.apiserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.http.HttpResponse;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Metadata-only reads as upstream's metadata client makes them: a LIST with {@code as=PartialObjectMetadataList} and a
 * WATCH with {@code as=PartialObjectMetadata}, whose every event carries the object's metadata and nothing else.
 */
class MetadataWatchTest extends InProcessServerTest {
    private static final String WATCH_ACCEPT =
            "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpResponse<String> get(String path, String accept) throws Exception {
        var req = client.getHttpClient().newHttpRequestBuilder().uri(server.url() + path).header("Accept", accept)
                .build();
        return client.getHttpClient().sendAsync(req, String.class).get();
    }

    private static List<JsonNode> events(String body) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    @Test
    void watchEventsCarryPartialObjectMetadata() throws Exception {
        String rv = client.configMaps().inNamespace("default").list().getMetadata().getResourceVersion();
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName("meta-watched").addToLabels("app", "m")
                .endMetadata().addToData("big", "x".repeat(1000)).build();
        client.configMaps().inNamespace("default").resource(cm).create();
        client.configMaps().inNamespace("default").withName("meta-watched").edit(c -> {
            c.getMetadata().getLabels().put("app", "n");
            return c;
        });
        client.configMaps().inNamespace("default").withName("meta-watched").delete();

        // the changes come from the watch cache's window, then the watch ends after its timeout
        HttpResponse<String> r = get("/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1"
                + "&resourceVersion=" + rv + "&fieldSelector=metadata.name%3Dmeta-watched", WATCH_ACCEPT);

        assertThat(r.code()).isEqualTo(200);
        List<JsonNode> events = events(r.body());
        assertThat(events).extracting(e -> e.get("type").asText()).containsExactly("ADDED", "MODIFIED", "DELETED");
        for (JsonNode e : events) {
            JsonNode o = e.get("object");
            assertThat(o.get("kind").asText()).isEqualTo("PartialObjectMetadata");
            assertThat(o.get("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
            assertThat(o.has("data")).isFalse();
            assertThat(o.path("metadata").path("name").asText()).isEqualTo("meta-watched");
            assertThat(o.path("metadata").path("uid").asText()).isNotEmpty();
        }
        assertThat(events.get(1).path("object").path("metadata").path("labels").path("app").asText()).isEqualTo("n");
        assertThat(Long.parseLong(events.get(2).path("object").path("metadata").path("resourceVersion").asText()))
                .isGreaterThan(Long.parseLong(events.get(0).path("object").path("metadata").path("resourceVersion")
                        .asText()));
    }

    @Test
    void watchWithoutMetadataAcceptStaysFull() throws Exception {
        String rv = client.configMaps().inNamespace("default").list().getMetadata().getResourceVersion();
        client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("full-watched").endMetadata().addToData("k", "v").build()).create();

        HttpResponse<String> r = get("/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1"
                + "&resourceVersion=" + rv + "&fieldSelector=metadata.name%3Dfull-watched", "application/json");

        List<JsonNode> events = events(r.body());
        assertThat(events).hasSize(1);
        assertThat(events.get(0).path("object").path("kind").asText()).isEqualTo("ConfigMap");
        assertThat(events.get(0).path("object").path("data").path("k").asText()).isEqualTo("v");
    }

    @Test
    void listAsPartialObjectMetadataListAndWatchOfTheListFormFallsBack() throws Exception {
        client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("meta-listed").endMetadata().addToData("k", "v").build()).create();

        JsonNode list = JSON.readTree(get("/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dmeta-listed",
                "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1").body());
        assertThat(list.get("kind").asText()).isEqualTo("PartialObjectMetadataList");
        assertThat(list.path("items").get(0).get("kind").asText()).isEqualTo("PartialObjectMetadata");
        assertThat(list.path("items").get(0).has("data")).isFalse();

        // a watch has no list form: with only that offered it is not acceptable
        HttpResponse<String> r = get("/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1",
                "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1");
        assertThat(r.code()).isEqualTo(406);
    }
}
