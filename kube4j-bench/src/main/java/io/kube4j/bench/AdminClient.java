package io.kube4j.bench;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A blocking HTTP/2 client (java.net.http, one connection) authenticated with the cluster's admin
 * certificate. Thread-safe (requests multiplex on the connection); benchmarks that want N separate
 * clients make N of these.
 */
final class AdminClient implements AutoCloseable {
    static final String JSON = "application/json";
    static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";

    /** Status and body of one response. */
    record Reply(int status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final URI base;
    private final HttpClient http;

    AdminClient(URI base, SSLContext ssl) {
        this.base = base;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(ssl)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    Reply get(String path, String accept) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Accept", accept).GET());
    }

    Reply post(String path, byte[] json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", JSON).header("Accept", JSON)
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)));
    }

    /** PUT (update) of a whole object. */
    Reply put(String path, byte[] json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", JSON).header("Accept", JSON)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(json)));
    }

    Reply mergePatch(String path, byte[] json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/merge-patch+json")
                .header("Accept", JSON).method("PATCH", HttpRequest.BodyPublishers.ofByteArray(json)));
    }

    Reply delete(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Accept", JSON).DELETE());
    }

    /** Opens a watch (or any streamed GET) and hands each line to {@code line} until the stream ends. */
    java.util.concurrent.CompletableFuture<Void> streamLines(String path, java.util.function.Consumer<String> line) {
        return http.sendAsync(HttpRequest.newBuilder(base.resolve(path)).header("Accept", JSON).GET().build(),
                        HttpResponse.BodyHandlers.ofLines())
                .thenAccept(r -> r.body().forEach(line));
    }

    private Reply send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(b.timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(r.statusCode(), r.body());
    }

    /**
     * Creates a namespace (an existing one is fine) and its {@code default} ServiceAccount (an existing one is
     * fine): the ServiceAccount admission plugin refuses pods without it, as upstream's does.
     */
    void ensureNamespace(String name) throws IOException, InterruptedException {
        Reply r = post("/api/v1/namespaces", ("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
                + name + "\"}}").getBytes(StandardCharsets.UTF_8));
        if (r.status() != 201 && r.status() != 409) {
            throw new IOException("create namespace " + name + ": HTTP " + r.status() + " " + r.text());
        }
        // the account the service account controller would make; servers without controllers have none
        Reply sa = post("/api/v1/namespaces/" + name + "/serviceaccounts",
                "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"default\"}}"
                        .getBytes(StandardCharsets.UTF_8));
        if (sa.status() != 201 && sa.status() != 409) {
            throw new IOException("create serviceaccount " + name + "/default: HTTP " + sa.status() + " " + sa.text());
        }
    }

    /** A minimal pod: one container, one label, optionally one annotation. */
    static byte[] pod(String name, String annotationKey, String annotationValue) {
        String ann = annotationKey == null ? "" : ",\"annotations\":{\"" + annotationKey + "\":\"" + annotationValue + "\"}";
        return ("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name
                + "\",\"labels\":{\"app\":\"bench\"}" + ann + "},\"spec\":{\"containers\":[{\"name\":\"app\","
                + "\"image\":\"registry.k8s.io/pause:3.10\"}]}}").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        http.close();
    }
}
