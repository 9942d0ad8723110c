package io.kube4j.node.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kube4j.node.host.HostCommand;

/**
 * Imports image archives (OCI layout or docker-save tars) into containerd's {@code k8s.io}
 * namespace with {@code ctr}, unpacked for the overlayfs snapshotter, so the CRI sees them at once
 * and never pulls them. This is how the node loads its built-in images and, k3s air-gap style,
 * every {@code *.tar} an operator drops into {@code DATA/images}.
 *
 * <p>Called by the node at start-up, after containerd answers. Thread-safe (each call is one
 * {@code ctr} run); importing the same archive again is harmless.
 */
public final class ImageImporter {

    private static final Logger LOG = LoggerFactory.getLogger(ImageImporter.class);

    /** The containerd namespace the CRI plugin uses. */
    public static final String CRI_NAMESPACE = "k8s.io";

    private static final Pattern UNPACKED = Pattern.compile("(?m)^unpacking (\\S+) \\(sha256:[0-9a-f]+\\)");
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    /**
     * One archive and the image names it brought.
     *
     * @param skipped true when containerd already had every image of the archive at the same
     *     manifest digest, so nothing was imported
     */
    public record Imported(Path archive, List<String> images, boolean skipped, Duration took) {
    }

    private final Path socket;

    /** @param socket containerd's socket ({@code Containerd.socket()}) */
    public ImageImporter(Path socket) {
        this.socket = socket;
    }

    /**
     * Imports one archive: {@code ctr --address SOCK -n k8s.io images import --snapshotter
     * overlayfs FILE}. ctr unpacks by default, for the current platform.
     *
     * @throws HostCommand.HostCommandException if ctr fails (bad archive, containerd down)
     */
    public Imported importArchive(Path archive) {
        return importArchive(archive, Map.of());
    }

    /**
     * Imports {@code archive} unless it is an OCI layout whose named images {@code present} (name
     * to manifest digest, from {@link #listDigests()}) already holds at the same digests.
     */
    public Imported importArchive(Path archive, Map<String, String> present) {
        long t0 = System.nanoTime();
        Map<String, String> named = namedManifests(archive);
        if (!named.isEmpty() && named.entrySet().stream().allMatch(e -> e.getValue().equals(present.get(e.getKey())))) {
            return new Imported(archive, List.copyOf(named.keySet()), true, Duration.ofNanos(System.nanoTime() - t0));
        }
        HostCommand.Result r = HostCommand.run(List.of("ctr", "--address", socket.toString(), "-n", CRI_NAMESPACE,
                "images", "import", "--snapshotter", "overlayfs", archive.toString()), null, Map.of(), TIMEOUT).orThrow();
        List<String> names = new ArrayList<>();
        Matcher m = UNPACKED.matcher(r.stdout());
        while (m.find()) {
            names.add(m.group(1));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        LOG.info("imported image archive archive={} images={} millis={}", archive, names, took.toMillis());
        return new Imported(archive, List.copyOf(names), false, took);
    }

    /**
     * Imports every {@code *.tar} below {@code dir} (sub-directories included, e.g. {@code builtin/}),
     * in path order. A missing directory imports nothing.
     */
    public List<Imported> importDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> archives;
        try (Stream<Path> files = Files.walk(dir)) {
            archives = files.filter(f -> f.getFileName().toString().endsWith(".tar") && Files.isRegularFile(f))
                    .sorted().toList();
        }
        Map<String, String> present = archives.isEmpty() ? Map.of() : listDigests();
        List<Imported> imported = new ArrayList<>();
        for (Path a : archives) {
            imported.add(importArchive(a, present));
        }
        return imported;
    }

    /** Image name to target (manifest or index) digest, for the named images in {@code k8s.io}. */
    public Map<String, String> listDigests() {
        Map<String, String> digests = new java.util.LinkedHashMap<>();
        List<String> lines = HostCommand.check("ctr", "--address", socket.toString(), "-n", CRI_NAMESPACE, "images", "ls")
                .stdout().lines().skip(1).toList();
        for (String line : lines) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length >= 3 && !cols[0].startsWith("sha256:")) {
                digests.put(cols[0], cols[2]);
            }
        }
        return digests;
    }

    /**
     * The images an OCI-layout archive names (containerd's name annotation) with their manifest
     * digests, read from its {@code index.json}; empty for other archives or unnamed entries.
     */
    static Map<String, String> namedManifests(Path archive) {
        Map<String, String> named = new java.util.LinkedHashMap<>();
        try {
            byte[] index = TarReader.readFile(archive, "index.json");
            if (index == null) {
                return named;
            }
            for (com.fasterxml.jackson.databind.JsonNode m : io.kube4j.apimachinery.json.Json.parse(index).path("manifests")) {
                String name = m.path("annotations").path(OciImageWriter.CONTAINERD_NAME_ANNOTATION).asText("");
                String digest = m.path("digest").asText("");
                if (name.isEmpty() || digest.isEmpty()) {
                    return Map.of(); // an unnamed entry: let ctr decide what it imports
                }
                named.put(name, digest);
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return named;
    }

    /** The image references in the {@code k8s.io} namespace ({@code ctr images ls -q}). */
    public List<String> list() {
        return HostCommand.check("ctr", "--address", socket.toString(), "-n", CRI_NAMESPACE, "images", "ls", "-q")
                .stdout().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
