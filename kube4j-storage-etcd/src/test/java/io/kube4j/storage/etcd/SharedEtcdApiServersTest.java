package io.kube4j.storage.etcd;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.kube4j.apiserver.resources.admission.AdmissionPlugins;
import io.kube4j.apiserver.server.ApiServer;
import io.kube4j.apiserver.server.ApiServerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two API servers with data dirs of their own on one etcd, as a highly available control plane runs: the second
 * takes the cluster's CA, service-account key and join token from the store, so a client of one is a client of the
 * other, and a watch on one sees what is written through the other with the same resourceVersion.
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
        first = server(dirs.resolve("a"), options);
        second = server(dirs.resolve("b"), options);
    }

    private static ApiServer server(Path dir, EtcdOptions options) throws Exception {
        return new ApiServer(new ApiServerOptions(dir, "127.0.0.1", 0, "etcd", null, null, null,
                AdmissionPlugins.without("ServiceAccount")), () -> new EtcdStorage(options)).start();
    }

    /** A client of {@code server} with the admin credentials {@code credentials} holds. */
    private static KubernetesClient client(ApiServer server, ApiServer credentials) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("https://127.0.0.1:" + server.port())
                .withCaCertData(b64(credentials.pki().ca().certPem()))
                .withClientCertData(b64(credentials.pki().admin().certPem()))
                .withClientKeyData(b64(credentials.pki().admin().keyPem()))
                .withClientKeyAlgo("EC").withNamespace("default").build()).build();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[]{second, first, etcd}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // closing anyway
            }
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

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
