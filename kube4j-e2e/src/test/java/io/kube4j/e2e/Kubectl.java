package io.kube4j.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real kubectl binary ({@code /usr/bin/kubectl}, or system property {@code kube4j.kubectl})
 * against a kube4j server, with a timeout, optional stdin, and its output captured.
 *
 * <p>Immutable: {@link #inNamespace}, {@link #withKubeconfig} and {@link #withTimeout} return copies,
 * so one instance can be shared by concurrent tests. kubectl's discovery cache goes to a directory of
 * its own, never to {@code ~/.kube}.
 */
public final class Kubectl {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final Path binary;
    private final Path kubeconfig;
    private final Path cacheDir;
    private final String namespace;
    private final Duration timeout;

    private Kubectl(Path binary, Path kubeconfig, Path cacheDir, String namespace, Duration timeout) {
        this.binary = binary;
        this.kubeconfig = kubeconfig;
        this.cacheDir = cacheDir;
        this.namespace = namespace;
        this.timeout = timeout;
    }

    /** kubectl talking to {@code server} with its admin kubeconfig; fails loudly when kubectl is missing. */
    public static Kubectl forServer(Kube4jServer server) {
        return new Kubectl(binary(), server.kubeconfig(), server.dataDir().resolveSibling("kubectl-cache"), null,
                DEFAULT_TIMEOUT);
    }

    /** The kubectl binary; throws with a clear message when it is missing (these tests never skip). */
    public static Path binary() {
        Path path = Path.of(System.getProperty("kube4j.kubectl", "/usr/bin/kubectl"));
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException("kubectl not found or not executable at " + path
                    + ": the end-to-end tests need a real kubectl 1.32 (install it, or set -Dkube4j.kubectl=/path/to/kubectl)");
        }
        return path;
    }

    /** The same kubectl with {@code -n namespace} on every command. */
    public Kubectl inNamespace(String ns) {
        return new Kubectl(binary, kubeconfig, cacheDir, ns, timeout);
    }

    public Kubectl withKubeconfig(Path file) {
        return new Kubectl(binary, file, cacheDir, namespace, timeout);
    }

    public Kubectl withTimeout(Duration t) {
        return new Kubectl(binary, kubeconfig, cacheDir, namespace, t);
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public String namespace() {
        return namespace;
    }

    /** Runs {@code kubectl args...} and waits for it (killing it at the timeout). */
    public KubectlResult run(String... args) {
        return exec(null, args);
    }

    /** Runs {@code kubectl args...} with {@code stdin} as its standard input (e.g. {@code apply -f -}). */
    public KubectlResult runWithStdin(String stdin, String... args) {
        return exec(stdin, args);
    }

    /** Starts {@code kubectl args...} in the background (e.g. {@code get pods -w}); the caller kills it. */
    public Background start(String... args) {
        try {
            Path out = Files.createTempFile(cacheDirParent(), "kubectl-bg", ".out");
            Path err = Files.createTempFile(cacheDirParent(), "kubectl-bg", ".err");
            Process p = builder(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            return new Background(p, out, err, commandLine(args));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private KubectlResult exec(String stdin, String... args) {
        Path out = null;
        Path err = null;
        Path in = null;
        try {
            out = Files.createTempFile(cacheDirParent(), "kubectl", ".out");
            err = Files.createTempFile(cacheDirParent(), "kubectl", ".err");
            ProcessBuilder b = builder(args).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (stdin != null) {
                in = Files.createTempFile(cacheDirParent(), "kubectl", ".in");
                Files.writeString(in, stdin, StandardCharsets.UTF_8);
                b.redirectInput(in.toFile());
            }
            Process p = b.start();
            boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            return new KubectlResult(commandLine(args), finished ? p.exitValue() : -1, stdout, stderr, !finished);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + commandLine(args), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
            deleteQuietly(in);
        }
    }

    private ProcessBuilder builder(String... args) throws IOException {
        Files.createDirectories(cacheDir);
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.add("--kubeconfig=" + kubeconfig);
        command.add("--cache-dir=" + cacheDir);
        if (namespace != null) {
            command.add("--namespace=" + namespace);
        }
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        b.environment().remove("KUBECONFIG");
        b.environment().remove("KUBECTL_EXTERNAL_DIFF");
        b.environment().put("KUBECTL_COMMAND_HEADERS", "false");
        return b;
    }

    private Path cacheDirParent() throws IOException {
        Path dir = cacheDir.resolveSibling("kubectl-io");
        Files.createDirectories(dir);
        return dir;
    }

    private String commandLine(String... args) {
        StringBuilder s = new StringBuilder("kubectl");
        if (namespace != null) {
            s.append(" -n ").append(namespace);
        }
        for (String a : args) {
            s.append(' ').append(a.isEmpty() || a.matches(".*[\\s'\"(){}\\[\\]!*$|<>].*") ? "'" + a + "'" : a);
        }
        return s.toString();
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover temp file under target/ is harmless
            }
        }
    }

    /** A kubectl process running in the background, its output going to files that can be read at any time. */
    public static final class Background implements AutoCloseable {
        private final Process process;
        private final Path out;
        private final Path err;
        private final String command;

        Background(Process process, Path out, Path err, String command) {
            this.process = process;
            this.out = out;
            this.err = err;
            this.command = command;
        }

        public long pid() {
            return process.pid();
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        /** Everything written to stdout so far. */
        public String stdout() {
            return read(out);
        }

        public String stderr() {
            return read(err);
        }

        /** Kills the kubectl process by its PID and waits for it. */
        @Override
        public void close() {
            ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            deleteQuietly(out);
            deleteQuietly(err);
        }

        @Override
        public String toString() {
            return command + "\n--- stdout ---\n" + stdout() + "--- stderr ---\n" + stderr();
        }

        private static String read(Path p) {
            try {
                return Files.readString(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }
    }
}
