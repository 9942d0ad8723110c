package io.kube4j.apiserver.resources.core.endpoints;

import org.junit.jupiter.api.Test;

import static io.kube4j.apiserver.printers.TableFixtures.cells;
import static org.assertj.core.api.Assertions.assertThat;

class EndpointsTableConvertorTest {
    private final EndpointsTableConvertor tc = new EndpointsTableConvertor();

    @Test
    void listsAtMostThreeAddressesAndCountsTheRest() {
        assertThat(cells(tc, """
                metadata: {name: web}
                subsets:
                - addresses: [{ip: 10.0.0.1}, {ip: 10.0.0.2}]
                  ports: [{port: 80}, {port: 443}]
                """).get(1)).isEqualTo("10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...");
    }

    @Test
    void headlessAndEmptyEndpoints() {
        assertThat(cells(tc, """
                metadata: {name: h}
                subsets: [{addresses: [{ip: 10.0.0.1}, {ip: "fd00::1"}]}]
                """).get(1)).isEqualTo("10.0.0.1,fd00::1");
        assertThat(cells(tc, """
                metadata: {name: v6}
                subsets: [{addresses: [{ip: "fd00::1"}], ports: [{port: 53}]}]
                """).get(1)).isEqualTo("[fd00::1]:53");
        assertThat(cells(tc, "metadata: {name: none}").get(1)).isEqualTo("<none>");
    }
}
