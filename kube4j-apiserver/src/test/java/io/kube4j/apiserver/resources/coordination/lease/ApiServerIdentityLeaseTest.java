package io.kube4j.apiserver.resources.coordination.lease;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.registry.Store;
import io.kube4j.apiserver.registry.WriteOptions;
import io.kube4j.apiserver.resources.ManualClock;
import io.kube4j.apiserver.resources.MemoryRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiServerIdentityLeaseTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final MemoryRegistry stores = new MemoryRegistry(clock);
    private final Store leases = stores.store("coordination.k8s.io", "leases");

    @AfterEach
    void close() {
        stores.close();
    }

    @Test
    void theNameIsUpstreamsHashOfTheHostName() {
        // computed independently (Python hashlib/base64) the way upstream's NewConfig builds the identity
        assertThat(ApiServerIdentityLease.name("test-server-a")).isEqualTo("apiserver-tcwjsvs6hjq4qbwzx5rvp5fsqe");
        assertThat(ApiServerIdentityLease.name("master-1")).isEqualTo("apiserver-wj467rbl25eeviqacfhvg2yvnm");
    }

    @Test
    void renewCreatesTheLabelledLeaseAndAServerOnTheSameHostTakesItOver() {
        ApiServerIdentityLease first = new ApiServerIdentityLease(leases, clock, "master-1");
        first.renew();
        ObjectNode lease = leases.get("kube-system", "apiserver-wj467rbl25eeviqacfhvg2yvnm");
        assertThat(lease.at("/metadata/labels/apiserver.kubernetes.io~1identity").asText()).isEqualTo("kube-apiserver");
        assertThat(lease.at("/metadata/labels/kubernetes.io~1hostname").asText()).isEqualTo("master-1");
        assertThat(lease.at("/spec/holderIdentity").asText())
                .startsWith("apiserver-wj467rbl25eeviqacfhvg2yvnm_").isEqualTo(first.holderIdentity());
        assertThat(lease.at("/spec/leaseDurationSeconds").asInt()).isEqualTo(3600);
        assertThat(lease.at("/spec/renewTime").asText()).isEqualTo("2025-01-01T00:00:00.000000Z");

        clock.advance(Duration.ofSeconds(10));
        ApiServerIdentityLease second = new ApiServerIdentityLease(leases, clock, "master-1");
        second.renew();
        lease = leases.get("kube-system", "apiserver-wj467rbl25eeviqacfhvg2yvnm");
        assertThat(lease.at("/spec/holderIdentity").asText()).isEqualTo(second.holderIdentity())
                .isNotEqualTo(first.holderIdentity());
        assertThat(lease.at("/spec/renewTime").asText()).isEqualTo("2025-01-01T00:00:10.000000Z");
    }

    @Test
    void garbageCollectionDeletesOnlyExpiredIdentityLeases() {
        ApiServerIdentityLease gone = new ApiServerIdentityLease(leases, clock, "gone");
        gone.renew();
        leases.create("kube-system", (ObjectNode) Json.parse("""
                {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"kube-controller-manager"},
                 "spec":{"holderIdentity":"x","leaseDurationSeconds":15,"renewTime":"2024-01-01T00:00:00.000000Z"}}"""),
                WriteOptions.defaults());
        clock.advance(Duration.ofSeconds(3600));
        ApiServerIdentityLease live = new ApiServerIdentityLease(leases, clock, "live");
        live.renew();
        // renewed exactly its duration ago: not expired yet
        assertThat(live.collectGarbage()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(live.collectGarbage()).isEqualTo(1);
        assertThatThrownBy(() -> leases.get("kube-system", gone.name())).isInstanceOf(StatusException.class);
        assertThat(leases.get("kube-system", live.name())).isNotNull();
        // not an identity lease: left alone although long expired
        assertThat(leases.get("kube-system", "kube-controller-manager")).isNotNull();
    }
}
