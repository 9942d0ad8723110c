package io.kube4j.node.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kube4j.node.containerd.Containerd;
import io.kube4j.node.host.HostCommand;
import io.kube4j.node.host.RootHost;

/**
 * A real containerd (own config, root, state and socket under temp dirs), the built-in images
 * imported into it, and two of them run with ctr. Nothing is pulled; the only network traffic is
 * to 127.0.0.1.
 */
class ImageImporterTest {

    @TempDir
    Path dataDir;

    private Path stateDir;
    private Containerd containerd;
    private final List<String> containers = new ArrayList<>();
    /** containerd 1.6 shims always put their sockets in /run/containerd/s; remove it again if we made it. */
    private boolean runContainerdExisted;

    @BeforeEach
    void startContainerd() throws IOException {
        RootHost.requireRoot();
        runContainerdExisted = Files.exists(Path.of("/run/containerd"));
        stateDir = RootHost.shortTempDir();
        containerd = Containerd.managed(Containerd.Config.withStateDir(dataDir, stateDir));
        containerd.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            for (String id : containers) {
                ctr("task", "kill", "-s", "SIGKILL", id);
                for (int i = 0; i < 100 && ctr("task", "ls").stdout().contains(id + " "); i++) {
                    ctr("task", "delete", "-f", id);
                    Thread.sleep(20);
                }
                ctr("container", "delete", id);
            }
        } finally {
            containerd.stop();
            // Any shim still serving this containerd was started by this test: stop it by PID.
            for (ProcessHandle shim : shimsOf(stateDir)) {
                shim.destroyForcibly();
                shim.onExit().get();
            }
            assertThat(mountsUnder(stateDir)).isEmpty();
            assertThat(mountsUnder(dataDir)).isEmpty();
            RootHost.deleteTree(stateDir);
            // Snapshots hold busybox's absolute applet links; remove them without following.
            RootHost.deleteTree(dataDir.resolve("containerd"));
            if (!runContainerdExisted) { // rmdir: only if empty, so another user's shims are safe
                for (String d : List.of("/run/containerd/s", "/run/containerd")) {
                    try {
                        Files.deleteIfExists(Path.of(d));
                    } catch (java.nio.file.DirectoryNotEmptyException e) {
                        // someone else's containerd uses it now
                    }
                }
            }
            for (String id : containers) {
                assertThat(Path.of("/sys/fs/cgroup/memory", id)).doesNotExist();
            }
        }
    }

    private HostCommand.Result ctr(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ctr", "--address", containerd.socket().toString(), "-n", "k8s.io"));
        cmd.addAll(List.of(args));
        return HostCommand.run(cmd, null, java.util.Map.of(), Duration.ofSeconds(30));
    }

    private static List<ProcessHandle> shimsOf(Path stateDir) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                .map(c -> c.contains("containerd-shim") && c.contains(stateDir.toString())).orElse(false)).toList();
    }

    private static List<String> mountsUnder(Path dir) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.contains(" " + dir.toString())).toList();
    }

    @Test
    void importsTheBuiltinImagesVisibleToTheCriNamespace() throws Exception {
        TestImages.ensureBuilt(dataDir);
        ImageImporter importer = new ImageImporter(containerd.socket());

        long t0 = System.nanoTime();
        List<ImageImporter.Imported> imported = importer.importDirectory(dataDir.resolve("images"));
        System.out.println("importing " + imported.size() + " archives took " + (System.nanoTime() - t0) / 1_000_000
                + " ms: " + imported.stream().map(i -> i.took().toMillis() + "ms").toList());

        assertThat(imported).hasSize(5).noneMatch(ImageImporter.Imported::skipped);
        assertThat(imported.stream().flatMap(i -> i.images().stream()))
                .containsExactlyInAnyOrderElementsOf(TestImages.NAMES);
        assertThat(importer.list()).containsAll(TestImages.NAMES);
        // Unpacked for overlayfs: the snapshotter holds a committed snapshot per layer.
        assertThat(ctr("snapshots", "--snapshotter", "overlayfs", "ls").stdout()).contains("Committed");

        // A node restart: containerd has them all at the same digests, nothing is imported again.
        t0 = System.nanoTime();
        List<ImageImporter.Imported> again = importer.importDirectory(dataDir.resolve("images"));
        System.out.println("importing again took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        assertThat(again).hasSize(5).allMatch(ImageImporter.Imported::skipped);

        // Importing one archive explicitly always runs ctr, and is harmless.
        assertThat(importer.importArchive(TestImages.builtinDir(dataDir).resolve("pause-3.10.tar")).skipped()).isFalse();
        assertThat(importer.list().stream().filter(TestImages.PAUSE::equals)).hasSize(1);
    }

    @Test
    void importedKubiaRunsInARuncContainerAndStopsOnSigterm() throws Exception {
        TestImages.ensureBuilt(dataDir);
        new ImageImporter(containerd.socket()).importArchive(TestImages.builtinDir(dataDir).resolve("kubia-1.tar"));

        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String id = "k4jh-kubia-" + ProcessHandle.current().pid();
        containers.add(id);
        // Host network, bound to 127.0.0.1 only: the test reaches it without any CNI.
        // Own runc root, fifo dir and a top-level cgroup that runc removes again on delete.
        ctr("run", "-d", "--net-host", "--runc-root", stateDir.resolve("runc").toString(),
                "--fifo-dir", stateDir.resolve("fifo").toString(), "--cgroup", "/" + id,
                "--env", "KUBIA_PORT=" + port, TestImages.KUBIA, id).orThrow();

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(2)).build();
        HttpResponse<String> r = null;
        for (int i = 0; i < 100 && r == null; i++) {
            try {
                r = http.send(get, HttpResponse.BodyHandlers.ofString());
            } catch (java.net.ConnectException e) {
                Thread.sleep(20);
            }
        }
        assertThat(r).as("kubia answered").isNotNull();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("You've hit ").endsWith("\n");

        // Stopping containerd leaves the container and its shim running.
        List<ProcessHandle> shims = shimsOf(stateDir);
        assertThat(shims).hasSize(1);
        containerd.stop();
        assertThat(shims.getFirst().isAlive()).isTrue();
        assertThat(http.send(get, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        containerd.start();
        assertThat(ctr("task", "ls").stdout()).containsPattern(id + "\\s+\\d+\\s+RUNNING");

        long t0 = System.nanoTime();
        ctr("task", "kill", "-s", "SIGTERM", id).orThrow();
        Optional<String> stopped = Optional.empty();
        for (int i = 0; i < 200 && stopped.isEmpty(); i++) {
            String tasks = ctr("task", "ls").stdout();
            stopped = tasks.lines().filter(l -> l.startsWith(id) && l.contains("STOPPED")).findFirst();
            Thread.sleep(10);
        }
        System.out.println("kubia container stopped " + (System.nanoTime() - t0) / 1_000_000 + " ms after SIGTERM");
        assertThat(stopped).as("stopped within 2 s of SIGTERM").isPresent();
        // ctr exits with the task's exit status.
        assertThat(ctr("task", "delete", id).exitCode()).as("kubia's exit code after SIGTERM").isZero();
    }
}
