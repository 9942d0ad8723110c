package io.kube4j.e2e.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A container registry on loopback for image tests: Debian's {@code docker-registry} with its own config (plain
 * HTTP on 127.0.0.1 and a free port, storage in a temp dir, no auth), started by a test and stopped by its PID.
 * Images go in with {@code skopeo copy}. Not thread-safe: one test owns it.
 */
public final class LocalRegistry implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private LocalRegistry(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** Starts a registry with its config and storage under {@code dir}; returns once it accepts connections. */
    public static LocalRegistry start(Path dir) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("registry.yml");
        Files.createDirectories(dir.resolve("storage"));
        Files.writeString(config, """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                http:
                  addr: 127.0.0.1:%d
                  secret: kube4j-e2e-only
                """.formatted(dir.resolve("storage"), port));
        Process p = new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile()).start();
        LocalRegistry registry = new LocalRegistry(p, port, dir);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        while (Instant.now().isBefore(deadline)) {
            if (!p.isAlive()) {
                throw new IOException("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return registry;
            } catch (IOException e) {
                NodePods.sleep(100);
            }
        }
        registry.close();
        throw new IOException("docker-registry not listening on 127.0.0.1:" + port);
    }

    /** {@code 127.0.0.1:PORT}, the registry part of image names. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** Pushes the image tagged {@code tag} in an OCI archive as {@code host()/repository}. */
    public void push(Path ociArchive, String tag, String repository) throws IOException, InterruptedException {
        Skopeo.run(dir, "copy", "--dest-tls-verify=false", "oci-archive:" + ociArchive + ":" + tag,
                "docker://" + host() + "/" + repository);
    }

    /** Stops the registry by its PID. */
    @Override
    public void close() {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** skopeo, run with a timeout; failures throw with its output. */
    static final class Skopeo {
        private Skopeo() {
        }

        static void run(Path workDir, String... args) throws IOException, InterruptedException {
            List<String> command = new java.util.ArrayList<>(List.of("skopeo", "--tmpdir", workDir.toString()));
            command.addAll(List.of(args));
            Path out = Files.createTempFile(workDir, "skopeo", ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("skopeo timed out: " + command);
            }
            if (p.exitValue() != 0) {
                throw new IOException(command + " failed (" + p.exitValue() + "): " + Files.readString(out));
            }
        }
    }
}
