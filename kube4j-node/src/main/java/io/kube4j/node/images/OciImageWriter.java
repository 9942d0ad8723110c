package io.kube4j.node.images;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kube4j.apimachinery.json.Json;

/**
 * Writes a single-layer linux/amd64 image as an OCI image-layout tar archive, the format
 * {@code ctr images import} reads: {@code oci-layout}, {@code index.json} (with the
 * {@code io.containerd.image.name} annotation carrying the full reference) and
 * {@code blobs/sha256/} holding the manifest, the config and one gzip layer.
 *
 * <p>The output is a function of the input only (fixed mtimes, sorted entries, no timestamps in
 * the config), so an image's ID stays the same from one build to the next. Stateless and
 * thread-safe.
 */
public final class OciImageWriter {

    public static final String MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
    public static final String INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json";
    public static final String CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json";
    public static final String LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String CONTAINERD_NAME_ANNOTATION = "io.containerd.image.name";
    public static final String REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";

    private OciImageWriter() {
    }

    /** The files of an image's only layer, kept sorted; missing parent directories are added (0755). */
    public static final class RootFs {
        private sealed interface Entry permits Dir, RegularFile, Symlink {
        }

        private record Dir(int mode) implements Entry {
        }

        private record RegularFile(int mode, byte[] content) implements Entry {
        }

        private record Symlink(String target) implements Entry {
        }

        private final TreeMap<String, Entry> entries = new TreeMap<>();

        public RootFs directory(String path, int mode) {
            put(path, new Dir(mode));
            return this;
        }

        public RootFs file(String path, int mode, byte[] content) {
            put(path, new RegularFile(mode, content.clone()));
            return this;
        }

        public RootFs file(String path, int mode, String content) {
            return file(path, mode, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        public RootFs symlink(String path, String target) {
            put(path, new Symlink(target));
            return this;
        }

        /** The content of the regular file at {@code path}, or null if there is none. */
        public byte[] content(String path) {
            return entries.get(normalize(path)) instanceof RegularFile f ? f.content().clone() : null;
        }

        /** Paths in archive order (parents before children). */
        public List<String> paths() {
            return List.copyOf(entries.keySet());
        }

        private void put(String path, Entry e) {
            String p = normalize(path);
            int slash = p.lastIndexOf('/');
            if (slash > 0) {
                String parent = p.substring(0, slash);
                Entry existing = entries.get(parent);
                if (existing == null) {
                    put(parent, new Dir(0755));
                } else if (!(existing instanceof Dir)) {
                    throw new IllegalArgumentException(parent + " is not a directory");
                }
            }
            if (e instanceof Dir && entries.get(p) instanceof Dir) {
                entries.put(p, e); // an explicit mode replaces an implied parent's
                return;
            }
            if (entries.putIfAbsent(p, e) != null) {
                throw new IllegalArgumentException("duplicate path in image: " + p);
            }
        }

        private static String normalize(String path) {
            String p = path;
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            if (p.isEmpty() || p.contains("//") || List.of(p.split("/")).contains("..") || List.of(p.split("/")).contains(".")) {
                throw new IllegalArgumentException("bad path in image: " + path);
            }
            return p;
        }

        /** The layer as an uncompressed tar. */
        byte[] toTar() throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try (TarWriter tar = new TarWriter(buf)) {
                for (Map.Entry<String, Entry> e : entries.entrySet()) {
                    switch (e.getValue()) {
                        case Dir d -> tar.directory(e.getKey(), d.mode());
                        case RegularFile f -> tar.file(e.getKey(), f.mode(), f.content());
                        case Symlink s -> tar.symlink(e.getKey(), s.target());
                    }
                }
            }
            return buf.toByteArray();
        }
    }

    /**
     * What a container runs by default.
     *
     * @param exposedPorts e.g. {@code 8080/tcp}
     */
    public record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir,
                              List<String> exposedPorts) {
        public ImageConfig {
            entrypoint = List.copyOf(entrypoint);
            cmd = List.copyOf(cmd);
            env = List.copyOf(env);
            Objects.requireNonNull(workingDir, "workingDir");
            exposedPorts = List.copyOf(exposedPorts);
        }
    }

    /** An image to write: full reference ({@code registry/name:tag}), config and root file system. */
    public record Image(String name, ImageConfig config, RootFs rootFs) {
    }

    /**
     * What was written.
     *
     * @param imageId the config's digest, which containerd and the CRI report as the image ID
     * @param diffId the sha256 of the uncompressed layer
     */
    public record Written(Path archive, String name, String manifestDigest, String imageId, String layerDigest,
                          String diffId) {
    }

