package io.kube4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.node.NodeAgent;
import io.kube4j.node.NodeCredentials;
import io.kube4j.node.NodeOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code kube4j agent}: a node that joins a running server. The join token (the server's {@code DATA/node-token})
 * carries the hash of the cluster CA, so the agent trusts the server it fetched {@code /cacerts} from only when the
 * hashes match; it then asks for its certificates with the token and runs the node until SIGTERM.
 */
@Command(name = "agent", mixinStandardHelpOptions = true, description = "Run a kube4j node that joins a server.")
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--server", required = true, description = "The server's URL, e.g. https://10.0.0.1:6443; "
            + "several, comma-separated, for a cluster of servers: the node then reaches them through a load balancer "
            + "on loopback that fails over between them.")
    String server;

    @Option(names = "--token", description = "The join token from the server's data dir (node-token).")
    String token;

    @Option(names = "--token-file", description = "Read the join token from this file.")
    Path tokenFile;

    @Option(names = "--data-dir", description = "Directory for the node's state (default: ${DEFAULT-VALUE}).",
            defaultValue = "${env:KUBE4J_AGENT_DATA_DIR:-/var/lib/kube4j/agent}")
    Path dataDir;

    @Option(names = "--service-cidr", description = "The cluster's service IP range (default: ${DEFAULT-VALUE}).",
            defaultValue = "10.43.0.0/16")
    String serviceCidr;

    @CommandLine.Mixin
    NodeFlags node = new NodeFlags();

    @Option(names = "--simulated", description = "Run simulated nodes instead of a real one: no containers, no root.")
    boolean simulated;

    @Option(names = "--count", defaultValue = "1", description = "With --simulated: how many nodes (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--simulated-node-heartbeat", defaultValue = "10s", converter = GoDurationConverter.class,
            description = "How often simulated nodes renew their Lease (default: ${DEFAULT-VALUE}).")
    java.time.Duration simulatedNodeHeartbeat;

    @Option(names = "--node-name-prefix", defaultValue = "sim-",
            description = "With --simulated: nodes are named PREFIX0, PREFIX1, ... (default: ${DEFAULT-VALUE}).")
    String nodeNamePrefix;

    @Override
    public Integer call() throws Exception {
        String joinToken = token != null ? token.strip() : tokenFile != null ? Files.readString(tokenFile).strip() : null;
        if (joinToken == null) {
            throw new CommandLine.ParameterException(new CommandLine(this), "give --token or --token-file");
        }
        int sep = joinToken.indexOf("::");
        if (!joinToken.startsWith("K4J") || sep < 0) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--token is not a kube4j join token");
        }
        String caHash = joinToken.substring(3, sep);
        List<String> urls = java.util.Arrays.stream(server.split(",")).map(String::strip).filter(u -> !u.isEmpty())
                .map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u).toList();
        String base = null;
        String caPem = null;
        for (String url : urls) {
            try {
                caPem = fetchCa(url, caHash);
                base = url;
                break;
            } catch (CaMismatchException e) {
                System.err.println("kube4j agent: " + e.getMessage());
                return 1;
            } catch (java.io.IOException e) {
                System.err.println("kube4j agent: " + url + " does not answer: " + e);
            }
        }
        if (base == null) {
            System.err.println("kube4j agent: no server answers of " + urls);
            return 1;
        }
        io.kube4j.node.apiserverlb.ApiServerLoadBalancer lb = null;
        if (urls.size() > 1) {
            // the node's clients see one server; the balancer picks a live one per connection
            lb = io.kube4j.node.apiserverlb.ApiServerLoadBalancer.start(
                    io.kube4j.node.apiserverlb.ApiServerLoadBalancer.addresses(urls), 0);
            base = lb.url();
        }
        io.kube4j.node.apiserverlb.ApiServerLoadBalancer balancer = lb;
        if (simulated) {
            node.nodeName = nodeNamePrefix + "0"; // the simulated agent's credentials are those of its first node
        }
        NodeOptions options = node.options(dataDir, serviceCidr, null);
        HttpClient trusted = HttpClient.newBuilder().sslContext(trusting(caPem)).connectTimeout(Duration.ofSeconds(10))
                .build();
        String body = Json.MAPPER.writeValueAsString(java.util.Map.of("nodeName", options.nodeName(),
                "addresses", List.of(options.nodeIp(), "127.0.0.1")));
        HttpResponse<String> resp = trusted.send(HttpRequest.newBuilder(URI.create(base + "/kube4j/v1/node-credentials"))
                .header("Authorization", "Bearer " + joinToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 200) {
            System.err.println("kube4j agent: the server refused the join token: " + statusMessage(resp)
                    + " (HTTP " + resp.statusCode() + ")");
            return 1;
        }
        JsonNode creds = Json.parse(resp.body().getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> version = trusted.send(HttpRequest.newBuilder(URI.create(base + "/version")).build(),
                HttpResponse.BodyHandlers.ofString());
        String gitVersion = Json.parse(version.body().getBytes(StandardCharsets.UTF_8)).path("gitVersion").asText();
        if (simulated) {
            return runSimulated(balancer, new NodeCredentials(base, caPem, creds.path("clientCert").asText(),
                    creds.path("clientKey").asText(), creds.path("servingCert").asText(),
                    creds.path("servingKey").asText()), gitVersion);
        }
        options = new NodeOptions(options.dataDir(), options.nodeName(), options.nodeIp(), options.kubeletPort(),
                options.runtimeEndpoint(), options.clusterCidr(), options.serviceCidr(), options.podEgress(),
                options.podLogsDir(), options.labels(), gitVersion, options.dns(), options.disableKubeProxy());
        NodeAgent agent = NodeAgent.start(options, new NodeCredentials(base, caPem, creds.path("clientCert").asText(),
                creds.path("clientKey").asText(), creds.path("servingCert").asText(),
                creds.path("servingKey").asText()));
        System.out.println("node " + options.nodeName() + " joined " + String.join(",", urls) + " ("
                + agent.runtimeEndpoint() + ")");
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            if (balancer != null) {
                balancer.close();
            }
            stopped.countDown();
        }, "kube4j-agent-shutdown"));
        stopped.await();
        return 0;
    }

    private int runSimulated(AutoCloseable balancer, NodeCredentials credentials, String gitVersion)
            throws Exception {
        io.fabric8.kubernetes.client.KubernetesClient client = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(credentials.clientConfig()).build();
        io.kube4j.node.simulated.SimulatedNodes sims = new io.kube4j.node.simulated.SimulatedNodes(client,
                io.kube4j.node.simulated.SimulatedNodeOptions.defaults(nodeNamePrefix, count)
                        .withHeartbeat(simulatedNodeHeartbeat, java.time.Duration.ofMinutes(5))
                        .withKubeletVersion(gitVersion), java.time.Clock.systemUTC()).start();
        if (!sims.awaitRegistered(Duration.ofSeconds(60))) {
            System.err.println("kube4j agent: simulated nodes did not all register within 60s");
        }
        System.out.println("simulated nodes " + nodeNamePrefix + "0.." + nodeNamePrefix + (count - 1) + " joined "
                + server);
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sims.close();
            client.close();
            if (balancer != null) {
                try {
                    balancer.close();
                } catch (Exception ignored) {
                    // stopping anyway
                }
            }
            stopped.countDown();
        }, "kube4j-agent-shutdown"));
        stopped.await();
        return 0;
    }

    /** Fetches the CA without trusting anyone yet, and keeps it only if its hash is the token's. */
    private static String fetchCa(String base, String expectedHash) throws Exception {
        SSLContext any = SSLContext.getInstance("TLS");
        any.init(null, new TrustManager[]{new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        HttpClient c = HttpClient.newBuilder().sslContext(any).connectTimeout(Duration.ofSeconds(10)).build();
        String pem = c.send(HttpRequest.newBuilder(URI.create(base + "/cacerts")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ca.getEncoded()));
        if (!hash.equalsIgnoreCase(expectedHash)) {
            throw new CaMismatchException("the server's CA certificate (sha256 " + hash
                    + ") does not match the join token (sha256 " + expectedHash + "); not joining " + base);
        }
        return pem;
    }

    /** The message of a metav1.Status answer, else the body as it came. */
    private static String statusMessage(HttpResponse<String> resp) {
        try {
            String message = Json.parse(resp.body().getBytes(StandardCharsets.UTF_8)).path("message").asText("");
            return message.isEmpty() ? resp.body().strip() : message;
        } catch (RuntimeException e) {
            return resp.body().strip();
        }
    }

    /** The server's CA is not the one the join token names: the agent must not send the token to it. */
    private static final class CaMismatchException extends Exception {
        CaMismatchException(String message) {
            super(message);
        }
    }

    private static SSLContext trusting(String caPem) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
