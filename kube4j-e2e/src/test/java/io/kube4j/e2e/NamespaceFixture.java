package io.kube4j.e2e;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Creates and deletes the per-test namespaces for {@link Kube4jExtension} through the REST API (fabric8 client,
 * JSON bodies), so test setup does not depend on the kubectl features under test.
 * Thread-safe (the fabric8 client is).
 */
final class NamespaceFixture implements AutoCloseable {
    private final KubernetesClient client;
    private final boolean controllers;

    NamespaceFixture(Kube4jServer server) {
        this.controllers = !server.hasFlag("--disable-controllers");
        Config config = Config.fromKubeconfig(server.kubeconfig().toFile());
        // fabric8 reads a "BEGIN PRIVATE KEY" (PKCS#8) client key as RSA unless told otherwise
        config.setClientKeyAlgo(keyAlgorithm(server.dataDir().resolve("tls").resolve("admin.key")));
        this.client = new KubernetesClientBuilder().withConfig(config).build();
    }

    private static String keyAlgorithm(Path pem) {
        try {
            String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            byte[] der = Base64.getDecoder().decode(base64);
            for (String algorithm : new String[]{"EC", "RSA", "Ed25519"}) {
                try {
                    KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                    return algorithm;
                } catch (GeneralSecurityException notThisOne) {
                    // try the next
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // fall through to fabric8's default
        }
        return "RSA";
    }

    void create(String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        if (controllers) {
            // as upstream's e2e framework does: pods are refused by the ServiceAccount admission until the
            // service-account controller has made the namespace's "default" account
            client.serviceAccounts().inNamespace(name).withName("default")
                    .waitUntilCondition(java.util.Objects::nonNull, 30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** Starts the deletion and does not wait: no later test depends on it being gone. */
    void delete(String name) {
        client.namespaces().withName(name).delete();
    }

    @Override
    public void close() {
        client.close();
    }
}
