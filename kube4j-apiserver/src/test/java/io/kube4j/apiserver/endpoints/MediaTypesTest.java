package io.kube4j.apiserver.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.json.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MediaTypesTest {
    @Test
    void watchTakesPartialObjectMetadataPerEvent() {
        MediaTypes.Target t = MediaTypes.negotiateWatch(
                "application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,"
                        + "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json");
        assertThat(t.kind()).isEqualTo(MediaTypes.Kind.PARTIAL_METADATA);
        assertThat(t.version()).isEqualTo("v1");
    }

    @Test
    void watchSkipsTheListFormForTheNextOffer() {
        assertThat(MediaTypes.negotiateWatch("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,"
                + "application/json").kind()).isEqualTo(MediaTypes.Kind.OBJECT);
        assertThatThrownBy(() -> MediaTypes.negotiateWatch(
                "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"))
                .isInstanceOf(StatusException.class);
    }

    @Test
    void watchStillTakesTables() {
        assertThat(MediaTypes.negotiateWatch("application/json;as=Table;g=meta.k8s.io;v=v1").kind())
                .isEqualTo(MediaTypes.Kind.TABLE);
    }

    @Test
    void listAndGetKeepTheirForms() {
        assertThat(MediaTypes.negotiate("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1", true)
                .kind()).isEqualTo(MediaTypes.Kind.PARTIAL_METADATA_LIST);
        assertThat(MediaTypes.negotiate("application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1", false)
                .kind()).isEqualTo(MediaTypes.Kind.PARTIAL_METADATA);
    }

    @Test
    void partialBookmarkIsAPartialObjectMetadata() {
        JsonNode ev = Json.parse(new String(ResourceHandler.partialBookmark("v1", 42), StandardCharsets.UTF_8).strip());
        assertThat(ev.get("type").asText()).isEqualTo("BOOKMARK");
        assertThat(ev.path("object").path("kind").asText()).isEqualTo("PartialObjectMetadata");
        assertThat(ev.path("object").path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
        assertThat(ev.path("object").path("metadata").path("resourceVersion").asText()).isEqualTo("42");
    }
}
