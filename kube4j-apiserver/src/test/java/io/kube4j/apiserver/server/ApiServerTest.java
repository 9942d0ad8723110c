package io.kube4j.apiserver.server;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The API server in-process, driven by the fabric8 client: the generic verbs end to end over HTTPS. */
class ApiServerTest extends InProcessServerTest {

    private static ConfigMap cm(String name, Map<String, String> labels) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .addToData("k", "v").build();
    }

    @Test
    void systemNamespacesAndKubernetesServiceExist() {
        assertThat(client.namespaces().list().getItems()).extracting(n -> n.getMetadata().getName())
                .contains("default", "kube-system", "kube-public", "kube-node-lease");
        assertThat(client.services().inNamespace("default").withName("kubernetes").get().getSpec().getClusterIP())
                .isEqualTo("10.43.0.1");
    }

    @Test
    void createGetUpdateDelete() {
        ConfigMap created = client.configMaps().resource(cm("crud", Map.of("app", "a"))).create();
        assertThat(created.getMetadata().getUid()).isNotBlank();
        assertThat(created.getMetadata().getResourceVersion()).isNotBlank();
        assertThat(created.getMetadata().getCreationTimestamp()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        ConfigMap got = client.configMaps().withName("crud").get();
        assertThat(got.getData()).containsEntry("k", "v");
        got.getData().put("k", "w");
        ConfigMap updated = client.configMaps().resource(got).update();
        assertThat(Long.parseLong(updated.getMetadata().getResourceVersion()))
                .isGreaterThan(Long.parseLong(created.getMetadata().getResourceVersion()));
        // a stale resourceVersion conflicts with upstream's message
        assertThatThrownBy(() -> client.configMaps().resource(got).update())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> {
                    KubernetesClientException k = (KubernetesClientException) e;
                    assertThat(k.getCode()).isEqualTo(409);
                    assertThat(k.getStatus().getMessage()).isEqualTo("Operation cannot be fulfilled on configmaps \"crud\": "
                            + "the object has been modified; please apply your changes to the latest version and try again");
                });
        assertThat(client.configMaps().withName("crud").delete()).hasSize(1);
        assertThat(client.configMaps().withName("crud").get()).isNull();
    }

    @Test
    void concurrentPatchesWithoutResourceVersionAllLand() throws Exception {
        client.configMaps().resource(cm("racing", Map.of())).create();
        int writers = 8;
        int each = 25;
        List<Thread> threads = new java.util.ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int w = 0; w < writers; w++) {
            int id = w;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < each; i++) {
                    try {
                        client.configMaps().withName("racing").patch(
                                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                                        io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                                "{\"data\":{\"w" + id + "\":\"" + i + "\"}}");
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        // a patch names no resourceVersion: losing a race to another writer is retried by the server, never a 409
        assertThat(failures).isEmpty();
        Map<String, String> data = client.configMaps().withName("racing").get().getData();
        for (int w = 0; w < writers; w++) {
            assertThat(data).containsEntry("w" + w, Integer.toString(each - 1));
        }
    }

    @Test
    void duplicateCreateIsAlreadyExists() {
        client.configMaps().resource(cm("dup", Map.of())).create();
        assertThatThrownBy(() -> client.configMaps().resource(cm("dup", Map.of())).create())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getStatus().getReason()).isEqualTo("AlreadyExists"));
    }

    @Test
    void labelSelectorsOfEveryForm() {
        client.configMaps().resource(cm("sel-a", Map.of("env", "prod", "tier", "web"))).create();
        client.configMaps().resource(cm("sel-b", Map.of("env", "devel"))).create();
        client.configMaps().resource(cm("sel-c", Map.of("other", "x"))).create();
        assertThat(names(client.configMaps().withLabel("env", "prod").list().getItems())).containsExactly("sel-a");
        assertThat(names(client.configMaps().withLabelIn("env", "prod", "devel").list().getItems()))
                .containsExactly("sel-a", "sel-b");
        assertThat(names(client.configMaps().withLabelNotIn("env", "prod").list().getItems()))
                .contains("sel-b", "sel-c").doesNotContain("sel-a");
        assertThat(names(client.configMaps().withLabel("env").list().getItems())).containsExactly("sel-a", "sel-b");
        assertThat(names(client.configMaps().withoutLabel("env").list().getItems())).contains("sel-c")
                .doesNotContain("sel-a", "sel-b");
        assertThat(names(client.configMaps().withoutLabel("env", "prod").list().getItems())).contains("sel-b", "sel-c")
                .doesNotContain("sel-a");
    }

    @Test
    void fieldSelectorOnName() {
        client.configMaps().resource(cm("fs-one", Map.of())).create();
        client.configMaps().resource(cm("fs-two", Map.of())).create();
        assertThat(names(client.configMaps().withField("metadata.name", "fs-two").list().getItems()))
                .containsExactly("fs-two");
    }

    @Test
    void pagingWithLimitAndContinue() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("paging").endMetadata().build()).create();
        for (int i = 0; i < 7; i++) {
            client.configMaps().inNamespace("paging").resource(cm("p" + i, Map.of())).create();
        }
        var first = client.configMaps().inNamespace("paging").list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
                .withLimit(3L).build());
        assertThat(first.getItems()).hasSize(3);
        assertThat(first.getMetadata().getContinue()).isNotBlank();
        var second = client.configMaps().inNamespace("paging").list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
                .withLimit(3L).withContinue(first.getMetadata().getContinue()).build());
        assertThat(names(second.getItems())).containsExactly("p3", "p4", "p5");
        var third = client.configMaps().inNamespace("paging").list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
                .withLimit(3L).withContinue(second.getMetadata().getContinue()).build());
        assertThat(names(third.getItems())).containsExactly("p6");
        assertThat(third.getMetadata().getContinue()).isNull();
    }

    @Test
    void watchSeesLaterChanges() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Watch w = client.configMaps().withLabel("watch", "me").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ConfigMap resource) {
                seen.add(action + " " + resource.getMetadata().getName());
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            client.configMaps().resource(cm("watched", Map.of("watch", "me"))).create();
            client.configMaps().withName("watched").edit(c -> {
                c.getData().put("x", "y");
                return c;
            });
            client.configMaps().withName("watched").delete();
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 3);
        }
        assertThat(seen).containsExactly("ADDED watched", "MODIFIED watched", "DELETED watched");
    }

    @Test
    void scaleSubresourceChangesReplicas() {
        Deployment d = new DeploymentBuilder().withNewMetadata().withName("scaled").endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", "scaled").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "scaled").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec()
                .endTemplate().endSpec().build();
        client.apps().deployments().resource(d).create();
        client.apps().deployments().withName("scaled").scale(3);
        assertThat(client.apps().deployments().withName("scaled").get().getSpec().getReplicas()).isEqualTo(3);
        assertThat(client.apps().deployments().withName("scaled").get().getMetadata().getGeneration()).isEqualTo(2L);
    }

    @Test
    void namespaceDeletionRemovesContent() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("doomed").endMetadata().build()).create();
        client.configMaps().inNamespace("doomed").resource(cm("inside", Map.of())).create();
        client.namespaces().withName("doomed").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> client.namespaces().withName("doomed").get() == null);
        assertThat(client.configMaps().inNamespace("doomed").list().getItems()).isEmpty();
    }

    @Test
    void createInMissingNamespaceIsNotFound() {
        assertThatThrownBy(() -> client.configMaps().inNamespace("nowhere").resource(cm("x", Map.of())).create())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getStatus().getMessage())
                        .isEqualTo("namespaces \"nowhere\" not found"));
    }

    @Test
    void requestsWithoutCredentialsAreUnauthorizedButHealthIsOpen() throws Exception {
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, new TrustManager[]{new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) {
            }

            public void checkServerTrusted(X509Certificate[] c, String a) {
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        HttpClient http = HttpClient.newBuilder().sslContext(trustAll).build();
        HttpResponse<String> pods = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/pods")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(pods.statusCode()).isEqualTo(401);
        assertThat(pods.body()).contains("\"reason\":\"Unauthorized\"");
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("ok");
    }

    @Test
    void metricsCountRequestsByVerbAndResource() throws Exception {
        client.configMaps().resource(cm("counted", Map.of())).create();
        client.configMaps().withName("counted").get();
        String metrics = client.getHttpClient().sendAsync(client.getHttpClient().newHttpRequestBuilder()
                .uri(server.url() + "/metrics").build(), String.class).get().body();
        assertThat(metrics).containsPattern("apiserver_request_total\\{.*resource=\"configmaps\".*verb=\"POST\".*} [1-9]");
        assertThat(metrics).containsPattern("apiserver_request_total\\{.*resource=\"configmaps\".*verb=\"GET\".*} [1-9]");
        assertThat(metrics).contains("apiserver_request_duration_seconds_bucket");
    }

    private static List<String> names(List<? extends io.fabric8.kubernetes.api.model.HasMetadata> items) {
        return items.stream().map(i -> i.getMetadata().getName()).sorted().toList();
    }
}
