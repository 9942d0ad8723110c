package io.kube4j.apiserver.resources.core.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apiserver.registry.ListOptions;
import io.kube4j.apiserver.resources.ManualClock;
import io.kube4j.apiserver.resources.MemoryRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Several API servers' reconcilers on one store, as servers sharing etcd run them; time moves by hand. */
class ApiServerEndpointReconcilerTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final MemoryRegistry stores = new MemoryRegistry(clock);

    @AfterEach
    void close() {
        stores.close();
    }

    private ApiServerEndpointReconciler server(String ip, int port) {
        return new ApiServerEndpointReconciler(new MasterLeases(stores.storage, clock, ApiServerEndpointReconciler.TTL),
                new MasterLeases.Lease(ip, port), stores.store("", "endpoints"),
                stores.store("discovery.k8s.io", "endpointslices"));
    }

    /** The addresses of each subset, as "port: ip ip". */
    private List<String> endpoints() {
        List<String> out = new ArrayList<>();
        for (JsonNode subset : stores.store("", "endpoints").get("default", "kubernetes").path("subsets")) {
            StringBuilder s = new StringBuilder(subset.at("/ports/0/port").asText()).append(":");
            subset.path("addresses").forEach(a -> s.append(' ').append(a.path("ip").asText()));
            out.add(s.toString());
        }
        return out;
    }

    /** Every slice of the service, as "name port: ip ip". */
    private List<String> slices() {
        List<String> out = new ArrayList<>();
        for (JsonNode slice : stores.store("discovery.k8s.io", "endpointslices").list("default", ListOptions.all()).items()) {
            StringBuilder s = new StringBuilder(slice.at("/metadata/name").asText()).append(' ')
                    .append(slice.at("/ports/0/port").asText()).append(":");
            slice.path("endpoints").forEach(e -> s.append(' ').append(e.at("/addresses/0").asText()));
            out.add(s.toString());
        }
        return out;
    }

    @Test
    void everyLiveServerIsListedAndACleanStopRemovesItself() {
        ApiServerEndpointReconciler a = server("192.0.2.2", 6443);
        ApiServerEndpointReconciler b = server("192.0.2.1", 6443);
        a.reconcile();
        assertThat(endpoints()).containsExactly("6443: 192.0.2.2");
        b.reconcile();
        assertThat(endpoints()).containsExactly("6443: 192.0.2.1 192.0.2.2");
        assertThat(slices()).containsExactly("kubernetes 6443: 192.0.2.1 192.0.2.2");
        String rv = stores.store("", "endpoints").get("default", "kubernetes").at("/metadata/resourceVersion").asText();
        a.reconcile();
        // nothing changed: nothing written
        assertThat(stores.store("", "endpoints").get("default", "kubernetes").at("/metadata/resourceVersion").asText())
                .isEqualTo(rv);

        b.close();
        assertThat(endpoints()).containsExactly("6443: 192.0.2.2");
        assertThat(slices()).containsExactly("kubernetes 6443: 192.0.2.2");
        b.reconcile();
        assertThat(endpoints()).as("a stopped reconciler no longer renews").containsExactly("6443: 192.0.2.2");
    }

    @Test
    void aKilledServerDropsOutAfterTheTtl() {
        ApiServerEndpointReconciler a = server("192.0.2.1", 6443);
        ApiServerEndpointReconciler killed = server("192.0.2.3", 6443);
        a.reconcile();
        killed.reconcile();
        assertThat(endpoints()).containsExactly("6443: 192.0.2.1 192.0.2.3");
        // the killed one renews no more; the survivor reconciles every interval
        clock.advance(ApiServerEndpointReconciler.INTERVAL);
        a.reconcile();
        assertThat(endpoints()).containsExactly("6443: 192.0.2.1 192.0.2.3");
        clock.advance(ApiServerEndpointReconciler.INTERVAL);
        a.reconcile();
        assertThat(endpoints()).containsExactly("6443: 192.0.2.1");
        assertThat(slices()).containsExactly("kubernetes 6443: 192.0.2.1");
    }

    @Test
    void serversOnOneHostWithOtherPortsGetSlicesOfTheirOwnRemovedWithThem() {
        ApiServerEndpointReconciler a = server("192.0.2.1", 6443);
        ApiServerEndpointReconciler b = server("192.0.2.1", 6444);
        a.reconcile();
        b.reconcile();
        assertThat(endpoints()).containsExactly("6443: 192.0.2.1", "6444: 192.0.2.1");
        assertThat(slices()).containsExactly("kubernetes 6443: 192.0.2.1", "kubernetes-6444 6444: 192.0.2.1");
        b.close();
        assertThat(endpoints()).containsExactly("6443: 192.0.2.1");
        assertThat(slices()).containsExactly("kubernetes 6443: 192.0.2.1");
    }

    @Test
    void theLastServerToStopLeavesItsEndpointsAsUpstreamDoes() {
        ApiServerEndpointReconciler a = server("192.0.2.1", 6443);
        a.reconcile();
        a.close();
        assertThat(endpoints()).containsExactly("6443: 192.0.2.1");
        assertThat(stores.storage.list(MasterLeases.PREFIX, null, 0, 0).items()).isEmpty();
    }

    @Test
    void endpointsChangedByHandAreReset() {
        ApiServerEndpointReconciler a = server("192.0.2.1", 6443);
        a.reconcile();
        var ep = stores.store("", "endpoints").get("default", "kubernetes").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) ep.at("/subsets/0/addresses/0")).put("ip", "192.0.2.99");
        ((com.fasterxml.jackson.databind.node.ObjectNode) ep.get("metadata")).remove("labels");
        stores.store("", "endpoints").update("default", "kubernetes", ep, null,
                io.kube4j.apiserver.registry.WriteOptions.defaults());
        a.reconcile();
        assertThat(endpoints()).containsExactly("6443: 192.0.2.1");
        assertThat(stores.store("", "endpoints").get("default", "kubernetes")
                .at("/metadata/labels/endpointslice.kubernetes.io~1skip-mirror").asText()).isEqualTo("true");
        assertThatThrownBy(() -> stores.store("", "endpoints").get("default", "other"))
                .isInstanceOf(StatusException.class);
    }
}
