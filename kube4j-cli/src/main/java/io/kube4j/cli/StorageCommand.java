package io.kube4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.pki.SharedBootstrap;
import io.kube4j.apiserver.resources.core.endpoints.MasterLeases;
import io.kube4j.storage.KeyValue;
import io.kube4j.storage.ListResult;
import io.kube4j.storage.Storage;
import io.kube4j.storage.StorageException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * {@code kube4j storage export|import}: moves a cluster's objects from one store to another, e.g. from the embedded
 * SQLite store to etcd. The export is JSON lines: a header, one line per object ({@code key} and its stored
 * {@code value}, uid, creation time, labels, owner references and status included) and a last line with the
 * cluster's shared identity (CA, service-account key, join token), so servers on the new store keep serving the old
 * kubeconfigs, tokens and join token. Objects get new resourceVersions (the new store's revisions), as after an
 * etcd restore. Import refuses a store that already holds objects.
 */
@Command(name = "storage", mixinStandardHelpOptions = true,
        description = "Export a cluster's objects from its store, or import them into another.",
        subcommands = {StorageCommand.Export.class, StorageCommand.Import.class})
final class StorageCommand implements Runnable {
    static final String FORMAT = "kube4j-storage-export";
    static final String OBJECTS = "/registry/";
    private static final int PAGE = 500;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "give a subcommand: export or import");
    }

    /** Options both subcommands take: where the store is. */
    static class Where {
        @Option(names = "--data-dir", description = "The server's data dir: the embedded store and the certificates "
                + "(default: ${DEFAULT-VALUE}).", defaultValue = "${env:KUBE4J_DATA_DIR:-/var/lib/kube4j}")
        Path dataDir;

        @CommandLine.Mixin
        StorageFlags storage = new StorageFlags();

        @Option(names = "--file", description = "The export file (default: standard output / input).")
        Path file;

        Storage open(CommandLine cmd) {
            if (storage.storage.equals("memory")) {
                throw new CommandLine.ParameterException(cmd, "--storage memory holds nothing to move");
            }
            try {
                return storage.open(dataDir);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd, e.getMessage());
            }
        }

        /**
         * Opens the store, runs {@code work} on it and prints the line it returns; a store or import failure is one
         * line ({@code kube4j storage <verb>: ...}) and exit code 1.
         */
        int onStore(CommandLine cmd, String verb, StoreWork work) throws IOException {
            try (Storage store = open(cmd)) {
                System.err.println(work.run(store));
                return 0;
            } catch (ImportException | StorageException e) {
                System.err.println("kube4j storage " + verb + ": " + e.getMessage());
                return 1;
            }
        }
    }

    /** What a subcommand does with the open store; returns the summary line. */
    interface StoreWork {
        String run(Storage store) throws IOException, ImportException;
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write every object of the store, and the cluster's identity, as JSON lines. The server may "
                    + "keep running: the export reads one revision.")
    static final class Export extends Where implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return onStore(spec.commandLine(), "export", store -> {
                try (Writer out = file == null ? new OutputStreamWriter(System.out, StandardCharsets.UTF_8)
                        : Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                    long count = export(store, dataDir, new BufferedWriter(out));
                    return "exported " + count + " objects" + (file == null ? "" : " to " + file);
                }
            });
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Create every object of an export in a store that holds none yet, and give the new store "
                    + "(or the data dir, for the embedded store) the cluster's identity. Run it before the servers "
                    + "start on the new store.")
    static final class Import extends Where implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return onStore(spec.commandLine(), "import", store -> {
                try (Reader in = file == null ? new InputStreamReader(System.in, StandardCharsets.UTF_8)
                        : Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    return "imported " + importInto(store, storage.etcd() != null, dataDir, new BufferedReader(in))
                            + " objects";
                }
            });
        }
    }

    static final class ImportException extends Exception {
        ImportException(String message) {
            super(message);
        }
    }

    /** Writes the export of {@code store}; returns how many objects it holds. */
    static long export(Storage store, Path dataDir, BufferedWriter out) throws IOException {
        ObjectNode header = Json.object();
        header.put("format", FORMAT);
        header.put("version", 1);
        long revision = store.currentRevision();
        header.put("revision", revision);
        header.put("exported", Instant.now().toString());
        writeLine(out, header);
        long count = 0;
        String after = null;
        while (true) {
            ListResult page = store.list(OBJECTS, after, PAGE, revision);
            for (KeyValue kv : page.items()) {
                after = kv.key();
                if (kv.key().startsWith(MasterLeases.PREFIX)) {
                    // which servers are up now: nothing the new store's servers should inherit
                    continue;
                }
                ObjectNode line = Json.object();
                line.put("key", kv.key());
                line.set("value", Json.parse(kv.value()));
                writeLine(out, line);
                count++;
            }
            if (!page.more() || page.items().isEmpty()) {
                break;
            }
        }
        // the identity: the shared store's copy (several servers), else the data dir's files
        KeyValue shared = store.get(SharedBootstrap.KEY);
        byte[] identity = shared != null ? shared.value()
                : Files.exists(dataDir.resolve(SharedBootstrap.FILES.getFirst())) ? SharedBootstrap.encode(dataDir)
                : null;
        if (identity != null) {
            ObjectNode line = Json.object();
            line.put("identity", true);
            line.set("value", Json.parse(identity));
            writeLine(out, line);
        }
        out.flush();
        return count;
    }

    /** Creates the export's objects in {@code store}; the identity goes to a shared store or into the data dir. */
    static long importInto(Storage store, boolean shared, Path dataDir, BufferedReader in)
            throws IOException, ImportException {
        ListResult existing = store.list(OBJECTS, null, 1, 0);
        if (!existing.items().isEmpty()) {
            throw new ImportException("the store already holds objects (" + existing.items().getFirst().key()
                    + ", ...); import into a new, empty store");
        }
        String first = in.readLine();
        JsonNode header = first == null ? null : Json.parse(first.getBytes(StandardCharsets.UTF_8));
        if (header == null || !FORMAT.equals(header.path("format").asText())) {
            throw new ImportException("not a kube4j storage export (the first line names no format " + FORMAT + ")");
        }
        if (header.path("version").asInt() != 1) {
            throw new ImportException("export version " + header.path("version").asInt() + " is not supported");
        }
        long count = 0;
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = Json.parse(line.getBytes(StandardCharsets.UTF_8));
            byte[] value = Json.bytes(n.get("value"));
            if (n.path("identity").asBoolean()) {
                if (shared) {
                    store.create(SharedBootstrap.KEY, value);
                } else {
                    SharedBootstrap.adopt(value, dataDir);
                }
                continue;
            }
            String key = n.path("key").asText();
            if (!key.startsWith(OBJECTS)) {
                throw new ImportException("line " + (count + 2) + ": key " + key + " is outside " + OBJECTS);
            }
            store.create(key, value);
            count++;
        }
        return count;
    }

    private static void writeLine(BufferedWriter out, JsonNode n) throws IOException {
        out.write(new String(Json.bytes(n), StandardCharsets.UTF_8));
        out.write('\n');
    }
}
