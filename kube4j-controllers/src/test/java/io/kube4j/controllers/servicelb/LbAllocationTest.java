package io.kube4j.controllers.servicelb;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LbAllocationTest {
    private final AddressPool pool = AddressPool.parse("127.0.0.100-127.0.0.102");

    @Test
    void poolsFromRangesAndCidrs() {
        assertThat(pool.addresses()).containsExactly("127.0.0.100", "127.0.0.101", "127.0.0.102");
        assertThat(AddressPool.parse("10.9.8.7/30").addresses())
                .containsExactly("10.9.8.4", "10.9.8.5", "10.9.8.6", "10.9.8.7");
        assertThat(AddressPool.parse("127.0.0.5").addresses()).containsExactly("127.0.0.5");
        assertThatThrownBy(() -> AddressPool.parse("127.0.0.9-127.0.0.1")).hasMessageContaining("empty");
        assertThatThrownBy(() -> AddressPool.parse("127.0.0.300-127.0.1.1")).hasMessageContaining("not an IPv4");
        assertThatThrownBy(() -> AddressPool.parse("10.0.0.0/8")).hasMessageContaining("larger than");
    }

    @Test
    void sharesAnAddressWhenPortsDoNotClash() {
        var a = new LbAllocation.Holder("ns/a", "127.0.0.100", Set.of("TCP/80"));
        assertThat(LbAllocation.choose(pool, null, null, Set.of("TCP/8080"), List.of(a))).hasValue("127.0.0.100");
        assertThat(LbAllocation.choose(pool, null, null, Set.of("TCP/80"), List.of(a))).hasValue("127.0.0.101");
        // same number, other protocol: no clash
        assertThat(LbAllocation.choose(pool, null, null, Set.of("UDP/80"), List.of(a))).hasValue("127.0.0.100");
    }

    @Test
    void keepsItsCurrentAddressAndHonoursTheRequestedOne() {
        var a = new LbAllocation.Holder("ns/a", "127.0.0.100", Set.of("TCP/80"));
        assertThat(LbAllocation.choose(pool, null, "127.0.0.102", Set.of("TCP/81"), List.of(a)))
                .hasValue("127.0.0.102");
        assertThat(LbAllocation.choose(pool, "127.0.0.101", null, Set.of("TCP/80"), List.of(a)))
                .hasValue("127.0.0.101");
        // requested but taken for that port, or outside the pool: stays pending rather than taking another
        assertThat(LbAllocation.choose(pool, "127.0.0.100", null, Set.of("TCP/80"), List.of(a))).isEmpty();
        assertThat(LbAllocation.choose(pool, "127.0.0.9", null, Set.of("TCP/80"), List.of())).isEmpty();
        // a current address now outside the pool is given up for one inside
        assertThat(LbAllocation.choose(pool, null, "127.0.0.9", Set.of("TCP/80"), List.of(a)))
                .hasValue("127.0.0.101");
    }

    @Test
    void pendingWhenThePoolIsFull() {
        List<LbAllocation.Holder> all = pool.addresses().stream()
                .map(ip -> new LbAllocation.Holder("ns/" + ip, ip, Set.of("TCP/80"))).toList();
        assertThat(LbAllocation.choose(pool, null, null, Set.of("TCP/80", "TCP/443"), all)).isEmpty();
        assertThat(LbAllocation.choose(new AddressPool(List.of()), null, null, Set.of("TCP/80"), List.of())).isEmpty();
    }
}