    /** Writes {@code image} to {@code archive}, replacing it atomically. */
    public static Written write(Image image, Path archive) throws IOException {
        byte[] layerTar = image.rootFs().toTar();
        String diffId = sha256(layerTar);
        byte[] layer = gzip(layerTar);
        String layerDigest = sha256(layer);

        byte[] config = Json.bytes(configJson(image.config(), diffId));
        String configDigest = sha256(config);

        ObjectNode manifest = Json.object();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MANIFEST_MEDIA_TYPE);
        manifest.set("config", descriptor(CONFIG_MEDIA_TYPE, configDigest, config.length));
        manifest.putArray("layers").add(descriptor(LAYER_MEDIA_TYPE, layerDigest, layer.length));
        byte[] manifestBytes = Json.bytes(manifest);
        String manifestDigest = sha256(manifestBytes);

        ObjectNode index = Json.object();
        index.put("schemaVersion", 2);
        index.put("mediaType", INDEX_MEDIA_TYPE);
        ObjectNode m = descriptor(MANIFEST_MEDIA_TYPE, manifestDigest, manifestBytes.length);
        ObjectNode platform = m.putObject("platform");
        platform.put("architecture", "amd64");
        platform.put("os", "linux");
        ObjectNode annotations = m.putObject("annotations");
        annotations.put(CONTAINERD_NAME_ANNOTATION, image.name());
        annotations.put(REF_NAME_ANNOTATION, tagOf(image.name()));
        index.putArray("manifests").add(m);

        Files.createDirectories(archive.toAbsolutePath().getParent());
        Path tmp = Files.createTempFile(archive.toAbsolutePath().getParent(), ".image-", ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp); TarWriter tar = new TarWriter(out)) {
                tar.file("oci-layout", 0644, "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                tar.file("index.json", 0644, Json.bytes(index));
                tar.directory("blobs", 0755);
                tar.directory("blobs/sha256", 0755);
                List<Map.Entry<String, byte[]>> blobs = new ArrayList<>(List.of(
                        Map.entry(manifestDigest, manifestBytes), Map.entry(configDigest, config),
                        Map.entry(layerDigest, layer)));
                blobs.sort(Map.Entry.comparingByKey());
                for (Map.Entry<String, byte[]> b : blobs) {
                    tar.file("blobs/sha256/" + b.getKey().substring("sha256:".length()), 0644, b.getValue());
                }
            }
            Files.move(tmp, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new Written(archive, image.name(), manifestDigest, configDigest, layerDigest, diffId);
    }

    private static ObjectNode configJson(ImageConfig c, String diffId) {
        ObjectNode config = Json.object();
        config.put("architecture", "amd64");
        config.put("os", "linux");
        ObjectNode run = config.putObject("config");
        if (!c.exposedPorts().isEmpty()) {
            ObjectNode ports = run.putObject("ExposedPorts");
            c.exposedPorts().forEach(p -> ports.putObject(p));
        }
        ArrayNode env = run.putArray("Env");
        c.env().forEach(env::add);
        if (!c.entrypoint().isEmpty()) {
            ArrayNode ep = run.putArray("Entrypoint");
            c.entrypoint().forEach(ep::add);
        }
        if (!c.cmd().isEmpty()) {
            ArrayNode cmd = run.putArray("Cmd");
            c.cmd().forEach(cmd::add);
        }
        run.put("WorkingDir", c.workingDir());
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        rootfs.putArray("diff_ids").add(diffId);
        return config;
    }

    private static ObjectNode descriptor(String mediaType, String digest, long size) {
        ObjectNode d = Json.object();
        d.put("mediaType", mediaType);
        d.put("digest", digest);
        d.put("size", size);
        return d;
    }

    /** The tag of {@code registry/name:tag}, or "latest". */
    static String tagOf(String reference) {
        int colon = reference.lastIndexOf(':');
        return colon > reference.lastIndexOf('/') ? reference.substring(colon + 1) : "latest";
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(data.length / 2);
        // Java's gzip header has no name and mtime 0, so equal input gives equal output.
        try (GZIPOutputStream gz = new GZIPOutputStream(buf, 64 * 1024) {
            {
                def.setLevel(Deflater.BEST_SPEED); // images are built at node start; speed beats size
            }
        }) {
            gz.write(data);
        }
        return buf.toByteArray();
    }

    /** {@code sha256:HEX} of {@code data}. */
    public static String sha256(byte[] data) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
