package io.kube4j.storage.etcd;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How to reach an etcd cluster: immutable, validated on construction. Built by {@code kube4j server} from
 * {@code --etcd-endpoints}, {@code --etcd-cafile}, {@code --etcd-certfile}, {@code --etcd-keyfile} and by tests.
 *
 * @param endpoints      the members' client URLs ({@code http://} or {@code https://}); the client fails over
 *                       between them
 * @param keyPrefix      the etcd key every stored key lives under, as upstream's {@code --etcd-prefix}
 * @param caFile         PEM file of the CA that signed the members' certificates (https), or null for the JDK's
 * @param certFile       client certificate (PEM) for mutual TLS, or null
 * @param keyFile        the client certificate's private key (PKCS#8 PEM), or null
 * @param dialTimeout    how long opening the store waits for a member to answer before giving up
 * @param requestTimeout how long one operation may take, retries on an unavailable member included
 */
public record EtcdOptions(List<URI> endpoints, String keyPrefix, Path caFile, Path certFile, Path keyFile,
                          Duration dialTimeout, Duration requestTimeout) {
    public static final String DEFAULT_PREFIX = "/registry";

    public EtcdOptions {
        if (endpoints == null || endpoints.isEmpty()) {
            throw new IllegalArgumentException("--etcd-endpoints must name at least one etcd member");
        }
        endpoints = List.copyOf(endpoints);
        boolean tls = false;
        for (URI u : endpoints) {
            if (u.getHost() == null || u.getPort() < 0
                    || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
                throw new IllegalArgumentException("--etcd-endpoints: \"" + u
                        + "\" is not an etcd client URL like https://127.0.0.1:2379");
            }
            tls |= "https".equals(u.getScheme());
        }
        for (URI u : endpoints) {
            if (tls != "https".equals(u.getScheme())) {
                throw new IllegalArgumentException("--etcd-endpoints must be all http or all https");
            }
        }
        if (keyPrefix == null || keyPrefix.isEmpty()) {
            keyPrefix = DEFAULT_PREFIX;
        }
        if (!keyPrefix.startsWith("/") || keyPrefix.endsWith("/")) {
            throw new IllegalArgumentException("etcd key prefix must start and not end with /, got " + keyPrefix);
        }
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("--etcd-certfile and --etcd-keyfile go together");
        }
        for (Path p : new Path[] {caFile, certFile, keyFile}) {
            if (p != null && !Files.isReadable(p)) {
                throw new IllegalArgumentException("cannot read " + p);
            }
        }
        if (!tls && (caFile != null || certFile != null)) {
            throw new IllegalArgumentException("--etcd-cafile, --etcd-certfile and --etcd-keyfile need https:// endpoints");
        }
        dialTimeout = dialTimeout == null ? Duration.ofSeconds(3) : dialTimeout;
        requestTimeout = requestTimeout == null ? Duration.ofSeconds(5) : requestTimeout;
        if (dialTimeout.isNegative() || dialTimeout.isZero() || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("etcd timeouts must be positive");
        }
    }

    /** Options for plain endpoints with the default prefix and timeouts. */
    public static EtcdOptions of(List<URI> endpoints) {
        return new EtcdOptions(endpoints, null, null, null, null, null, null);
    }

    /** Parses {@code --etcd-endpoints}: comma-separated URLs. */
    public static List<URI> parseEndpoints(String csv) {
        List<URI> out = new ArrayList<>();
        if (csv != null) {
            for (String s : csv.split(",")) {
                if (!s.isBlank()) {
                    try {
                        out.add(new URI(s.trim()));
                    } catch (java.net.URISyntaxException e) {
                        throw new IllegalArgumentException("--etcd-endpoints: \"" + s.trim()
                                + "\" is not an etcd client URL like https://127.0.0.1:2379");
                    }
                }
            }
        }
        return out;
    }

    public boolean tls() {
        return "https".equals(endpoints.get(0).getScheme());
    }

    public EtcdOptions withKeyPrefix(String prefix) {
        return new EtcdOptions(endpoints, prefix, caFile, certFile, keyFile, dialTimeout, requestTimeout);
    }

    public EtcdOptions withTls(Path ca, Path cert, Path key) {
        return new EtcdOptions(endpoints, keyPrefix, ca, cert, key, dialTimeout, requestTimeout);
    }

    public EtcdOptions withTimeouts(Duration dial, Duration request) {
        return new EtcdOptions(endpoints, keyPrefix, caFile, certFile, keyFile, dial, request);
    }
}
