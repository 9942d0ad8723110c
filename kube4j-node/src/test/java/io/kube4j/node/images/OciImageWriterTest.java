package io.kube4j.node.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.kube4j.apimachinery.json.Json;
import io.kube4j.node.host.HostCommand;
import io.kube4j.node.images.OciImageWriter.Image;
import io.kube4j.node.images.OciImageWriter.ImageConfig;
import io.kube4j.node.images.OciImageWriter.RootFs;
import io.kube4j.node.images.OciImageWriter.Written;

class OciImageWriterTest {

    @TempDir
    Path tmp;

    private static final String LONG_DIR = "very/" + "deep/".repeat(25) + "dir";

    private static Image sample() {
        RootFs fs = new RootFs()
                .file("bin/hello", 0755, "#!/bin/sh\necho hello\n")
                .symlink("bin/hi", "/bin/hello")
                .directory("tmp", 01777)
                .file(LONG_DIR + "/file.txt", 0600, "deep\n")
                .file("big", 0644, new byte[1500]);
        return new Image("kube4j.local/sample:7",
                new ImageConfig(List.of("/bin/hello"), List.of("world"), List.of("PATH=/bin"), "/tmp", List.of("8080/tcp")),
                fs);
    }

    @Test
    void writesAnOciLayoutThatGnuTarReadsBack() throws IOException {
        Written w = OciImageWriter.write(sample(), tmp.resolve("sample.tar"));
        Path out = Files.createDirectories(tmp.resolve("out"));
        HostCommand.check("tar", "-xf", w.archive().toString(), "-C", out.toString());

        assertThat(Json.parse(Files.readAllBytes(out.resolve("oci-layout"))).get("imageLayoutVersion").asText()).isEqualTo("1.0.0");
        JsonNode index = Json.parse(Files.readAllBytes(out.resolve("index.json")));
        JsonNode desc = index.get("manifests").get(0);
        assertThat(desc.get("digest").asText()).isEqualTo(w.manifestDigest());
        assertThat(desc.get("annotations").get("io.containerd.image.name").asText()).isEqualTo("kube4j.local/sample:7");
        assertThat(desc.get("annotations").get("org.opencontainers.image.ref.name").asText()).isEqualTo("7");
        assertThat(desc.get("platform").get("architecture").asText()).isEqualTo("amd64");

        byte[] manifestBytes = blob(out, w.manifestDigest());
        assertThat(desc.get("size").asLong()).isEqualTo(manifestBytes.length);
        JsonNode manifest = Json.parse(manifestBytes);
        assertThat(manifest.get("config").get("digest").asText()).isEqualTo(w.imageId());
        assertThat(manifest.get("layers").get(0).get("mediaType").asText()).isEqualTo(OciImageWriter.LAYER_MEDIA_TYPE);

        JsonNode config = Json.parse(blob(out, w.imageId()));
        assertThat(config.get("os").asText()).isEqualTo("linux");
        assertThat(config.at("/config/Entrypoint/0").asText()).isEqualTo("/bin/hello");
        assertThat(config.at("/config/Cmd/0").asText()).isEqualTo("world");
        assertThat(config.at("/config/Env/0").asText()).isEqualTo("PATH=/bin");
        assertThat(config.at("/config/WorkingDir").asText()).isEqualTo("/tmp");
        assertThat(config.at("/config/ExposedPorts").has("8080/tcp")).isTrue();

        byte[] layerGz = blob(out, w.layerDigest());
        byte[] layer = new GZIPInputStream(new ByteArrayInputStream(layerGz)).readAllBytes();
        assertThat(OciImageWriter.sha256(layer)).isEqualTo(w.diffId());
        assertThat(config.at("/rootfs/diff_ids/0").asText()).isEqualTo(w.diffId());

        // The layer itself, read by GNU tar: modes, symlinks, long names (ustar prefix) survive.
        Path layerFile = tmp.resolve("layer.tar");
        Files.write(layerFile, layer);
        String listing = HostCommand.check("tar", "-tvf", layerFile.toString()).stdout();
        assertThat(listing).contains("-rwxr-xr-x root/root        21 2000-01-01 00:00 bin/hello",
                "lrwxrwxrwx root/root         0 2000-01-01 00:00 bin/hi -> /bin/hello",
                "drwxrwxrwt root/root         0 2000-01-01 00:00 tmp/",
                "-rw------- root/root         5 2000-01-01 00:00 " + LONG_DIR + "/file.txt",
                "-rw-r--r-- root/root      1500 2000-01-01 00:00 big");
        assertThat(listing.lines().toList().indexOf("drwxr-xr-x root/root         0 2000-01-01 00:00 bin/"))
                .isLessThan(listing.lines().toList().indexOf("-rwxr-xr-x root/root        21 2000-01-01 00:00 bin/hello"));
        Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        HostCommand.check("tar", "-xf", layerFile.toString(), "-C", rootfs.toString());
        assertThat(Files.readString(rootfs.resolve(LONG_DIR + "/file.txt"))).isEqualTo("deep\n");
        assertThat(Files.readSymbolicLink(rootfs.resolve("bin/hi"))).isEqualTo(Path.of("/bin/hello"));
    }

    @Test
    void importerReadsTheNamesAndDigestsBack() throws IOException {
        Written w = OciImageWriter.write(sample(), tmp.resolve("sample.tar"));
        assertThat(ImageImporter.namedManifests(w.archive())).containsExactly(java.util.Map.entry("kube4j.local/sample:7", w.manifestDigest()));
        assertThat(TarReader.readFile(w.archive(), "oci-layout")).asString().contains("1.0.0");
        assertThat(TarReader.readFile(w.archive(), "nope")).isNull();
        Files.writeString(tmp.resolve("junk.tar"), "not a tar");
        assertThat(ImageImporter.namedManifests(tmp.resolve("junk.tar"))).isEmpty();
    }

    @Test
    void sameInputGivesTheSameBytes() throws IOException {
        Written a = OciImageWriter.write(sample(), tmp.resolve("a.tar"));
        Written b = OciImageWriter.write(sample(), tmp.resolve("b.tar"));
        assertThat(b.imageId()).isEqualTo(a.imageId());
        assertThat(b.manifestDigest()).isEqualTo(a.manifestDigest());
        assertThat(Files.readAllBytes(b.archive())).isEqualTo(Files.readAllBytes(a.archive()));
    }

    @Test
    void rejectsBadPaths() {
        assertThatThrownBy(() -> new RootFs().file("../etc/passwd", 0644, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RootFs().file("a", 0644, "x").file("a/b", 0644, "y"))
                .hasMessageContaining("a is not a directory");
        assertThatThrownBy(() -> new RootFs().file("a", 0644, "x").file("a", 0644, "y"))
                .hasMessageContaining("duplicate path");
    }

    @Test
    void tagOfReference() {
        assertThat(OciImageWriter.tagOf("kube4j.local/pause:3.10")).isEqualTo("3.10");
        assertThat(OciImageWriter.tagOf("localhost:5000/x")).isEqualTo("latest");
    }

    private static byte[] blob(Path layout, String digest) throws IOException {
        byte[] b = Files.readAllBytes(layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length())));
        assertThat(OciImageWriter.sha256(b)).isEqualTo(digest);
        return b;
    }
}
