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
 * HTTP on 127.0.0.1 and a free port, storage in a temp dir, no auth unless started with {@link #startWithAuth}),
 * started by a test and stopped by its PID. Images go in with {@code skopeo copy}. Not thread-safe: one test owns it.
 */
public final class LocalRegistry implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    /** {@code user:password} for skopeo's pushes, or null without auth. */
    private final String credentials;

    private LocalRegistry(Process process, int port, Path dir, String credentials) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.credentials = credentials;
    }

    /** Starts a registry with its config and storage under {@code dir}; returns once it accepts connections. */
    public static LocalRegistry start(Path dir) throws IOException {
        return start(dir, null, null);
    }

    /**
     * As {@link #start}, but every request needs HTTP basic auth as {@code user}/{@code password}: an htpasswd
     * file with one bcrypt entry (the only kind docker-registry reads).
     */
    public static LocalRegistry startWithAuth(Path dir, String user, String password) throws IOException {
        return start(dir, user, password);
    }

    private static LocalRegistry start(Path dir, String user, String password) throws IOException {
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
        if (user != null) {
            byte[] salt = new byte[16];
            new java.security.SecureRandom().nextBytes(salt);
            String hash = org.bouncycastle.crypto.generators.OpenBSDBCrypt.generate("2a",
                    password.toCharArray(), salt, 10);
            Path htpasswd = dir.resolve("htpasswd");
            Files.writeString(htpasswd, user + ":" + hash + "\n");
            Files.writeString(config, """
                    auth:
                      htpasswd:
                        realm: kube4j-e2e
                        path: %s
                    """.formatted(htpasswd), java.nio.file.StandardOpenOption.APPEND);
        }
        Process p = new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile()).start();
        LocalRegistry registry = new LocalRegistry(p, port, dir, user == null ? null : user + ":" + password);
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
        List<String> args = new java.util.ArrayList<>(List.of("copy", "--dest-tls-verify=false"));
        if (credentials != null) {
            args.add("--dest-creds=" + credentials);
        }
        args.add("oci-archive:" + ociArchive + ":" + tag);
        args.add("docker://" + host() + "/" + repository);
        Skopeo.run(dir, args.toArray(String[]::new));
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
