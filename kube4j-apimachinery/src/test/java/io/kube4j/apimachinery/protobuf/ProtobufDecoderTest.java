package io.kube4j.apimachinery.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.protobuf.SchemaEncoder.Out;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProtobufDecoderTest {
    private static final ProtobufDecoder DECODER = ProtobufDecoder.builtin();
    private static final ProtoSchema SCHEMA = ProtoSchema.builtin();

    static Stream<ObjectNode> objects() throws IOException {
        List<ObjectNode> out = new ArrayList<>();
        out.add((ObjectNode) resource("roundtrip/pod.json"));
        resource("roundtrip/objects.json").forEach(n -> out.add((ObjectNode) n));
        return out.stream();
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("objects")
    void encodedObjectsDecodeBackToTheSameJson(ObjectNode obj) {
        for (boolean packed : new boolean[]{false, true}) {
            SchemaEncoder encoder = new SchemaEncoder(SCHEMA, packed);
            byte[] body = encoder.encodeBody(obj);

            assertThat(encoder.unconsumed).as("JSON fields the schema does not know").isEmpty();
            assertThat((JsonNode) DECODER.decode(body)).isEqualTo(obj);
        }
    }

    @Test
    void everyKindOfTheBriefHasAMessage() {
        String[][] kinds = {{"v1", "Namespace"}, {"v1", "Pod"}, {"v1", "Service"}, {"v1", "ConfigMap"}, {"v1", "Secret"},
                {"v1", "ServiceAccount"}, {"v1", "ReplicationController"}, {"apps/v1", "Deployment"}, {"apps/v1", "ReplicaSet"},
                {"apps/v1", "DaemonSet"}, {"apps/v1", "StatefulSet"}, {"batch/v1", "Job"}, {"batch/v1", "CronJob"},
                {"rbac.authorization.k8s.io/v1", "Role"}, {"rbac.authorization.k8s.io/v1", "RoleBinding"},
                {"rbac.authorization.k8s.io/v1", "ClusterRole"}, {"rbac.authorization.k8s.io/v1", "ClusterRoleBinding"},
                {"v1", "ResourceQuota"}, {"scheduling.k8s.io/v1", "PriorityClass"}, {"policy/v1", "PodDisruptionBudget"},
                {"networking.k8s.io/v1", "Ingress"}, {"networking.k8s.io/v1", "NetworkPolicy"}, {"v1", "Event"},
                {"events.k8s.io/v1", "Event"}, {"coordination.k8s.io/v1", "Lease"}, {"v1", "Endpoints"},
                {"discovery.k8s.io/v1", "EndpointSlice"}, {"v1", "Node"}, {"v1", "PersistentVolume"},
                {"v1", "PersistentVolumeClaim"}, {"storage.k8s.io/v1", "StorageClass"}, {"v1", "LimitRange"},
                {"v1", "Status"}, {"v1", "DeleteOptions"}, {"apps/v1", "DeleteOptions"}, {"autoscaling/v1", "Scale"}};
        for (String[] k : kinds) {
            assertThat(SCHEMA.forKind(k[0], k[1])).as(k[0] + " " + k[1]).isNotNull();
        }
        assertThat(SCHEMA.forKind("v1", "Deployment")).isNull();
        assertThat(SCHEMA.forKind("apps/v1", "ObjectMeta")).isNull();
    }

    @Test
    void zeroValuesOfOptionalFieldsAreLeftOutAndEmptyTimesAreNull() {
        // what client-go writes for a bare container: every non-pointer field, even when empty
        Out container = new Out();
        container.string(1, "c");
        container.string(2, "");
        container.string(5, "");             // workingDir: zero scalars ("", 0, false) vanish
        container.bytes(8, new byte[0]);     // resources: an empty struct stays as {}
        container.tagVarint(16, 0);          // stdin=false
        Out podSpec = new Out();
        podSpec.bytes(2, container.toBytes());
        podSpec.tagVarint(4, 0);             // terminationGracePeriodSeconds: a pointer, so 0 is kept
        podSpec.tagVarint(25, -1);           // priority: negative int32 as a ten-byte varint
        Out meta = new Out();
        meta.string(1, "p");
        meta.bytes(8, new byte[0]);          // creationTimestamp: the zero time
        Out pod = new Out();
        pod.bytes(1, meta.toBytes());
        pod.bytes(2, podSpec.toBytes());

        ObjectNode decoded = DECODER.decode(body("v1", "Pod", pod.toBytes()));

        assertThat(decoded.toString()).isEqualTo("{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
                + "\"metadata\":{\"name\":\"p\",\"creationTimestamp\":null},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"resources\":{}}],"
                + "\"terminationGracePeriodSeconds\":0,\"priority\":-1}}");
    }

    @Test
    void unknownFieldsOfEveryWireTypeAreSkipped() {
        Out cm = new Out();
        cm.tagVarint(90, 7);
        cm.tag(91, WireReader.FIXED64);
        cm.fixed64(1L);
        cm.tag(92, WireReader.FIXED32);
        cm.varint(0); // four bytes of fixed32 follow
        cm.varint(0);
        cm.varint(0);
        cm.varint(0);
        cm.string(93, "ignored");
        Out entry = new Out();
        entry.string(1, "k");
        entry.string(2, "v");
        cm.bytes(2, entry.toBytes());

        ObjectNode decoded = DECODER.decode(body("v1", "ConfigMap", cm.toBytes()));

        assertThat(decoded.toString()).isEqualTo("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{\"k\":\"v\"}}");
    }

    @Test
    void fieldOrderFollowsTheApiNotTheFieldNumbers() {
        Out spec = new Out();
        spec.tagVarint(1, 2);                              // replicas
        spec.bytes(2, new byte[0]);                        // selector
        Out ds = new Out();
        ds.bytes(2, spec.toBytes());
        // in PodSpec the field numbers run 1, 20, 2, 34 ... while the JSON order is volumes, initContainers, containers
        Out podSpec = new Out();
        Out c = new Out();
        c.string(1, "a");
        podSpec.bytes(2, c.toBytes());
        podSpec.bytes(20, c.toBytes());
        Out pod = new Out();
        pod.bytes(2, podSpec.toBytes());

        ObjectNode decoded = DECODER.decode(body("v1", "Pod", pod.toBytes()));

        List<String> keys = new ArrayList<>();
        decoded.get("spec").fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("initContainers", "containers");
    }

    @Test
    void embeddedJsonContentTypeIsAccepted() {
        Out typeMeta = new Out();
        typeMeta.string(1, "v1");
        typeMeta.string(2, "ConfigMap");
        Out unknown = new Out();
        unknown.bytes(1, typeMeta.toBytes());
        unknown.bytes(2, "{\"metadata\":{\"name\":\"x\"}}".getBytes());
        unknown.string(4, "application/json");

        assertThat(DECODER.decode(withMagic(unknown.toBytes())).toString()).isEqualTo("{\"metadata\":{\"name\":\"x\"}}");
    }

    @Test
    void malformedBodiesAreRejectedWithAReason() {
        assertThatThrownBy(() -> DECODER.decode("{\"kind\":\"Pod\"}".getBytes()))
                .isInstanceOf(ProtobufException.class).hasMessageContaining("does not appear to be a protobuf message");
        assertThatThrownBy(() -> DECODER.decode(body("v1", "Frobnicator", new byte[0])))
                .isInstanceOf(ProtobufException.class)
                .hasMessage("no kind \"Frobnicator\" is registered for version \"v1\"");
        Out cut = new Out();
        cut.string(1, "name");
        byte[] bytes = cut.toBytes();
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 2);
        Out pod = new Out();
        pod.bytes(1, truncated);
        assertThatThrownBy(() -> DECODER.decode(body("v1", "Pod", pod.toBytes())))
                .isInstanceOf(ProtobufException.class).hasMessageContaining("runs past the end");
        Out wrongWire = new Out();
        wrongWire.tagVarint(1, 5); // metadata must be length-delimited
        assertThatThrownBy(() -> DECODER.decode(body("v1", "Pod", wrongWire.toBytes())))
                .isInstanceOf(ProtobufException.class).hasMessageContaining("wrong wire type 0 for field core.v1.Pod.metadata");
    }

    @Test
    void schemaTableErrorsNameTheLine() {
        assertThatThrownBy(() -> ProtoSchema.parse("@x.v1\nA\n  1 b Missing\n"))
                .hasMessageContaining("unknown message x.v1.Missing");
        assertThatThrownBy(() -> ProtoSchema.parse("@x.v1\nA\n  1 b string\n  1 c string\n"))
                .hasMessageContaining("field number 1 used twice");
        assertThatThrownBy(() -> ProtoSchema.parse("@x.v1\nA\n  1 b string sometimes\n"))
                .hasMessageContaining("schema line 3: unknown flag sometimes");
        assertThat(SCHEMA.size()).isGreaterThan(350);
    }

    @Test
    void durationsAreWrittenAsGoDoes() {
        assertThat(GoDuration.format(0)).isEqualTo("0s");
        assertThat(GoDuration.format(999)).isEqualTo("999ns");
        assertThat(GoDuration.format(1_500)).isEqualTo("1.5µs");
        assertThat(GoDuration.format(300_000_000)).isEqualTo("300ms");
        assertThat(GoDuration.format(1_500_000_000L)).isEqualTo("1.5s");
        assertThat(GoDuration.format(3_600_000_000_000L)).isEqualTo("1h0m0s");
        assertThat(GoDuration.format(-90_000_000_000L)).isEqualTo("-1m30s");
        assertThat(GoDuration.format(Long.MIN_VALUE)).isEqualTo("-2562047h47m16.854775808s");
    }

    static byte[] body(String apiVersion, String kind, byte[] raw) {
        Out typeMeta = new Out();
        typeMeta.string(1, apiVersion);
        typeMeta.string(2, kind);
        Out unknown = new Out();
        unknown.bytes(1, typeMeta.toBytes());
        unknown.bytes(2, raw);
        return withMagic(unknown.toBytes());
    }

    private static byte[] withMagic(byte[] unknown) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ProtobufDecoder.MAGIC);
        out.writeBytes(unknown);
        return out.toByteArray();
    }

    private static JsonNode resource(String name) throws IOException {
        try (InputStream in = ProtobufDecoderTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return Json.MAPPER.readTree(in);
        }
    }
}
