package io.kube4j.apiserver.resources.core.endpoints;

import io.kube4j.apiserver.resources.discovery.endpointslice.EndpointSliceStrategy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ApiServerEndpointsTest {
    @Test
    void advertisesASpecificBindAddressButNeverLoopback() {
        assertThat(ApiServerEndpoints.advertiseAddress("192.0.2.7")).isEqualTo("192.0.2.7");
        assertThat(ApiServerEndpoints.advertiseAddress("127.0.0.1")).isNull();
        String any = ApiServerEndpoints.advertiseAddress("0.0.0.0");
        if (any != null) {
            assertThat(any).doesNotStartWith("127.").doesNotContain(":");
        }
    }

    @Test
    void endpointsAndSliceAreValidAndCarryTheSecurePort() {
        var ep = ApiServerEndpoints.endpoints("192.0.2.7", 6443);
        assertThat(new EndpointsStrategy().validate(ep)).isEmpty();
        assertThat(ep.at("/subsets/0/ports/0/port").asInt()).isEqualTo(6443);
        assertThat(ep.at("/metadata/labels/endpointslice.kubernetes.io~1skip-mirror").asText()).isEqualTo("true");
        var slice = ApiServerEndpoints.slice("192.0.2.7", 6443);
        assertThat(new EndpointSliceStrategy().validate(slice)).isEmpty();
        assertThat(slice.at("/endpoints/0/addresses/0").asText()).isEqualTo("192.0.2.7");
        assertThat(slice.at("/metadata/labels/kubernetes.io~1service-name").asText()).isEqualTo("kubernetes");
        assertThat(slice.at("/ports/0/name").asText()).isEqualTo("https");
    }
}
