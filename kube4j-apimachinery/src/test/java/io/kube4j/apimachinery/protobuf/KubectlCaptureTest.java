package io.kube4j.apimachinery.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real request bodies sent by kubectl 1.32's generators, each decoded and compared with the JSON kubectl
 * itself prints for the same command under {@code --dry-run=client -o json}.
 */
class KubectlCaptureTest {
    private static final String DIR = "kubectl/";

    static List<String> captures() throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : new String(read("README.txt"), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.substring(0, line.indexOf('|')));
            }
        }
        return names;
    }

    @ParameterizedTest
    @MethodSource("captures")
    void decodesLikeKubectlPrintsIt(String name) throws IOException {
        byte[] body = read(name + ".pb");
        JsonNode expected = Json.MAPPER.readTree(read(name + ".json"));

        ObjectNode decoded = ProtobufDecoder.builtin().decode(body);

        assertThat(decoded).as(name).isEqualTo(expected);
        // field order follows upstream's JSON too (apiVersion and kind lead, as the envelope names them)
        assertThat(keys(decoded.get("metadata"))).isEqualTo(keys(expected.get("metadata")));
        if (expected.has("spec")) {
            assertThat(keys(decoded.get("spec"))).isEqualTo(keys(expected.get("spec")));
        }
    }

    private static List<String> keys(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static byte[] read(String name) throws IOException {
        try (InputStream in = KubectlCaptureTest.class.getResourceAsStream(DIR + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
