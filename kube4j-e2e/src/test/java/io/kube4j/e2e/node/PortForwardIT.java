package io.kube4j.e2e.node;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.Kubectl;
import io.kube4j.e2e.TestNamespace;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code kubectl port-forward}: several ports, many connections, a large transfer, a closed port, and SPDY. */
@Kube4jE2E
class PortForwardIT {
    private static final int BIG = 5 * 1024 * 1024;

    /** busybox httpd on 8080 serving "hello" at / and 5 MiB of random bytes at /big. */
    private static String webServer(String name) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                spec:
                  nodeName: %s
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: web
                    image: %s
                    command: ["sh", "-c", "trap 'exit 0' TERM; mkdir -p /www && echo hello > /www/index.html && dd if=/dev/urandom of=/www/big bs=1048576 count=5 2>/dev/null && touch /tmp/ready && httpd -f -p 8080 -h /www & wait"]
                    readinessProbe:
                      exec:
                        command: ["test", "-f", "/tmp/ready"]
                      periodSeconds: 1
                """.formatted(name, NodePods.NODE, NodePods.BUSYBOX);
    }

    private static HttpResponse<byte[]> get(int port, String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String body(int port) throws Exception {
        return new String(get(port, "/").body());
    }

    private static void awaitForwarding(Supplier<String> stdout, int... ports) {
        for (int port : ports) {
            NodePods.await("port-forward listening on " + port, Duration.ofSeconds(20),
                    () -> stdout.get().contains("Forwarding from 127.0.0.1:" + port + " -> 8080"), stdout::get);
        }
    }

    @Test
    void twoPortsManyConnectionsAndALargeTransfer(TestNamespace ns) throws Exception {
        NodePods.createReady(ns, webServer("web"), "web");
        String md5 = ns.kubectl().run("exec", "web", "--", "md5sum", "/www/big").out().split("\\s+")[0];
        int p1 = NodePods.freePort();
        int p2 = NodePods.freePort();
        try (Kubectl.Background pf = ns.kubectl().start("port-forward", "pod/web", p1 + ":8080", p2 + ":8080")) {
            awaitForwarding(pf::stdout, p1, p2);
            // sequential connections on both ports
            for (int i = 0; i < 5; i++) {
                assertThat(body(i % 2 == 0 ? p1 : p2)).isEqualTo("hello\n");
            }
            // concurrent ones, the large transfer among them
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<String>> small = new ArrayList<>();
                Future<HttpResponse<byte[]>> big = pool.submit(() -> get(p2, "/big"));
                for (int i = 0; i < 12; i++) {
                    int port = i % 2 == 0 ? p1 : p2;
                    small.add(pool.submit((Callable<String>) () -> body(port)));
                }
                for (Future<String> f : small) {
                    assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("hello\n");
                }
                byte[] data = big.get(60, TimeUnit.SECONDS).body();
                assertThat(data).hasSize(BIG);
                assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data))).isEqualTo(md5);
            } finally {
                pool.shutdownNow();
            }
            assertThat(pf.stdout()).contains("Handling connection for " + p1, "Handling connection for " + p2);
            assertThat(pf.isAlive()).isTrue();
        }
    }

    @Test
    void aPortNothingListensOnAndSpdy(TestNamespace ns) throws Exception {
        NodePods.createReady(ns, webServer("web"), "web");
        // SPDY/3.1 upgrades for both exec and port-forward, as kubectl before 1.30 spoke
        int spdyPort = NodePods.freePort();
        try (NodePods.BackgroundKubectl pf = new NodePods.BackgroundKubectl(ns,
                Map.of("KUBECTL_PORT_FORWARD_WEBSOCKETS", "false"), "port-forward", "web", spdyPort + ":8080")) {
            awaitForwarding(pf::stdout, spdyPort);
            for (int i = 0; i < 3; i++) {
                assertThat(body(spdyPort)).isEqualTo("hello\n");
            }
            assertThat(get(spdyPort, "/big").body()).hasSize(BIG);
        }

        // nothing listens on 9999: the connection is closed, and kubectl reports the runtime's error
        int closed = NodePods.freePort();
        try (Kubectl.Background pf = ns.kubectl().start("port-forward", "web", closed + ":9999")) {
            NodePods.await("port-forward listening", Duration.ofSeconds(20),
                    () -> pf.stdout().contains("Forwarding from 127.0.0.1:" + closed + " -> 9999"), pf::toString);
            try (Socket s = new Socket("127.0.0.1", closed)) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                assertThat(in.read()).isEqualTo(-1);
            }
            NodePods.await("the forwarding error on stderr", Duration.ofSeconds(10),
                    () -> pf.stderr().contains("an error occurred forwarding " + closed + " -> 9999"), pf::toString);
            assertThat(pf.stderr()).contains("connection refused");
            // client-go closes the whole session after an error on a stream, and kubectl ends
            NodePods.await("kubectl port-forward to end", Duration.ofSeconds(10), () -> !pf.isAlive(), pf::toString);
            assertThat(pf.stderr()).contains("error: lost connection to pod");
        }
    }

    @Test
    void fabric8PortForwardOverTheWebSocketChannelProtocol(TestNamespace ns) throws Exception {
        NodePods.createReady(ns, NodePods.kubia("kubia-f8"), "kubia-f8");
        // fabric8 forwards over WebSocket with the port in the query (portforward.k8s.io channels)
        try (io.fabric8.kubernetes.client.KubernetesClient client = NodePods.fabric8(ns);
             io.fabric8.kubernetes.client.LocalPortForward pf = client.pods().inNamespace(ns.name())
                     .withName("kubia-f8").portForward(8080)) {
            for (int i = 0; i < 3; i++) {
                assertThat(NodePods.httpGet("127.0.0.1", pf.getLocalPort()).body()).isEqualTo("You've hit kubia-f8\n");
            }
        }
    }
}
