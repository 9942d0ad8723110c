package io.kube4j.e2e.services;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.Kube4jServer;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.TestNamespace;
import io.kube4j.e2e.controllers.ReplicatedPods;
import io.kube4j.e2e.node.NodePods;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built-in ingress controller through real kubectl and real kubia pods: IngressClass kube4j exists and is the
 * default; an Ingress with two hosts and two paths routes requests sent from this JVM to 127.0.0.1 by Host header
 * and path, round robin over the ready endpoints; TLS picks the Secret's certificate by SNI; the ADDRESS column
 * fills; a backend without endpoints answers 503, an unknown host 404. The backends are selectorless Services with
 * hand-made EndpointSlices pointing at the pods (independent of the EndpointSlice controller); a second test routes
 * to a Service made by {@code kubectl expose}, whose slices the controller makes. Runs on the shared cluster, whose
 * ingress ports are {@code --ingress-http-port}/{@code --ingress-https-port}; each test in its own namespace, with
 * its own host names (the ingress controller serves every namespace).
 */
@Kube4jE2E
class IngressIT {
    static int httpPort;
    static int httpsPort;

    @BeforeAll
    static void start(Kube4jServer server) {
        httpPort = Integer.parseInt(server.flag("--ingress-http-port"));
        httpsPort = Integer.parseInt(server.flag("--ingress-https-port"));
    }

    private static String slice(String service, String portName, List<String> ips) {
        StringBuilder eps = new StringBuilder();
        for (String ip : ips) {
            eps.append("- addresses: [\"").append(ip).append("\"]\n  conditions: {ready: true}\n");
        }
        return """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: %s-manual
                  labels:
                    kubernetes.io/service-name: %s
                addressType: IPv4
                ports:
                - name: "%s"
                  port: 8080
                  protocol: TCP
                endpoints:
                %s""".formatted(service, service, portName, eps.toString().indent(0));
    }

