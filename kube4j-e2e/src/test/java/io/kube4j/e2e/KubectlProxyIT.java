package io.kube4j.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kube4j.e2e.node.NodePods;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kubectl proxy} against kube4j: kubectl serves plain HTTP on loopback and forwards to the API server with
 * the kubeconfig's credentials; the test reads discovery, the version and a pod list through it.
 */
@Kube4jE2E
class KubectlProxyIT {
    private static final Pattern SERVING = Pattern.compile("Starting to serve on 127\\.0\\.0\\.1:(\\d+)");

    @Test
    void proxyServesTheApiOnLoopback(TestNamespace ns) throws Exception {
        assertThat(ns.kubectl().runWithStdin(NodePods.kubia("proxied"), "apply", "-f", "-")).succeeds();
        try (Kubectl.Background proxy = ns.kubectl().start("proxy", "--port=0")) {
            int port = awaitPort(proxy);
            HttpClient http = HttpClient.newBuilder()
                    // HTTP/1.1 only: an h2c upgrade offer would make kubectl proxy treat the GET as an upgrade
                    .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            ObjectMapper json = new ObjectMapper();

            HttpResponse<String> pods = get(http, port, "/api/v1/namespaces/" + ns.name() + "/pods");
            assertThat(pods.statusCode()).as(pods.body()).isEqualTo(200);
            JsonNode list = json.readTree(pods.body());
            assertThat(list.path("kind").asText()).isEqualTo("PodList");
            assertThat(list.path("apiVersion").asText()).isEqualTo("v1");
            assertThat(list.path("items")).extracting(p -> p.path("metadata").path("name").asText())
                    .containsExactly("proxied");

            HttpResponse<String> api = get(http, port, "/api");
            assertThat(api.statusCode()).isEqualTo(200);
            JsonNode versions = json.readTree(api.body());
            assertThat(versions.path("kind").asText()).isEqualTo("APIVersions");
            assertThat(versions.path("versions").get(0).asText()).isEqualTo("v1");

            HttpResponse<String> version = get(http, port, "/version");
            assertThat(version.statusCode()).isEqualTo(200);
            assertThat(json.readTree(version.body()).path("gitVersion").asText()).startsWith("v1.32");

            HttpResponse<String> missing = get(http, port, "/api/v1/namespaces/" + ns.name() + "/pods/absent");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(json.readTree(missing.body()).path("message").asText()).isEqualTo("pods \"absent\" not found");
        }
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int awaitPort(Kubectl.Background proxy) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            Matcher m = SERVING.matcher(proxy.stdout());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!proxy.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("kubectl proxy did not start: " + proxy);
    }
}
