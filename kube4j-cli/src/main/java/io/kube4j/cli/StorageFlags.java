package io.kube4j.cli;

import io.kube4j.storage.Storage;
import io.kube4j.storage.etcd.EtcdOptions;
import io.kube4j.storage.etcd.EtcdStorage;
import io.kube4j.storage.memory.MemoryStorage;
import io.kube4j.storage.sqlite.SqliteStorage;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Which store a command uses: {@code --storage embedded|memory|etcd} and upstream's etcd flags. A picocli mixin
 * shared by {@code kube4j server} and {@code kube4j storage}.
 */
final class StorageFlags {
    @Option(names = "--storage", description = "Storage backend: embedded (SQLite, default), memory, or etcd"
            + " (an etcd v3 cluster, see --etcd-endpoints).", defaultValue = "embedded")
    String storage;

    // etcd storage: upstream's kube-apiserver flag names
    @Option(names = "--etcd-endpoints", paramLabel = "URL,...",
            description = "etcd members to use with --storage etcd, e.g. https://127.0.0.1:2379,https://10.0.0.2:2379.")
    String etcdEndpoints;

    @Option(names = "--etcd-cafile", description = "CA bundle (PEM) that signed the etcd members' certificates.")
    Path etcdCaFile;

    @Option(names = "--etcd-certfile", description = "Client certificate (PEM) for etcd.")
    Path etcdCertFile;

    @Option(names = "--etcd-keyfile", description = "Private key (PKCS#8 PEM) of --etcd-certfile.")
    Path etcdKeyFile;

    @Option(names = "--etcd-prefix", description = "Key prefix in etcd (default: ${DEFAULT-VALUE}).",
            defaultValue = EtcdOptions.DEFAULT_PREFIX)
    String etcdPrefix;

    @Option(names = "--etcd-request-timeout", converter = GoDurationConverter.class,
            description = "How long one etcd request may take, retries included (default: ${DEFAULT-VALUE}).",
            defaultValue = "5s")
    Duration etcdRequestTimeout;

    /**
     * The etcd store's opener with {@code --storage etcd}, else null (the server opens its own). Throws
     * {@link IllegalArgumentException} with a user-facing message for inconsistent flags.
     */
    Supplier<Storage> etcd() {
        if (storage.equals("etcd")) {
            EtcdOptions options = new EtcdOptions(EtcdOptions.parseEndpoints(etcdEndpoints), etcdPrefix,
                    etcdCaFile, etcdCertFile, etcdKeyFile, null, etcdRequestTimeout);
            return () -> new EtcdStorage(options);
        }
        if (etcdEndpoints != null) {
            throw new IllegalArgumentException("--etcd-endpoints needs --storage etcd");
        }
        return null;
    }

    /** Opens the store: etcd, the SQLite database in {@code dataDir}, or a new memory store. */
    Storage open(Path dataDir) {
        Supplier<Storage> etcd = etcd();
        if (etcd != null) {
            return etcd.get();
        }
        return switch (storage) {
            case "embedded" -> new SqliteStorage(dataDir.resolve("db"));
            case "memory" -> new MemoryStorage();
            default -> throw new IllegalArgumentException("--storage must be embedded, memory or etcd, got " + storage);
        };
    }
}
