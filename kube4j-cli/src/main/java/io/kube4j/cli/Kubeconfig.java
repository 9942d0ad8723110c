package io.kube4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes kubeconfig files, keeping what the user set in them. */
final class Kubeconfig {
    private Kubeconfig() {
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

}
