package io.kube4j.apiserver.resources.core.endpoints;

import io.kube4j.apiserver.resources.ManualClock;
import io.kube4j.storage.memory.MemoryStorage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class MasterLeasesTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final MemoryStorage storage = new MemoryStorage();
    private final MasterLeases leases = new MasterLeases(storage, clock, Duration.ofSeconds(15));
    private final MasterLeases.Lease a = new MasterLeases.Lease("192.0.2.2", 6443);
    private final MasterLeases.Lease b = new MasterLeases.Lease("192.0.2.1", 6444);

    @Test
    void listsRenewedServersInAddressOrder() {
        leases.renew(a);
        leases.renew(b);
        leases.renew(a);
        assertThat(leases.list()).containsExactly(b, a);
    }

    @Test
    void aServerNotRenewedForTheTtlDropsOutAndItsRecordIsDeleted() {
        leases.renew(a);
        leases.renew(b);
        clock.advance(Duration.ofSeconds(10));
        leases.renew(a);
        clock.advance(Duration.ofSeconds(5));
        // b was renewed exactly the TTL ago: still live
        assertThat(leases.list()).containsExactly(b, a);
        clock.advance(Duration.ofSeconds(1));
        assertThat(leases.list()).containsExactly(a);
        assertThat(storage.get(MasterLeases.PREFIX + "192.0.2.1:6444")).isNull();
        // renewing brings it back
        leases.renew(b);
        assertThat(leases.list()).containsExactly(b, a);
    }

    @Test
    void removeDeletesTheRecordAndIgnoresAMissingOne() {
        leases.renew(a);
        leases.remove(a);
        leases.remove(a);
        assertThat(leases.list()).isEmpty();
        assertThat(storage.list(MasterLeases.PREFIX, null, 0, 0).items()).isEmpty();
    }
}
