package io.kube4j.cri.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.kube4j.cri.CriException;
import io.kube4j.cri.api.*;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * RemoteRuntime against a real containerd started for this test: its own config, root, state and socket under
 * a temp dir, stopped by PID afterwards. Needs root and containerd (CI has both); fails, never skips, without.
 * Sends no traffic beyond the machine: the only pull goes to a closed port on 127.0.0.1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteRuntimeContainerdTest {

    private Path dir;
    private Process containerd;
    private RemoteRuntime cri;

    @BeforeAll
    void startContainerd() throws Exception {
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (!Integer.valueOf(0).equals(uid)) {
            fail("RemoteRuntimeContainerdTest needs root to run containerd (uid is " + uid + ")");
        }
        Path binary = onPath("containerd");
        if (binary == null) {
            fail("RemoteRuntimeContainerdTest needs containerd on PATH (Debian package 'containerd')");
        }
        // short: a unix socket path must stay under ~108 bytes
        dir = Files.createTempDirectory(Path.of("/tmp"), "k4j-cri-");
        Path socket = dir.resolve("c.sock");
        Files.createDirectories(dir.resolve("cni"));
        Path config = dir.resolve("config.toml");
        Files.writeString(config, """
                version = 2
                root = "%1$s/root"
                state = "%1$s/state"
                disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
                  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]

                [grpc]
                  address = "%2$s"

                [ttrpc]
                  address = "%2$s.ttrpc"

                [debug]
                  address = ""

                [metrics]
                  address = ""

                [plugins."io.containerd.internal.v1.opt"]
                  path = "%1$s/opt"

                [plugins."io.containerd.grpc.v1.cri"]
                  sandbox_image = "kube4j.local/pause:3.10"
                  restrict_oom_score_adj = true
                  stream_server_address = "127.0.0.1"
                  stream_server_port = "0"

                [plugins."io.containerd.grpc.v1.cri".containerd]
                  snapshotter = "overlayfs"
                  default_runtime_name = "runc"

                [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
                  runtime_type = "io.containerd.runc.v2"

                [plugins."io.containerd.grpc.v1.cri".cni]
                  bin_dir = "/usr/lib/cni"
                  conf_dir = "%1$s/cni"
                """.formatted(dir, socket));
        containerd = new ProcessBuilder(binary.toString(), "--config", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("containerd.log").toFile())
                .start();
        cri = RemoteRuntime.connect("unix://" + socket,
                RemoteRuntimeOptions.defaults().withRequestTimeout(Duration.ofSeconds(10))
                        .withPullTimeout(Duration.ofSeconds(30)));
        try {
            cri.waitUntilReady(Duration.ofSeconds(20));
        } catch (CriException e) {
            fail("containerd did not answer: " + e.getMessage() + "\n" + logTail());
        }
    }

    @AfterAll
    void stopContainerd() throws Exception {
        if (cri != null) {
            cri.close();
        }
        if (containerd != null) {
            containerd.destroy(); // SIGTERM
            if (!containerd.waitFor(10, TimeUnit.SECONDS)) {
                containerd.destroyForcibly();
                containerd.waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (dir != null) {
            unmountUnder(dir);
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void versionNamesContainerd() {
        VersionResponse version = cri.version(VersionRequest.newBuilder().setVersion("v1").build());
        assertThat(version.getRuntimeName()).isEqualTo("containerd");
        assertThat(version.getRuntimeApiVersion()).isEqualTo("v1");
        assertThat(version.getRuntimeVersion()).isNotEmpty();
    }

    @Test
    void statusIsRuntimeReadyButNetworkNotReadyWithoutCniConfig() {
        StatusResponse status = cri.status(StatusRequest.newBuilder().setVerbose(true).build());
        List<RuntimeCondition> conditions = status.getStatus().getConditionsList();
        assertThat(conditions).filteredOn(c -> c.getType().equals("RuntimeReady"))
                .singleElement().satisfies(c -> assertThat(c.getStatus()).isTrue());
        assertThat(conditions).filteredOn(c -> c.getType().equals("NetworkReady"))
                .singleElement().satisfies(c -> {
                    assertThat(c.getStatus()).isFalse();
                    assertThat(c.getReason()).isEqualTo("NetworkPluginNotReady");
                });
        assertThat(status.getInfoMap()).containsKey("config");
        assertThat(status.getInfoMap().get("config")).contains("kube4j.local/pause:3.10");
    }

    @Test
    void aFreshContainerdHasNoImagesAndNoSandboxes() {
        assertThat(cri.listImages(ListImagesRequest.getDefaultInstance()).getImagesList()).isEmpty();
        assertThat(cri.listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()).isEmpty();
        assertThat(cri.listContainers(ListContainersRequest.getDefaultInstance()).getContainersList()).isEmpty();
        assertThat(cri.imageStatus(ImageStatusRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage("kube4j.local/pause:3.10")).build()).hasImage()).isFalse();
        assertThat(cri.imageFsInfo(ImageFsInfoRequest.getDefaultInstance()).getImageFilesystemsList()).isNotEmpty();
    }

    @Test
    void unknownSandboxIsNotFound() {
        assertThatThrownBy(() -> cri.podSandboxStatus(
                PodSandboxStatusRequest.newBuilder().setPodSandboxId("0123456789ab").build()))
                .isInstanceOfSatisfying(CriException.class, e -> assertThat(e.isNotFound()).isTrue());
        assertThatThrownBy(() -> cri.containerStatus(
                ContainerStatusRequest.newBuilder().setContainerId("0123456789ab").build()))
                .isInstanceOfSatisfying(CriException.class, e -> assertThat(e.isNotFound()).isTrue());
    }

    @Test
    void pullFromAClosedLoopbackPortFailsQuickly() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        String image = "127.0.0.1:" + port + "/kube4j/nothing:1";
        long start = System.nanoTime();
        assertThatThrownBy(() -> cri.pullImage(PullImageRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(image)).build()))
                .isInstanceOfSatisfying(CriException.class, e -> {
                    assertThat(e.isDeadlineExceeded()).as(e.getMessage()).isFalse();
                    assertThat(e.description()).contains("failed to pull and unpack image")
                            .contains("127.0.0.1:" + port).contains("connection refused");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("containerd.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no containerd log: " + e.getMessage() + ")";
        }
    }

    private static Path onPath(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/bin", "/usr/local/bin", "/usr/sbin"));
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(d, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** containerd mounts nothing without containers, but never leave a mount behind if it did. */
    private static void unmountUnder(Path root) throws IOException, InterruptedException {
        List<String> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ");
            if (fields.length > 4 && fields[4].startsWith(root.toString())) {
                mounts.add(fields[4]);
            }
        }
        mounts.sort(Comparator.reverseOrder()); // deepest first
        for (String mount : mounts) {
            new ProcessBuilder("umount", "-l", mount).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
