package io.kube4j.apiserver.resources.events.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventsV1ConverterTest {
    private final EventsV1Converter c = new EventsV1Converter();

    @Test
    void renamesFieldsBothWays() {
        ObjectNode core = (ObjectNode) Json.parse("""
                {"apiVersion":"v1","kind":"Event","metadata":{"name":"e"},"involvedObject":{"kind":"Pod","name":"p"},
                 "message":"hello","reason":"Started","type":"Normal","count":3,"source":{"component":"kubelet"},
                 "reportingComponent":"kubelet","firstTimestamp":"2026-01-01T00:00:00Z"}""");
        ObjectNode v1 = c.fromStorage(core);
        assertThat(v1.path("apiVersion").asText()).isEqualTo("events.k8s.io/v1");
        assertThat(v1.path("regarding").path("name").asText()).isEqualTo("p");
        assertThat(v1.path("note").asText()).isEqualTo("hello");
        assertThat(v1.path("deprecatedCount").asInt()).isEqualTo(3);
        assertThat(v1.path("reportingController").asText()).isEqualTo("kubelet");
        assertThat(v1.has("message")).isFalse();
        assertThat(c.toStorage(v1)).isEqualTo(core);
    }
}
