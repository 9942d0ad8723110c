package io.kube4j.storage.etcd;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
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

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The API server on etcd: objects written through the fabric8 client land under upstream's keys (read with
 * etcdctl, as an operator would), and list and watch work through the cache the etcd watch feeds.
 */
class EtcdApiServerTest {
    private static EtcdCluster etcd;
    private static ApiServer server;
    private static KubernetesClient client;
    @TempDir
    static Path dataDir;

    @BeforeAll
    static void start() throws Exception {
        etcd = EtcdCluster.single();
        server = InProcessApiServers.start(dataDir, etcd.options(EtcdOptions.DEFAULT_PREFIX));
        client = InProcessApiServers.client(server, server);
    }

    @AfterAll
    static void stop() {
        InProcessApiServers.closeAll(client, server, etcd);
    }

    @Test
    @Timeout(60)
    void configMapsAreStoredUnderUpstreamsKeysAndListAndWatchWork() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        try (Watch w = client.configMaps().inNamespace("default").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ConfigMap cm) {
                events.add(action + " " + cm.getMetadata().getName() + " " + cm.getMetadata().getResourceVersion());
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            ConfigMap created = client.configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                    .withNewMetadata().withName("on-etcd").endMetadata()
                    .withData(Map.of("k", "v")).build()).create();
            ConfigMap updated = client.configMaps().inNamespace("default").withName("on-etcd")
                    .edit(cm -> new ConfigMapBuilder(cm).addToData("k2", "v2").build());

            assertThat(client.configMaps().inNamespace("default").list().getItems())
                    .extracting(cm -> cm.getMetadata().getName()).contains("on-etcd");
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 2);
            assertThat(events).containsSubsequence(
                    "ADDED on-etcd " + created.getMetadata().getResourceVersion(),
                    "MODIFIED on-etcd " + updated.getMetadata().getResourceVersion());
        }

        // etcd's revision is the resourceVersion, and the key is upstream's
        String out = etcdctl("get", "--prefix", "/registry/configmaps/default/on-etcd", "-w", "fields");
        assertThat(out).contains("\"Key\" : \"/registry/configmaps/default/on-etcd\"");
        String rv = client.configMaps().inNamespace("default").withName("on-etcd").get()
                .getMetadata().getResourceVersion();
        assertThat(out).contains("\"ModRevision\" : " + rv);
        assertThat(out).contains("\\\"k2\\\":\\\"v2\\\"");
        // the bootstrap's objects are there too, under upstream's names
        assertThat(etcdctl("get", "--prefix", "--keys-only", "/registry/namespaces/"))
                .contains("/registry/namespaces/default", "/registry/namespaces/kube-system");
        assertThat(etcdctl("get", "--prefix", "--keys-only", "/registry/services/specs/"))
                .contains("/registry/services/specs/default/kubernetes");

        client.configMaps().inNamespace("default").withName("on-etcd").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> etcdctl("get", "--prefix", "--keys-only",
                "/registry/configmaps/default/on-etcd").isBlank());
    }

    private static String etcdctl(String... args) throws Exception {
        Path etcdctl = Path.of("/usr/bin/etcdctl");
        assertThat(etcdctl).as("etcdctl from Debian's etcd-client package").isExecutable();
        List<String> cmd = new java.util.ArrayList<>(List.of(etcdctl.toString(),
                "--endpoints", etcd.endpoints().get(0).toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ETCDCTL_API", "3");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
