package io.kube4j.apiserver.pki;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.storage.KeyValue;
import io.kube4j.storage.Storage;
import io.kube4j.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What every API server of one cluster must share when several of them use one store (etcd): the cluster CA (so
 * every server's certificate, every client certificate and the join token's CA hash agree), the service-account
 * signing key (so a token from one server is accepted by the others) and the join token. They live in the store as
 * one object under {@value #KEY}; the first server writes it, and every later one takes it into its data dir before
 * it loads its certificates, which it then re-issues from the shared CA ({@link ClusterPki} re-issues certificates a
 * changed CA did not sign). Like Secrets, the keys are stored as they are; protect the store accordingly.
 * Called once at start-up by the API server; stateless.
 */
public final class SharedBootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(SharedBootstrap.class);
    public static final String KEY = "/kube4j/bootstrap";
    /** The shared files, relative to the data dir; private ones are written owner-only. */
    public static final List<String> FILES = List.of("tls/ca.crt", "tls/ca.key", "tls/service-account.key",
            "tls/service-account.pub", "node-token");

    private SharedBootstrap() {
    }

    /**
     * Makes {@code dataDir} hold the cluster's shared files: the store's when it has them; else the ones
     * {@code createLocal} makes (or finds) in {@code dataDir}, which are then published, unless another server
     * published first, whose files then win.
     *
     * @return true when the files came from the store
     */
    public static boolean sync(Storage storage, Path dataDir, Runnable createLocal) {
        KeyValue shared = storage.get(KEY);
        if (shared == null) {
            createLocal.run();
            try {
                storage.create(KEY, encode(dataDir));
                LOG.info("published the cluster's CA, service-account key and join token to the store");
                return false;
            } catch (StorageException e) {
                if (e.code() != StorageException.Code.KEY_EXISTS) {
                    throw e;
                }
                shared = storage.get(KEY);
                if (shared == null) {
                    throw new IllegalStateException("the shared bootstrap object vanished while starting");
                }
            }
        }
        adopt(shared.value(), dataDir);
        return true;
    }

    /** The shared files of {@code dataDir} as the store keeps them (one JSON object, file name to content). */
    public static byte[] encode(Path dataDir) {
        ObjectNode files = Json.MAPPER.createObjectNode();
        for (String f : FILES) {
            Path p = dataDir.resolve(f);
            try {
                files.put(f, Files.readString(p, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + p + " to share it", e);
            }
        }
        try {
            return Json.MAPPER.writeValueAsBytes(files);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the shared files {@code value} holds into {@code dataDir}. */
    public static void adopt(byte[] value, Path dataDir) {
        ObjectNode files = (ObjectNode) Json.parse(value);
        int changed = 0;
        for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = files.fields(); it.hasNext(); ) {
            Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e = it.next();
            if (!FILES.contains(e.getKey())) {
                continue;
            }
            Path p = dataDir.resolve(e.getKey());
            String content = e.getValue().asText();
            try {
                if (Files.exists(p) && Files.readString(p, StandardCharsets.UTF_8).equals(content)) {
                    continue;
                }
                Files.createDirectories(p.getParent());
                Files.writeString(p, content, StandardCharsets.UTF_8);
                if (!p.getFileName().toString().endsWith(".crt") && !p.getFileName().toString().endsWith(".pub")) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
                }
                changed++;
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot write " + p, ex);
            }
        }
        LOG.info("took the cluster's CA, service-account key and join token from the store ({} files changed)",
                changed);
    }
}
