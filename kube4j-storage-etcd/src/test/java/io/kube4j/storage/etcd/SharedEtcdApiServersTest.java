package io.kube4j.storage.etcd;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.kube4j.apiserver.server.ApiServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two API servers with data dirs of their own on one etcd, as a highly available control plane runs: the second
 * takes the cluster's CA, service-account key and join token from the store, so a client of one is a client of the
 * other, a watch on one sees what is written through the other with the same resourceVersion, and the kubernetes
 * service's endpoints list both.
 */
class SharedEtcdApiServersTest {
    private static EtcdCluster etcd;
    private static ApiServer first;
    private static ApiServer second;
    @TempDir
    static Path dirs;

    @BeforeAll
    static void start() throws Exception {
        etcd = EtcdCluster.single();
        EtcdOptions options = etcd.options(EtcdOptions.DEFAULT_PREFIX);
        first = InProcessApiServers.start(dirs.resolve("a"), options, "192.0.2.1");
        second = InProcessApiServers.start(dirs.resolve("b"), options, "192.0.2.2");
    }

    private static KubernetesClient client(ApiServer server, ApiServer credentials) {
        return InProcessApiServers.client(server, credentials);
    }

    @AfterAll
    static void stop() {
        InProcessApiServers.closeAll(second, first, etcd);
    }

    @Test
    void theKubernetesServiceListsBothServers() {
        try (KubernetesClient viaSecond = client(second, first)) {
            assertThat(viaSecond.endpoints().inNamespace("default").withName("kubernetes").get().getSubsets()
                    .getFirst().getAddresses()).extracting(EndpointAddress::getIp).containsExactly("192.0.2.1", "192.0.2.2");
            assertThat(viaSecond.discovery().v1().endpointSlices().inNamespace("default").withName("kubernetes").get()
                    .getEndpoints()).extracting(e -> e.getAddresses().getFirst()).containsExactly("192.0.2.1", "192.0.2.2");
        }
    }

    @Test
    void bothServersShareTheClusterIdentity() throws Exception {
        assertThat(second.pki().caPem()).isEqualTo(first.pki().caPem());
        assertThat(Files.readString(dirs.resolve("b/tls/service-account.pub")))
                .isEqualTo(Files.readString(dirs.resolve("a/tls/service-account.pub")));
        assertThat(second.nodeJoin().token()).isEqualTo(first.nodeJoin().token());
        // the second server's own certificate is issued by the shared CA
        second.pki().server().certificate().verify(first.pki().ca().certificate().getPublicKey());
    }

    @Test
    @Timeout(60)
    void aWatchOnOneServerSeesWritesThroughTheOther() {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (KubernetesClient viaFirst = client(first, first);
             KubernetesClient viaSecond = client(second, first);
             Watch w = viaSecond.configMaps().watch(new Watcher<>() {
                 @Override
                 public void eventReceived(Action action, ConfigMap cm) {
                     seen.add(action + " " + cm.getMetadata().getName() + " " + cm.getMetadata().getResourceVersion());
                 }

                 @Override
                 public void onClose(WatcherException cause) {
                 }
             })) {
            ConfigMap created = viaFirst.configMaps().resource(new ConfigMapBuilder().withNewMetadata()
                    .withName("shared").endMetadata().withData(Map.of("k", "v")).build()).create();
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains(
                    "ADDED shared " + created.getMetadata().getResourceVersion()));
            // reads through the second server see the first's write, and its writes conflict as one store's would
            ConfigMap read = viaSecond.configMaps().withName("shared").get();
            assertThat(read.getMetadata().getResourceVersion()).isEqualTo(created.getMetadata().getResourceVersion());
            ConfigMap updated = viaSecond.configMaps().withName("shared")
                    .edit(cm -> new ConfigMapBuilder(cm).addToData("k2", "v2").build());
            assertThat(viaFirst.configMaps().withName("shared").get().getData()).containsEntry("k2", "v2");
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains(
                    "MODIFIED shared " + updated.getMetadata().getResourceVersion()));
        }
    }
}
