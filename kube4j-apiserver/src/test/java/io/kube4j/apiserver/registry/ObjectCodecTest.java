package io.kube4j.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.storage.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write path's single serialization: the stored bytes are those of the object without its resourceVersion, and
 * the JSON with a new resourceVersion spliced in is byte for byte what serializing the object with it gives.
 */
class ObjectCodecTest {

    /** Metadata shapes: resourceVersion absent, first, in the middle, last, alone, and no metadata members. */
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\",\"namespace\":\"d\"},\"spec\":{}}",
            "{\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"7\",\"name\":\"a\",\"uid\":\"u\"}}",
            "{\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"7\",\"uid\":\"u\"},\"x\":1}",
            "{\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"\"}}",
            "{\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":null}}",
            "{\"metadata\":{},\"kind\":\"X\"}",
            "{\"spec\":{\"metadata\":{\"resourceVersion\":\"1\"}},\"metadata\":{\"name\":\"late\"}}",
    })
    void encodedBytesAndSplicedJsonEqualPlainSerialization(String json) {
        ObjectNode obj = (ObjectNode) Json.parse(json);
        ObjectNode before = obj.deepCopy();

        ObjectCodec.Encoded e = ObjectCodec.encodeForWrite(obj);

        ObjectNode withoutRv = obj.deepCopy();
        ((ObjectNode) withoutRv.get("metadata")).remove("resourceVersion");
        assertThat(new String(e.bytes())).isEqualTo(Json.string(withoutRv));
        assertThat(obj).as("the object is not changed").isEqualTo(before);
        ObjectNode written = obj.deepCopy();
        Json.with(written, "metadata").put("resourceVersion", "12345");
        assertThat(new String(e.withResourceVersion(12345))).isEqualTo(Json.string(written));
    }

    @Test
    void valuesOfEveryKindSurviveTheSplice() {
        ObjectNode obj = Json.object();
        obj.put("apiVersion", "v1");
        ObjectNode meta = obj.putObject("metadata");
        meta.put("name", "n\u00e9\"\\\n\u2603");
        meta.putObject("labels").put("a/b", "c");
        meta.put("generation", 3L);
        meta.put("resourceVersion", "1");
        ObjectNode spec = obj.putObject("spec");
        spec.put("i", 1).put("l", Long.MAX_VALUE).put("d", 0.1).put("e", 1e-9).put("t", true).putNull("z");
        spec.put("big", new BigInteger("123456789012345678901234567890"));
        spec.putArray("a").add(1).add("x").addObject().put("k", "}{");

        ObjectCodec.Encoded e = ObjectCodec.encodeForWrite(obj);
        Json.with(obj, "metadata").put("resourceVersion", "99");

        assertThat(e.withResourceVersion(99)).isEqualTo(Json.bytes(obj));
    }

    @Test
    void anObjectWithoutMetadataHasNoPlaceForAResourceVersion() {
        ObjectNode obj = (ObjectNode) Json.parse("{\"kind\":\"X\",\"metadata\":\"odd\"}");

        ObjectCodec.Encoded e = ObjectCodec.encodeForWrite(obj);

        assertThat(e.bytes()).isEqualTo(Json.bytes(obj));
        assertThat(e.withResourceVersion(5)).isNull();
    }

    @Test
    void objectJsonOfAStoredValueEqualsTheSerializedDecodedObject() {
        ObjectNode obj = (ObjectNode) Json.parse("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\","
                + "\"annotations\":{\"x\":\"{\\\"metadata\\\":1}\"}},\"spec\":{\"containers\":[{\"name\":\"c\"}],"
                + "\"n\":1.5},\"status\":{}}");
        KeyValue kv = new KeyValue("/registry/core/pods/d/a", ObjectCodec.encode(obj), 3, 42);

        assertThat(ObjectCodec.objectJson(kv)).isEqualTo(Json.bytes(ObjectCodec.decode(kv)));
    }

    @Test
    void objectJsonOfEmptyMetadataHasNoComma() {
        KeyValue kv = new KeyValue("/k", "{\"kind\":\"X\",\"metadata\":{},\"spec\":1}".getBytes(), 3, 8);

        assertThat(new String(ObjectCodec.objectJson(kv)))
                .isEqualTo("{\"kind\":\"X\",\"metadata\":{\"resourceVersion\":\"8\"},\"spec\":1}")
                .isEqualTo(Json.string(ObjectCodec.decode(kv)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"kind\":\"X\"}",
            "{\"kind\":\"X\",\"metadata\":null}",
            "{\"kind\":\"X\",\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"3\"}}",
            "[1]",
    })
    void objectJsonLeavesOddShapesToTheSerializer(String stored) {
        assertThat(ObjectCodec.objectJson(new KeyValue("/k", stored.getBytes(), 1, 2))).isNull();
    }
}
