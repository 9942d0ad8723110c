package io.kube4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.pki.ClusterPki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

/** Writes the admin kubeconfig: the cluster CA, the server URL and the admin client certificate. */
final class Kubeconfig {
    private Kubeconfig() {
    }

    static String render(String server, ClusterPki pki) {
        ObjectNode c = Json.object();
        c.put("apiVersion", "v1");
        c.put("kind", "Config");
        ObjectNode cluster = c.putArray("clusters").addObject();
        cluster.put("name", "kube4j");
        ObjectNode cl = cluster.putObject("cluster");
        cl.put("server", server);
        cl.put("certificate-authority-data", b64(pki.ca().certPem()));
        ObjectNode user = c.putArray("users").addObject();
        user.put("name", "kube4j-admin");
        ObjectNode u = user.putObject("user");
        u.put("client-certificate-data", b64(pki.admin().certPem()));
        u.put("client-key-data", b64(pki.admin().keyPem()));
        ObjectNode ctx = c.putArray("contexts").addObject();
        ctx.put("name", "kube4j");
        ObjectNode cx = ctx.putObject("context");
        cx.put("cluster", "kube4j");
        cx.put("user", "kube4j-admin");
        c.put("current-context", "kube4j");
        c.putObject("preferences");
        try {
            return Json.YAML.writeValueAsString(c);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes {@code file}, keeping the current context's namespace when the file already points at
     * this cluster, so {@code kubectl config set-context --current --namespace} survives restarts.
     */
    static void write(Path file, String content) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        String merged = content;
        if (Files.exists(file)) {
            try {
                ObjectNode old = (ObjectNode) Json.YAML.readTree(Files.readString(file));
                ObjectNode fresh = (ObjectNode) Json.YAML.readTree(content);
                var oldCtx = old.path("contexts");
                for (var ctx : oldCtx) {
                    if ("kube4j".equals(ctx.path("name").asText()) && ctx.path("context").has("namespace")) {
                        ((ObjectNode) fresh.get("contexts").get(0).get("context"))
                                .put("namespace", ctx.path("context").path("namespace").asText());
                    }
                }
                merged = Json.YAML.writeValueAsString(fresh);
            } catch (RuntimeException | IOException e) {
                merged = content;
            }
        }
        Path tmp = Files.createTempFile(parent, ".kubeconfig", ".tmp");
        Files.writeString(tmp, merged, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not POSIX
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
