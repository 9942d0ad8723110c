package io.kube4j.apiserver.kubelet;

import com.fasterxml.jackson.databind.JsonNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.json.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeConnectionInfoTest {
    private static JsonNode node(String json) {
        return Json.parse(json);
    }

    @Test
    void picksTheFirstAddressOfTheFirstPreferredTypeAndTheReportedPort() {
        JsonNode n = node("""
                {"status":{"addresses":[{"type":"Hostname","address":"n1"},{"type":"InternalIP","address":"10.1.2.3"},
                 {"type":"InternalIP","address":"10.9.9.9"}],"daemonEndpoints":{"kubeletEndpoint":{"Port":11250}}}}""");
        assertThat(NodeConnectionInfo.endpoint(n, NodeConnectionInfo.DEFAULT_PREFERRED_ADDRESS_TYPES, 10250))
                .isEqualTo(new NodeConnectionInfo.Endpoint("10.1.2.3", 11250));
        assertThat(NodeConnectionInfo.endpoint(n, List.of("Hostname", "InternalIP"), 10250))
                .isEqualTo(new NodeConnectionInfo.Endpoint("n1", 11250));
    }

    @Test
    void fallsBackToTheHostnameLabelAndTheDefaultPort() {
        JsonNode n = node("""
                {"metadata":{"labels":{"kubernetes.io/hostname":"from-label"}},
                 "status":{"addresses":[{"type":"ExternalIP","address":"1.2.3.4"}]}}""");
        assertThat(NodeConnectionInfo.endpoint(n, List.of("InternalIP", "Hostname", "ExternalIP"), 10250))
                .isEqualTo(new NodeConnectionInfo.Endpoint("from-label", 10250));
    }

    @Test
    void withoutAUsableAddressSaysWhatIsKnownAsUpstreamDoes() {
        JsonNode n = node("""
                {"status":{"addresses":[{"type":"ExternalDNS","address":"x.example"}]}}""");
        assertThatThrownBy(() -> NodeConnectionInfo.endpoint(n, List.of("InternalIP"), 10250))
                .isInstanceOf(StatusException.class)
                .hasMessage("no preferred addresses found; known addresses: [{ExternalDNS x.example}]")
                .satisfies(e -> assertThat(((StatusException) e).code()).isEqualTo(500));
    }
}
