package io.kube4j.apiserver.registry.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.storage.KeyValue;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompactNodeFactoryTest {
    private static byte[] pod() throws Exception {
        try (InputStream in = CompactNodeFactoryTest.class.getResourceAsStream("pod.json")) {
            return Json.bytes(Json.parse(in.readAllBytes()));
        }
    }

    @Test
    void aPodParsesEqualAndSerializesByteForByte() throws Exception {
        byte[] json = pod();
        ObjectNode compact = CompactNodeFactory.parse(json);
        ObjectNode plain = (ObjectNode) Json.parse(json);
        assertThat(compact).isEqualTo(plain);
        assertThat(plain).isEqualTo(compact);
        assertThat(compact.hashCode()).isEqualTo(plain.hashCode());
        assertThat(Json.bytes(compact)).isEqualTo(json);
        assertThat(compact.path("spec").path("containers").get(0).path("resources").path("requests").path("cpu")
                .asText()).isEqualTo("10m");
    }

    @Test
    void decodeSetsTheResourceVersionFromTheRevision() throws Exception {
        ObjectNode o = CompactNodeFactory.decode(new KeyValue("/registry/pods/density/p", pod(), 5, 17));
        assertThat(o.path("metadata").path("resourceVersion").asText()).isEqualTo("17");
    }

    @Test
    void largeObjectsKeepOrderPastTheInlineLimit() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < 40; i++) {
            sb.append(i == 0 ? "" : ",").append("\"k").append(39 - i).append("\":").append(i);
        }
        byte[] json = sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
        ObjectNode compact = CompactNodeFactory.parse(json);
        assertThat(Json.bytes(compact)).isEqualTo(json);
        assertThat(compact.get("k0").asInt()).isEqualTo(39);
        compact.remove("k39");
        compact.put("new", true);
        List<String> names = new ArrayList<>();
        compact.fieldNames().forEachRemaining(names::add);
        assertThat(names).hasSize(40).startsWith("k38").endsWith("k0", "new");
    }

    @Test
    void copiesChangeLikeOrdinaryTrees() throws Exception {
        ObjectNode cached = CompactNodeFactory.parse(pod());
        ObjectNode copy = cached.deepCopy();
        ObjectNode meta = (ObjectNode) copy.get("metadata");
        meta.put("name", "other");
        meta.remove("generateName");
        meta.with("labels").put("tier", "web");
        ((ObjectNode) copy.get("spec")).retain("containers", "nodeName");
        assertThat(cached.path("metadata").path("name").asText()).isEqualTo("rs-0-22qtq");
        assertThat(cached.path("metadata").has("generateName")).isTrue();
        assertThat(copy.path("metadata").has("generateName")).isFalse();
        assertThat(copy.path("metadata").path("labels").path("tier").asText()).isEqualTo("web");
        List<String> spec = new ArrayList<>();
        copy.get("spec").fieldNames().forEachRemaining(spec::add);
        assertThat(spec).containsExactly("containers", "nodeName");
        assertThat(Json.parse(Json.bytes(copy))).isEqualTo(copy);
    }

    @Test
    void iteratorRemovesAndEntriesSet() {
        CompactObjectMap m = new CompactObjectMap();
        for (int i = 0; i < 5; i++) {
            m.put("k" + i, Json.NODES.numberNode(i));
        }
        Iterator<Map.Entry<String, JsonNode>> it = m.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().asInt() % 2 == 0) {
                it.remove();
            } else {
                e.setValue(Json.NODES.numberNode(e.getValue().asInt() * 10));
            }
        }
        assertThat(m).containsExactly(Map.entry("k1", Json.NODES.numberNode(10)),
                Map.entry("k3", Json.NODES.numberNode(30)));
        assertThat(m.put("k1", Json.NODES.numberNode(1))).isEqualTo(Json.NODES.numberNode(10));
        assertThat(m).hasSize(2);
        Iterator<Map.Entry<String, JsonNode>> it2 = m.entrySet().iterator();
        it2.next();
        m.put("k9", Json.NODES.numberNode(9));
        assertThatThrownBy(it2::next).isInstanceOf(java.util.ConcurrentModificationException.class);
        m.clear();
        assertThat(m).isEmpty();
        assertThat(m.get("k1")).isNull();
    }
}
