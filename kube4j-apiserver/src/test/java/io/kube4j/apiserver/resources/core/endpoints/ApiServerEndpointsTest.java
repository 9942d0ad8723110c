package io.kube4j.apiserver.resources.core.endpoints;

import io.kube4j.apiserver.resources.discovery.endpointslice.EndpointSliceStrategy;
import org.junit.jupiter.api.Test;

import java.util.List;

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
        var byPort = ApiServerEndpoints.byPort(List.of(new MasterLeases.Lease("192.0.2.7", 6443)));
        var ep = ApiServerEndpoints.endpoints(byPort);
        assertThat(new EndpointsStrategy().validate(ep)).isEmpty();
        assertThat(ep.at("/subsets/0/ports/0/port").asInt()).isEqualTo(6443);
        assertThat(ep.at("/metadata/labels/endpointslice.kubernetes.io~1skip-mirror").asText()).isEqualTo("true");
        var slice = ApiServerEndpoints.slice("kubernetes", 6443, byPort.get(6443));
        assertThat(new EndpointSliceStrategy().validate(slice)).isEmpty();
        assertThat(slice.at("/endpoints/0/addresses/0").asText()).isEqualTo("192.0.2.7");
        assertThat(slice.at("/endpoints/0/conditions/ready").asBoolean()).isTrue();
        assertThat(slice.at("/metadata/labels/kubernetes.io~1service-name").asText()).isEqualTo("kubernetes");
        assertThat(slice.at("/ports/0/name").asText()).isEqualTo("https");
    }

    @Test
    void serversOnOnePortShareASubsetInAddressOrderAndOtherPortsGetTheirOwn() {
        var byPort = ApiServerEndpoints.byPort(List.of(new MasterLeases.Lease("192.0.2.9", 6443),
                new MasterLeases.Lease("192.0.2.10", 6443), new MasterLeases.Lease("192.0.2.9", 6444)));
        var ep = ApiServerEndpoints.endpoints(byPort);
        assertThat(new EndpointsStrategy().validate(ep)).isEmpty();
        assertThat(ep.at("/subsets").size()).isEqualTo(2);
        // lexicographic, as upstream lists its lease keys
        assertThat(ep.at("/subsets/0/addresses/0/ip").asText()).isEqualTo("192.0.2.10");
        assertThat(ep.at("/subsets/0/addresses/1/ip").asText()).isEqualTo("192.0.2.9");
        assertThat(ep.at("/subsets/0/ports/0/port").asInt()).isEqualTo(6443);
        assertThat(ep.at("/subsets/1/addresses/0/ip").asText()).isEqualTo("192.0.2.9");
        assertThat(ep.at("/subsets/1/ports/0/port").asInt()).isEqualTo(6444);
    }
}
