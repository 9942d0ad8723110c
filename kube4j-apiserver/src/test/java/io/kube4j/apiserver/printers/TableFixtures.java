package io.kube4j.apiserver.printers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Test inputs for table convertors: objects from YAML and a fixed clock. */
public final class TableFixtures {
    public static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");

    private TableFixtures() {
    }

    public static ObjectNode yaml(String text) {
        try {
            return (ObjectNode) Json.YAML.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The cells of one object, checked to line up with the columns. */
    public static List<Object> cells(TableConvertor tc, String yaml) {
        List<Object> cells = tc.cells(yaml(yaml), NOW);
        assertThat(cells).hasSameSizeAs(tc.columns()).doesNotContainNull();
        return cells;
    }
}
