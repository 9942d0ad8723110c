package io.kube4j.node.dns;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResolvConfTest {
    @Test
    void parsesNameserversLastSearchLineAndOptions() {
        ResolvConf c = ResolvConf.parse("""
                # generated
                nameserver 10.0.0.2
                domain corp.example
                search a.example b.example.   # comment
                nameserver 10.0.0.3 ; also a comment
                options ndots:2 edns0
                """);
        assertThat(c.nameservers()).containsExactly("10.0.0.2", "10.0.0.3");
        assertThat(c.searches()).containsExactly("a.example", "b.example");
        assertThat(c.options()).containsExactly("ndots:2", "edns0");
    }

    @Test
    void missingFileIsEmpty() throws Exception {
        assertThat(ResolvConf.read(java.nio.file.Path.of("/nonexistent/resolv.conf"))).isEqualTo(ResolvConf.EMPTY);
        assertThat(ResolvConf.read(null)).isEqualTo(ResolvConf.EMPTY);
    }

    @Test
    void upstreamAddresses() {
        assertThat(UpstreamForwarder.parseUpstream("127.0.0.1:5353").getPort()).isEqualTo(5353);
        assertThat(UpstreamForwarder.parseUpstream("127.0.0.1").getPort()).isEqualTo(53);
        assertThat(UpstreamForwarder.parseUpstream("[::1]:54").getPort()).isEqualTo(54);
        assertThat(UpstreamForwarder.parseUpstream("::1").getPort()).isEqualTo(53);
        assertThatThrownBy(() -> UpstreamForwarder.parseUpstream("127.0.0.1:99999"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
