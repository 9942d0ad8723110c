package io.kube4j.node.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kube4j.node.host.HostCommand;
import io.kube4j.node.images.OciImageWriter.Image;

/**
 * The images' programs, run on the host from the very bytes that go into the layers (busybox sh,
 * 127.0.0.1, a free high port), and the build's caching.
 */
class TestImagesTest {

    @TempDir
    Path tmp;

    private final List<Process> started = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process p : started) {
            List<ProcessHandle> children = p.descendants().toList();
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static List<String> applets() {
        return HostCommand.check("/bin/busybox", "--list-full").stdout().lines().toList();
    }

    /** Writes the image's /app or /pause files into a directory, byte for byte. */
    private Path extract(String imageName, String... paths) throws IOException {
        Image image = TestImages.image(imageName, new byte[] {1}, List.of());
        Path root = Files.createTempDirectory(tmp, "rootfs");
        for (String p : paths) {
            byte[] content = image.rootFs().content(p);
            assertThat(content).as(p).isNotNull();
            Path f = root.resolve(p);
            Files.createDirectories(f.getParent());
            Files.write(f, content);
        }
        return root;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Process startKubia(String imageName) throws Exception {
        Path root = extract(imageName, "app/kubia", "app/handle");
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder("/bin/busybox", "sh", root.resolve("app/kubia").toString());
        pb.environment().putAll(Map.of("KUBIA_PORT", Integer.toString(port), 
                "KUBIA_STATE", root.toString()));
        pb.redirectErrorStream(true).redirectOutput(root.resolve("log").toFile());
        Process p = pb.start();
        started.add(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                break;
            } catch (ConnectException e) {
                assertThat(p.isAlive()).as("kubia exited: %s", Files.readString(root.resolve("log"))).isTrue();
                assertThat(System.nanoTime()).as("kubia listening on %d", port).isLessThan(deadline);
                Thread.sleep(10);
            }
        }
        p.info(); // keep the handle warm
        portOf.put(p, port);
        return p;
    }

    private final Map<Process, Integer> portOf = new java.util.HashMap<>();

    private HttpResponse<String> get(Process kubia, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + portOf.get(kubia) + path))
                .timeout(Duration.ofSeconds(5)).GET().build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private static String hostname() throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    }

    /** SIGTERM (what the CRI sends first) must end the process at once, with 0, leaving no children. */
    private static void assertStopsPromptlyOnSigterm(Process p) throws Exception {
        List<ProcessHandle> children = p.descendants().toList();
        assertThat(children).as("the program runs its server/sleep as a child").isNotEmpty();
        long t0 = System.nanoTime();
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(2, TimeUnit.SECONDS)).as("exited within 2 s of SIGTERM").isTrue();
        System.out.println("exit after SIGTERM took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        assertThat(p.exitValue()).isZero();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (children.stream().anyMatch(ProcessHandle::isAlive)) { // the trap kills the child too
            assertThat(System.nanoTime()).as("children gone: %s", children).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void kubiaAnswersEveryGetWithTheHostnameAndStopsOnSigterm() throws Exception {
        Process kubia = startKubia(TestImages.KUBIA);
        for (String path : List.of("/", "/anything?x=1", "/")) {
            HttpResponse<String> r = get(kubia, path);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("You've hit " + hostname() + "\n");
            assertThat(r.headers().firstValue("content-type")).hasValue("text/plain");
        }
        // Concurrent clients: a slow one that sends nothing must not block others.
        try (Socket idle = new Socket("127.0.0.1", portOf.get(kubia))) {
            assertThat(get(kubia, "/").statusCode()).isEqualTo(200);
        }
        assertStopsPromptlyOnSigterm(kubia);
    }

    @Test
    void kubiaUnhealthyFailsFromTheSixthRequestOn() throws Exception {
        Process kubia = startKubia(TestImages.KUBIA_UNHEALTHY);
        for (int i = 1; i <= 5; i++) {
            HttpResponse<String> r = get(kubia, "/");
            assertThat(r.statusCode()).as("request %d", i).isEqualTo(200);
            assertThat(r.body()).isEqualTo("You've hit " + hostname() + "\n");
        }
        for (int i = 6; i <= 7; i++) {
            HttpResponse<String> r = get(kubia, "/");
            assertThat(r.statusCode()).as("request %d", i).isEqualTo(500);
            assertThat(r.body()).isEqualTo("I'm not well. Please restart me!");
        }
        // like the book's node.js app as PID 1, it ignores SIGTERM (a liveness kill ends with SIGKILL, 137)
        kubia.destroy();
        assertThat(kubia.waitFor(1, TimeUnit.SECONDS)).as("still running after SIGTERM").isFalse();
        HostCommand.check("kill", "-INT", Long.toString(kubia.pid()));
        assertThat(kubia.waitFor(2, TimeUnit.SECONDS)).as("stops on SIGINT").isTrue();
    }

    @Test
    void kubiaV2SaysSo() throws Exception {
        Process kubia = startKubia(TestImages.KUBIA_V2);
        HttpResponse<String> r = get(kubia, "/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("This is v2 running in pod " + hostname() + "\n");
        assertStopsPromptlyOnSigterm(kubia);
    }

    @Test
    void pauseSleepsUntilSigterm() throws Exception {
        Path root = extract(TestImages.PAUSE, "pause");
        Process pause = new ProcessBuilder("/bin/busybox", "sh", root.resolve("pause").toString()).start();
        started.add(pause);
        assertThat(pause.waitFor(300, TimeUnit.MILLISECONDS)).as("pause keeps running").isFalse();
        assertStopsPromptlyOnSigterm(pause);
    }

    @Test
    void pauseAlsoStopsOnSigint() throws Exception {
        Path root = extract(TestImages.PAUSE, "pause");
        Process pause = new ProcessBuilder("/bin/busybox", "sh", root.resolve("pause").toString()).start();
        started.add(pause);
        Thread.sleep(200);
        HostCommand.check("kill", "-INT", Long.toString(pause.pid()));
        assertThat(pause.waitFor(2, TimeUnit.SECONDS)).isTrue();
        assertThat(pause.exitValue()).isZero();
    }

    @Test
    void imagesCarryBusyboxAndItsApplets() {
        List<String> applets = applets();
        Image busybox = TestImages.image(TestImages.BUSYBOX, new byte[] {7}, applets);
        assertThat(busybox.rootFs().content("bin/busybox")).containsExactly(7);
        assertThat(busybox.rootFs().paths()).contains("bin/sh", "bin/busybox", "usr/bin/wget", "tmp", "etc/passwd")
                .doesNotContain("linuxrc");
        assertThat(busybox.config().cmd()).containsExactly("sh");
        Image kubia = TestImages.image(TestImages.KUBIA, new byte[] {7}, applets);
        assertThat(kubia.config().entrypoint()).containsExactly("/app/kubia");
        assertThat(kubia.config().exposedPorts()).containsExactly("8080/tcp");
        assertThat(TestImages.image(TestImages.PAUSE, new byte[] {7}, applets).config().entrypoint()).containsExactly("/pause");
        assertThat(TestImages.archiveName(TestImages.KUBIA_UNHEALTHY)).isEqualTo("kubia-unhealthy-1.tar");
    }

    @Test
    void buildsOnceAndAgainOnlyWhenSomethingIsMissingOrChanged() throws Exception {
        long t0 = System.nanoTime();
        List<Path> archives = TestImages.ensureBuilt(tmp);
        System.out.println("building the test images took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        assertThat(archives).hasSize(5).allSatisfy(a -> assertThat(a).isRegularFile().hasParent(TestImages.builtinDir(tmp)));
        byte[] kubia = Files.readAllBytes(archives.get(2));

        FileTime old = FileTime.fromMillis(1_000_000);
        for (Path a : archives) {
            Files.setLastModifiedTime(a, old);
        }
        TestImages.ensureBuilt(tmp);
        assertThat(archives).allSatisfy(a -> assertThat(Files.getLastModifiedTime(a)).isEqualTo(old));

        Files.delete(archives.get(4));
        TestImages.ensureBuilt(tmp);
        assertThat(archives.get(4)).isRegularFile();
        assertThat(Files.readAllBytes(archives.get(2))).as("rebuilt byte for byte").isEqualTo(kubia);

        // A different busybox (here: a changed stamp) rebuilds everything.
        Path stamp = TestImages.builtinDir(tmp).resolve(TestImages.STAMP_FILE);
        Files.writeString(stamp, "busybox sha256:0\n");
        TestImages.ensureBuilt(tmp);
        assertThat(Files.getLastModifiedTime(archives.get(0))).isNotEqualTo(old);
        assertThat(Files.readString(stamp)).startsWith("busybox sha256:")
                .contains(OciImageWriter.sha256(Files.readAllBytes(Path.of("/bin/busybox"))));
    }
}
