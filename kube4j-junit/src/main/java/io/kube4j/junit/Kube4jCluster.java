package io.kube4j.junit;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kube4j.apiserver.server.ApiServer;
import io.kube4j.apiserver.server.ApiServerOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A kube4j cluster in this JVM: an API server on a free loopback port, with admin clients for it.
 * Start with {@link #start}, stop with {@link #close}; thread-safe once started. It runs no controllers, so the
 * ServiceAccount admission is off (no {@code default} account would ever appear for pods to run as).
 */
public final class Kube4jCluster implements AutoCloseable {
    private static final java.util.Set<String> NO_SERVICE_ACCOUNT =
            io.kube4j.apiserver.resources.admission.AdmissionPlugins.without(
                    io.kube4j.apiserver.resources.admission.AdmissionPlugins.SERVICE_ACCOUNT);

    private final ApiServer server;
    private final Path dataDir;
    private final List<KubernetesClient> clients = new ArrayList<>();

    private Kube4jCluster(ApiServer server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
    }

    /** Starts a cluster with the given storage backend ("memory" or "embedded"). */
    public static Kube4jCluster start(String storage) {
        try {
            Path dir = Files.createTempDirectory("kube4j-test");
            ApiServer server = new ApiServer(new ApiServerOptions(dir, "127.0.0.1", 0, storage, null, null, null,
                    NO_SERVICE_ACCOUNT)).start();
            return new Kube4jCluster(server, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("kube4j cluster did not start", e);
        }
    }

    /** The API server's URL, e.g. {@code https://127.0.0.1:41234}. */
    public String url() {
        return "https://127.0.0.1:" + server.port();
    }

    /** A fabric8 client config for the admin user (client certificate, {@code system:masters}). */
    public Config adminConfig() {
        return new ConfigBuilder()
                .withMasterUrl(url())
                .withCaCertData(b64(server.pki().ca().certPem()))
                .withClientCertData(b64(server.pki().admin().certPem()))
                .withClientKeyData(b64(server.pki().admin().keyPem()))
                .withClientKeyAlgo("EC")
                .withNamespace("default")
                .build();
    }

    /** A new admin client; the cluster closes it when it stops. */
    public synchronized KubernetesClient newClient() {
        KubernetesClient c = new KubernetesClientBuilder().withConfig(adminConfig()).build();
        clients.add(c);
        return c;
    }

    /** The kubeconfig of the admin user, for kubectl or other clients. */
    public String kubeconfig() {
        return io.kube4j.apiserver.pki.AdminKubeconfig.render(url(), server.pki());
    }

    /** The server itself, for what the clients cannot reach. */
    public ApiServer apiServer() {
        return server;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public synchronized void close() {
        clients.forEach(KubernetesClient::close);
        clients.clear();
        server.close();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
