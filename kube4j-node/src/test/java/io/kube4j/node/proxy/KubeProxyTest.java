package io.kube4j.node.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kube4j.apiserver.server.ApiServer;

/** The sync loop against an in-process API server, with a recording applier instead of nft. */
class KubeProxyTest {

    @TempDir
    Path dir;
    io.kube4j.node.InProcessApi api;
    ApiServer server;
    KubernetesClient client;
    KubeProxy proxy;
    final List<String> applied = new ArrayList<>();
    final List<Long> appliedAt = new ArrayList<>();
    final AtomicBoolean failNext = new AtomicBoolean();

    @BeforeEach
    void start() throws Exception {
        api = io.kube4j.node.InProcessApi.start(dir);
        server = api.server();
        client = api.client();
        ProxyOptions options = ProxyOptions.defaults("n1", "10.42.0.0/16", "10.43.0.0/16", "kube4j0")
                .withSyncIntervals(Duration.ofMillis(300), Duration.ofSeconds(4));
        proxy = new KubeProxy(options, client, script -> {
            synchronized (applied) {
                if (failNext.getAndSet(false)) {
                    throw new IllegalStateException("nft said no");
                }
                applied.add(script);
                appliedAt.add(System.nanoTime());
            }
        }, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        proxy.close();
        client.close();
        server.close();
    }

    private List<String> applied() {
        synchronized (applied) {
            return List.copyOf(applied);
        }
    }

    private void slice(String... ips) {
        EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withName("web-1").withNamespace("default")
                .addToLabels("kubernetes.io/service-name", "web").endMetadata().withAddressType("IPv4")
                .addNewPort().withPort(8080).withProtocol("TCP").endPort();
        for (String ip : ips) {
            b.addNewEndpoint().withAddresses(ip).withNewConditions().withReady(true).endConditions().endEndpoint();
        }
        EndpointSlice s = b.build();
        client.discovery().v1().endpointSlices().inNamespace("default").resource(s).createOr(x -> x.update());
    }

    @Test
    void syncsChangesCoalescedAtTheMinimumIntervalAndResyncsPeriodically() throws Exception {
        var svc = client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName("web")
                .endMetadata().withNewSpec().addNewPort().withPort(80).withNewTargetPort(8080).endPort().endSpec()
                .build()).create();
        String clusterIp = svc.getSpec().getClusterIP();
        proxy.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> applied().stream()
                .anyMatch(s -> s.contains(clusterIp + " . tcp . 80 : goto reject-chain")));
        assertThat(applied().getFirst()).contains("delete table ip kube4j-proxy");

        slice("10.42.0.7");
        await().atMost(Duration.ofSeconds(10)).until(() -> applied().getLast().contains("dnat to 10.42.0.7:8080"));
        assertThat(applied().getLast()).doesNotContain("delete table").contains("flush map ip kube4j-proxy service-ips");

        // a burst of changes: coalesced, and syncs stay at least the minimum interval apart
        int before = applied().size();
        for (int i = 10; i < 20; i++) {
            slice("10.42.0." + i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> applied().getLast().contains("dnat to 10.42.0.19:8080"));
        assertThat(applied().size() - before).as("10 changes, fewer syncs").isLessThan(10);
        synchronized (applied) {
            for (int i = before + 1; i < appliedAt.size(); i++) {
                assertThat(appliedAt.get(i) - appliedAt.get(i - 1)).as("syncs start >= 300 ms apart; building takes a little").isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
            }
        }
        assertThat(proxy.latencies()).isNotEmpty();
        assertThat(proxy.lastSync()).isNotNull();

        // a failed transaction: retried with a fresh table
        failNext.set(true);
        slice("10.42.0.30");
        await().atMost(Duration.ofSeconds(10)).until(() -> applied().getLast().contains("dnat to 10.42.0.30:8080"));
        assertThat(applied().getLast()).contains("delete table ip kube4j-proxy");

        // nothing changes: a full sync still comes
        int n = applied().size();
        await().atMost(Duration.ofSeconds(8)).until(() -> applied().size() > n);
        assertThat(applied().getLast()).contains("dnat to 10.42.0.30:8080");
    }
}
