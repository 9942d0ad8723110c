package io.kube4j.node.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.kube4j.apimachinery.json.Json;

class CniConfigTest {

    @TempDir
    Path tmp;

    @Test
    void rendersBridgeWithHostLocalAndPortmap() {
        JsonNode c = CniConfig.render(CniConfig.Options.of(Path.of("/var/lib/kube4j"), "10.42.0.0/24"));
        assertThat(c.get("cniVersion").asText()).isEqualTo("1.0.0");
        assertThat(c.get("name").asText()).isEqualTo("kube4j");
        JsonNode bridge = c.at("/plugins/0");
        assertThat(bridge.get("type").asText()).isEqualTo("bridge");
        assertThat(bridge.get("bridge").asText()).isEqualTo("kube4j0");
        assertThat(bridge.get("isGateway").asBoolean()).isTrue();
        assertThat(bridge.get("ipMasq").asBoolean()).as("egress off by default").isFalse();
        assertThat(bridge.get("hairpinMode").asBoolean()).isTrue();
        assertThat(bridge.at("/ipam/type").asText()).isEqualTo("host-local");
        assertThat(bridge.at("/ipam/ranges/0/0/subnet").asText()).isEqualTo("10.42.0.0/24");
        assertThat(bridge.at("/ipam/routes/0/dst").asText()).isEqualTo("0.0.0.0/0");
        assertThat(bridge.at("/ipam/dataDir").asText()).isEqualTo("/var/lib/kube4j/cni/networks");
        JsonNode portmap = c.at("/plugins/1");
        assertThat(portmap.get("type").asText()).isEqualTo("portmap");
        assertThat(portmap.at("/capabilities/portMappings").asBoolean()).isTrue();
        assertThat(portmap.get("snat").asBoolean()).isTrue();
        assertThat(c.get("plugins")).hasSize(2);

        assertThat(CniConfig.render(CniConfig.Options.of(Path.of("/d"), "10.42.1.0/24").withEgress(true)).at("/plugins/0/ipMasq")
                .asBoolean()).isTrue();
    }

    @Test
    void writesTheConflistWhereContainerdLooks() throws Exception {
        Path file = CniConfig.write(tmp.resolve("net.d"), CniConfig.Options.of(tmp, "10.42.3.0/24"));
        assertThat(file).isEqualTo(tmp.resolve("net.d/10-kube4j.conflist"));
        assertThat(Json.parse(Files.readString(file)).at("/plugins/0/ipam/ranges/0/0/subnet").asText()).isEqualTo("10.42.3.0/24");
        CniConfig.write(tmp.resolve("net.d"), CniConfig.Options.of(tmp, "10.42.4.0/24"));
        try (var files = Files.list(tmp.resolve("net.d"))) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("10-kube4j.conflist");
        }
        assertThat(Json.parse(Files.readString(file)).at("/plugins/0/ipam/ranges/0/0/subnet").asText()).isEqualTo("10.42.4.0/24");
    }

    @Test
    void validatesItsInputs() {
        assertThatThrownBy(() -> CniConfig.Options.of(tmp, "10.42.0.0")).hasMessage("invalid IPv4 CIDR: 10.42.0.0");
        assertThatThrownBy(() -> CniConfig.Options.of(tmp, "10.42.0.0/24").withBridge("a-very-long-bridge"))
                .hasMessageContaining("1 to 15 characters");
        assertThat(Cidr.parse("10.42.7.9/24")).hasToString("10.42.7.0/24");
        assertThat(Cidr.parse("10.42.0.0/16").contains(Cidr.parse("10.42.7.0/24"))).isTrue();
        assertThat(Cidr.parse("10.42.0.0/16").contains(Cidr.parse("10.43.0.0/24"))).isFalse();
        assertThatThrownBy(() -> Cidr.parse("10.42.0.256/24")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.42.0.0/33")).isInstanceOf(IllegalArgumentException.class);
    }
}
