package io.kube4j.controllers.nodeipam;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CidrSetTest {
    @Test
    void handsOutBlocksLowestFirstAndReusesReleasedOnes() {
        var set = new NodeIpamController.CidrSet("10.42.0.0/16", 24);
        set.occupy("10.42.0.0/24");
        assertThat(set.allocateNext()).isEqualTo("10.42.1.0/24");
        assertThat(set.allocateNext()).isEqualTo("10.42.2.0/24");
        set.release("10.42.1.0/24");
        assertThat(set.allocateNext()).isEqualTo("10.42.1.0/24");
        set.occupy("192.168.0.0/24");
        assertThat(set.allocateNext()).isEqualTo("10.42.3.0/24");
    }

    @Test
    void runsOutAtTheEndOfTheRange() {
        var set = new NodeIpamController.CidrSet("10.42.0.0/23", 24);
        assertThat(set.allocateNext()).isEqualTo("10.42.0.0/24");
        assertThat(set.allocateNext()).isEqualTo("10.42.1.0/24");
        assertThat(set.allocateNext()).isNull();
    }
}