    @Test
    void routesByHostAndPathWithTlsBySni(TestNamespace ns) throws Exception {
        KubectlResult classes = ns.kubectl().run("get", "ingressclass");
        assertThat(classes).succeeds();
        assertThat(classes.stdout()).containsPattern("kube4j\\s+kube4j\\.io/ingress");
        assertThat(NodePods.jsonPath(ns, "ingressclass/kube4j",
                "{.metadata.annotations.ingressclass\\.kubernetes\\.io/is-default-class}")).isEqualTo("true");

        for (String pod : List.of("kubia-a", "kubia-b", "kubia-c")) {
            NodePods.apply(ns, NodePods.kubia(pod));
        }
        for (String pod : List.of("kubia-a", "kubia-b", "kubia-c")) {
            NodePods.waitReady(ns, pod);
        }
        String a = NodePods.podIp(ns, "kubia-a");
        String b = NodePods.podIp(ns, "kubia-b");
        String c = NodePods.podIp(ns, "kubia-c");
        NodePods.apply(ns, """
                apiVersion: v1
                kind: Service
                metadata: {name: foo}
                spec:
                  ports: [{name: http, port: 80, targetPort: 8080}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: bar}
                spec:
                  ports: [{port: 80, targetPort: 8080}]
                """);
        NodePods.apply(ns, slice("foo", "http", List.of(a, b)));
        NodePods.apply(ns, slice("bar", "", List.of(c)));

        // a self-signed certificate made by the JDK's keytool; the key read back from its PKCS#12 store
        Path dir = Files.createTempDirectory("ingress-it-tls");
        Path store = dir.resolve("foo.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "foo", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "30",
                "-dname", "CN=foo.example.com", "-ext", "SAN=dns:foo.example.com", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit").redirectErrorStream(true).start();
        assertThat(keytool.waitFor()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        X509Certificate cert = (X509Certificate) ks.getCertificate("foo");
        Path crt = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        Files.writeString(crt, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(key, pem("PRIVATE KEY", ks.getKey("foo", "changeit".toCharArray()).getEncoded()));
        assertThat(ns.kubectl().run("create", "secret", "tls", "foo-tls", "--cert=" + crt, "--key=" + key))
                .succeeds();

        NodePods.apply(ns, """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: kubia}
                spec:
                  tls:
                  - hosts: [foo.example.com]
                    secretName: foo-tls
                  rules:
                  - host: foo.example.com
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: foo, port: {name: http}}}}
                      - {path: /bar, pathType: Prefix, backend: {service: {name: bar, port: {number: 80}}}}
                  - host: bar.example.com
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: bar, port: {number: 80}}}}
                """);
        NodePods.awaitJsonPath(ns, "ingress/kubia", "{.status.loadBalancer.ingress[0].ip}",
                "127.0.0.1"::equals, Duration.ofSeconds(30));
        KubectlResult get = ns.kubectl().run("get", "ingress", "kubia");
        assertThat(get).succeeds();
        assertThat(get.stdout()).containsPattern("NAME\\s+CLASS\\s+HOSTS\\s+ADDRESS\\s+PORTS\\s+AGE")
                .containsPattern("kubia\\s+kube4j\\s+foo.example.com,bar.example.com\\s+127.0.0.1\\s+80, 443");

        NodePods.await("the route to foo.example.com", Duration.ofSeconds(20),
                () -> get(false, "foo.example.com", "/").startsWith("HTTP/1.1 200"),
                () -> get(false, "foo.example.com", "/"));
        Set<String> hits = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            String r = get(false, "foo.example.com", "/");
            assertThat(r).startsWith("HTTP/1.1 200");
            hits.add(body(r).trim());
        }
        assertThat(hits).as("round robin over both endpoints")
                .containsExactlyInAnyOrder("You've hit kubia-a", "You've hit kubia-b");
        assertThat(body(get(false, "foo.example.com", "/bar/x"))).isEqualTo("You've hit kubia-c\n");
        assertThat(body(get(false, "foo.example.com", "/barn"))).startsWith("You've hit kubia-")
                .doesNotContain("kubia-c");
        assertThat(body(get(false, "BAR.example.com:" + httpPort, "/"))).isEqualTo("You've hit kubia-c\n");
        assertThat(get(false, "nobody.example.com", "/")).startsWith("HTTP/1.1 404");

        // TLS: the Secret's certificate for foo.example.com by SNI, the default one for other names
        assertThat(body(get(true, "foo.example.com", "/bar"))).isEqualTo("You've hit kubia-c\n");
        assertThat(lastPeer.getSubjectX500Principal().getName()).contains("CN=foo.example.com");
        assertThat(lastPeer.getSerialNumber()).isEqualTo(cert.getSerialNumber());
        assertThat(get(true, "bar.example.com", "/")).startsWith("HTTP/1.1 200");
        assertThat(lastPeer.getSubjectX500Principal().getName()).contains("Fake Certificate");

        // no endpoints left behind bar: 503
        assertThat(ns.kubectl().run("delete", "endpointslice", "bar-manual")).succeeds();
        NodePods.await("503 from bar.example.com", Duration.ofSeconds(20),
                () -> get(false, "bar.example.com", "/").startsWith("HTTP/1.1 503"),
                () -> get(false, "bar.example.com", "/"));
    }

    /** The book's kubia-ingress: a Service made by kubectl expose, an Ingress made by kubectl create ingress. */
    @Test
    void routesToAnExposedServiceWithTheDefaultClass(TestNamespace ns) {
        NodePods.apply(ns, ReplicatedPods.kubiaRc("kubia", 2));
        NodePods.await("2 ready replicas", Duration.ofSeconds(90),
                () -> NodePods.jsonPath(ns, "rc/kubia", "{.status.readyReplicas}").equals("2"),
                () -> ns.kubectl().run("get", "pods", "-o", "wide").stdout());
        assertThat(ns.kubectl().run("expose", "rc", "kubia", "--port=80", "--target-port=8080")).succeeds();
        assertThat(ns.kubectl().run("create", "ingress", "kubia", "--rule=kubia.example.com/*=kubia:80")).succeeds()
                .printed("ingress.networking.k8s.io/kubia created");
        assertThat(NodePods.jsonPath(ns, "ingress/kubia", "{.spec.ingressClassName}")).isEqualTo("kube4j");
        NodePods.awaitJsonPath(ns, "ingress/kubia", "{.status.loadBalancer.ingress[0].ip}", "127.0.0.1"::equals,
                Duration.ofSeconds(30));
        assertThat(ns.kubectl().run("get", "ingress")).succeeds()
                .headerMatches("NAME\\s+CLASS\\s+HOSTS\\s+ADDRESS\\s+PORTS\\s+AGE")
                .hasLineMatching("kubia\\s+kube4j\\s+kubia\\.example\\.com\\s+127\\.0\\.0\\.1\\s+80\\s+\\S+");

        NodePods.await("the route to kubia.example.com", Duration.ofSeconds(20),
                () -> get(false, "kubia.example.com", "/").startsWith("HTTP/1.1 200"),
                () -> get(false, "kubia.example.com", "/"));
        Set<String> pods = new HashSet<>(List.of(NodePods.jsonPath(ns, "pods", "{.items[*].metadata.name}")
                .split(" ")));
        Set<String> hits = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            String r = get(false, "kubia.example.com", "/");
            assertThat(r).startsWith("HTTP/1.1 200");
            hits.add(body(r).strip().substring("You've hit ".length()));
        }
        assertThat(hits).as("both pods behind the controller-made slices").isEqualTo(pods);
        assertThat(get(false, "other.example.com", "/")).startsWith("HTTP/1.1 404");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static String body(String response) {
        int i = response.indexOf("\r\n\r\n");
        return i < 0 ? "" : response.substring(i + 4);
    }

    static volatile X509Certificate lastPeer;

    /** One HTTP/1.1 request with this Host header (and SNI name, over TLS) to the ingress on 127.0.0.1. */
    private static String get(boolean tls, String host, String path) {
        try (Socket s = tls ? tlsSocket(host.split(":")[0]) : new Socket()) {
            if (!tls) {
                s.connect(new InetSocketAddress("127.0.0.1", httpPort), 5000);
            }
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (tls) {
                lastPeer = (X509Certificate) ((SSLSocket) s).getSession().getPeerCertificates()[0];
            }
            return dechunk(response);
        } catch (IOException e) {
            return "error: " + e;
        }
    }

    private static Socket tlsSocket(String sni) throws IOException {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[]{new X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] chain, String auth) {
                }

                public void checkServerTrusted(X509Certificate[] chain, String auth) {
                }

                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            Socket plain = new Socket();
            plain.connect(new InetSocketAddress("127.0.0.1", httpsPort), 5000);
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, "127.0.0.1", httpsPort, true);
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(sni)));
            s.setSSLParameters(p);
            s.startHandshake();
            return s;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /** Joins a chunked body (the proxy streams bodies without a length as chunks). */
    private static String dechunk(String response) {
        int i = response.indexOf("\r\n\r\n");
        if (i < 0 || !response.substring(0, i).toLowerCase().contains("transfer-encoding: chunked")) {
            return response;
        }
        StringBuilder body = new StringBuilder();
        String rest = response.substring(i + 4);
        while (true) {
            int eol = rest.indexOf("\r\n");
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(rest.substring(0, eol).trim(), 16);
            if (size == 0) {
                break;
            }
            body.append(rest, eol + 2, eol + 2 + size);
            rest = rest.substring(eol + 2 + size + 2);
        }
        return response.substring(0, i + 4) + body;
    }
}
