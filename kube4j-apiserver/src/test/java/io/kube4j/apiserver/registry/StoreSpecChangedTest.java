package io.kube4j.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Whether an update changes the spec (and so the generation): every top-level field but metadata and status. */
class StoreSpecChangedTest {
    @Test
    void specChangedComparesEverythingButMetadataAndStatus() {
        ObjectNode a = (ObjectNode) Json.parse("{\"metadata\":{\"n\":1},\"spec\":{\"r\":1},\"status\":{\"s\":1}}");
        ObjectNode b = (ObjectNode) Json.parse("{\"spec\":{\"r\":1},\"metadata\":{\"n\":2}}");
        assertThat(Store.specChanged(a, b)).isFalse();
        assertThat(Store.specChanged(a, (ObjectNode) Json.parse("{\"spec\":{\"r\":2}}"))).isTrue();
        assertThat(Store.specChanged(a, (ObjectNode) Json.parse("{\"spec\":{\"r\":1},\"extra\":null}"))).isTrue();
        assertThat(Store.specChanged((ObjectNode) Json.parse("{\"spec\":null}"), (ObjectNode) Json.parse("{}"))).isTrue();
    }
}
