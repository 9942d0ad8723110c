package io.kube4j.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * A fabric8 client from a kubeconfig file, for components run in their own process ({@code kube4j
 * controller-manager}). fabric8 reads a PKCS#8 client key as RSA unless told otherwise, and kube4j's keys are EC,
 * so the key's algorithm is found from the key itself.
 */
final class KubeconfigClient {
    private KubeconfigClient() {
    }

    static KubernetesClient from(Path kubeconfig) throws IOException {
        Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
        String keyPem = config.getClientKeyData() != null
                ? new String(Base64.getDecoder().decode(config.getClientKeyData()), StandardCharsets.US_ASCII)
                : config.getClientKeyFile() != null ? Files.readString(Path.of(config.getClientKeyFile())) : null;
        if (keyPem != null && isEc(keyPem)) {
            config.setClientKeyAlgo("EC");
        }
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    static boolean isEc(String pem) {
        if (pem.contains("BEGIN EC PRIVATE KEY")) {
            return true;
        }
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
