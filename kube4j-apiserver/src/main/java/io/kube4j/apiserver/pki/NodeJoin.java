package io.kube4j.apiserver.pki;

import io.kube4j.apiserver.authn.UserInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.util.HexFormat;
import java.util.List;

/**
 * How a node in another process joins the cluster. The server keeps a join token in {@code DATA/node-token}:
 * {@code K4J<sha256 of the CA certificate>::node:<secret>}. An agent given the token fetches {@code /cacerts}, checks
 * the CA against the hash (so it trusts the right server without a CA file), then presents the token as a bearer
 * token to ask for its own credentials: a client certificate {@code system:node:NAME} in {@code system:nodes} and a
 * kubelet serving certificate, both issued by the cluster CA. Thread-safe.
 */
public final class NodeJoin {
    public static final String JOIN_USER = "system:bootstrap:kube4j-node";
    public static final String JOIN_GROUP = "system:bootstrappers";

    private final ClusterPki pki;
    private final String token;

    private NodeJoin(ClusterPki pki, String token) {
        this.pki = pki;
        this.token = token;
    }

    /** Loads the join token from {@code file}, or writes a new one (mode 0600). */
    public static NodeJoin loadOrCreate(ClusterPki pki, Path file) {
        try {
            String expectedPrefix = "K4J" + caHash(pki.caPem()) + "::node:";
            if (Files.exists(file)) {
                String existing = Files.readString(file).strip();
                if (existing.startsWith(expectedPrefix)) {
                    return new NodeJoin(pki, existing);
                }
            }
            byte[] secret = new byte[16];
            new SecureRandom().nextBytes(secret);
            String token = expectedPrefix + HexFormat.of().formatHex(secret);
            Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            return new NodeJoin(pki, token);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String token() {
        return token;
    }

    /** The user a bearer token stands for, when it is this cluster's join token; else null. */
    public UserInfo authenticate(String bearer) {
        if (bearer == null || !MessageDigest.isEqual(bearer.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8))) {
            return null;
        }
        return new UserInfo(JOIN_USER, "", List.of(JOIN_GROUP));
    }

    /** A node's credentials, PEM encoded. */
    public record NodeCredentials(String caPem, String clientCertPem, String clientKeyPem, String servingCertPem,
                                  String servingKeyPem) {
    }

    /** Issues the node's client and serving certificates. */
    public NodeCredentials issue(String nodeName, List<String> addresses) {
        ClusterPki.CertKey client = pki.issueClient(pki.dir(), "node-client-" + nodeName, "system:node:" + nodeName,
                List.of("system:nodes"));
        ClusterPki.CertKey serving = pki.issueKubeletServing(nodeName, addresses);
        return new NodeCredentials(pki.caPem(), client.certPem(), client.keyPem(), serving.certPem(),
                serving.keyPem());
    }

    /** Hex SHA-256 of the DER form of the first certificate in a PEM bundle. */
    public static String caHash(String caPem) {
        try {
            var cf = java.security.cert.CertificateFactory.getInstance("X.509");
            var cert = cf.generateCertificate(new java.io.ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (java.security.cert.CertificateException | NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("not a PEM certificate", e);
        }
    }
}
