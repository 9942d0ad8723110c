package io.kube4j.e2e;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code kube4j server} JVM, started from the runnable jar the reactor builds
 * ({@code kube4j-cli/target/kube4j-all.jar}, or system property {@code kube4j.jar}).
 *
 * <p>The server is launched directly with the JDK that runs the tests (no shell wrapper), so
 * {@link #pid()} is the server JVM itself and {@link #kill()} really is {@code kill -9} on it.
 * Called by {@link Kube4jExtension} and by tests that need a private server (restart tests).
 * Not thread-safe: one owner drives the lifecycle.
 */
public final class Kube4jServer implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    /** The name of the node a server started {@link #withNode} runs; its InternalIP is 127.0.0.1. */
    public static final String NODE_NAME = "kube4j-e2e";

    private final Path dataDir;
    private final int port;
    private final Path log;
    private volatile Process process;
    private final Thread exitHook;
    private final NodeLock nodeLock;
    private final List<String> extraArgs;

    private Kube4jServer(Path dataDir, int port, Path log, Process process, NodeLock nodeLock, List<String> extraArgs) {
        this.extraArgs = extraArgs;
        this.dataDir = dataDir;
        this.port = port;
        this.log = log;
        this.process = process;
        this.nodeLock = nodeLock;
        // the JVM running the tests may die without afterAll; never leave a server (or its pods) behind
        this.exitHook = new Thread(() -> stopAndClean(this.process, dataDir, nodeLock),
                "kube4j-e2e-server-stop-" + process.pid());
        Runtime.getRuntime().addShutdownHook(exitHook);
    }

    /**
     * Starts a server running the API alone (no node, scheduler or controllers) on a fresh data directory under the
     * e2e work directory, on a free port.
     */
    public static Kube4jServer startFresh(String name) throws IOException {
        return startFresh(name, false, "--disable-scheduler", "--disable-controllers");
    }

    /**
     * Starts a server on a fresh data directory, on a free port; {@code withNode} also runs its node (named
     * {@link #NODE_NAME}, real containerd). Only one node runs on the machine at a time: the call waits for a
     * machine-wide lock that the server holds until it is closed and its pods and network are cleaned up.
     */
    public static Kube4jServer startFresh(String name, boolean withNode) throws IOException {
        return startFresh(name, withNode, new String[0]);
    }

    /**
     * As {@link #startFresh(String, boolean)}, with more {@code kube4j server} flags, e.g.
     * {@code "--simulated-nodes", "3"}; they are kept for {@link #restartInPlace()}.
     */
    public static Kube4jServer startFresh(String name, boolean withNode, String... extraArgs) throws IOException {
        Path dir = Files.createTempDirectory(workDir(), name + "-");
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return start(dir.resolve("data"), freePort(), withNode, List.of(extraArgs));
            } catch (PortTakenException e) {
                last = e; // another process grabbed the port between our probe and the server's bind
            }
        }
        throw last;
    }

    /** Starts a server without a node on {@code dataDir} and {@code port}; returns once {@code /readyz} answers. */
    public static Kube4jServer start(Path dataDir, int port) throws IOException {
        return start(dataDir, port, false);
    }

    /** Starts a server on {@code dataDir} and {@code port}; returns once it is ready (and its node registered). */
    public static Kube4jServer start(Path dataDir, int port, boolean withNode) throws IOException {
        return start(dataDir, port, withNode, List.of());
    }

    private static Kube4jServer start(Path dataDir, int port, boolean withNode, List<String> extraArgs)
            throws IOException {
        Files.createDirectories(dataDir);
        NodeLock lock = withNode ? NodeLock.acquire() : null;
        Path log = dataDir.resolveSibling("server.log");
        long logOffset = Files.exists(log) ? Files.size(log) : 0;
        Kube4jServer server = new Kube4jServer(dataDir, port, log, launch(dataDir, port, withNode, log, extraArgs), lock,
                extraArgs);
        try {
            server.awaitStarted(logOffset);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static Process launch(Path dataDir, int port, boolean withNode, Path log, List<String> extraArgs)
            throws IOException {
        Path jar = serverJar();
        String javaBinary = ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java binary runs the tests"));
        List<String> command = new ArrayList<>();
        command.add(javaBinary);
        command.addAll(jvmArgs());
        command.addAll(List.of("-jar", jar.toString(), "server",
                "--data-dir", dataDir.toString(), "--port", Integer.toString(port)));
        if (!extraArgs.contains("--storage")) {
            command.addAll(List.of("--storage", "embedded")); // the flag may be given once: extraArgs may pick etcd
        }
        if (withNode) {
            command.addAll(List.of("--node-name", NODE_NAME, "--node-ip", "127.0.0.1"));
        } else {
            command.add("--disable-node");
        }
        command.addAll(extraArgs);
        if (extraArgs.contains("--disable-controllers") && extraArgs.stream().noneMatch(a -> a.startsWith("--disable-admission-plugins"))) {
            // no service-account controller, so no "default" accounts: run without the ServiceAccount admission,
            // as an API server without a controller manager must
            command.add("--disable-admission-plugins=ServiceAccount");
        }
        Files.writeString(log, "=== " + Instant.now() + " " + String.join(" ", command) + System.lineSeparator(),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().remove("KUBE4J_DATA_DIR");
        return builder.start();
    }

    private void awaitStarted(long logOffset) throws IOException {
        awaitReady();
        if (nodeLock != null) {
            awaitLogLine("node " + NODE_NAME + " running", logOffset);
        }
    }

    /**
     * Stops this server gracefully (SIGTERM) and starts it again on the same data dir and port, keeping its node and
     * the machine-wide node lock: what a user does when upgrading or restarting kube4j. The pods' containers keep
     * running meanwhile, and the restarted node adopts them.
     */
    public synchronized void restartInPlace() throws IOException {
        restartInPlace(false);
    }

    /** As {@link #restartInPlace()}, but the old server gets SIGKILL ({@code kill -9}) instead of SIGTERM. */
    public synchronized void restartInPlace(boolean sigkill) throws IOException {
        if (sigkill) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        } else {
            stopProcess(process);
        }
        long logOffset = Files.size(log);
        process = launch(dataDir, port, nodeLock != null, log, extraArgs);
        awaitStarted(logOffset);
    }

    /** Starts a new server on this one's data directory and port; this one must have been stopped or killed. */
    public Kube4jServer restart() throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException("server pid " + pid() + " is still running");
        }
        return start(dataDir, port, false, extraArgs);
    }

    public int port() {
        return port;
    }

    /**
     * The value this server was started with for {@code kube4j server} flag {@code name} (e.g.
     * {@code "--ingress-http-port"}), so tests read the ports and pools of the shared server.
     *
     * @throws IllegalStateException if the server was not given the flag
     */
    public String flag(String name) {
        int i = extraArgs.indexOf(name);
        if (i < 0 || i + 1 >= extraArgs.size()) {
            throw new IllegalStateException(this + " was started without " + name + " (flags: " + extraArgs + ")");
        }
        return extraArgs.get(i + 1);
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The admin kubeconfig the server writes at startup. */
    public Path kubeconfig() {
        return dataDir.resolve("kubeconfig.yaml");
    }

    public Path log() {
        return log;
    }

    /** PID of the server JVM itself (launched directly, not through a shell). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** {@code kill -9}: SIGKILL on the server JVM, then waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("server pid " + pid() + " survived SIGKILL");
        }
        removeExitHook();
    }

    /** Graceful stop (SIGTERM), then SIGKILL if it has not exited in time. */
    @Override
    public void close() {
        stopAndClean(process, dataDir, nodeLock);
        removeExitHook();
    }

    /** Stops the server; with a node, also stops the pods it left running and removes its network setup. */
    private static void stopAndClean(Process p, Path dataDir, NodeLock lock) {
        stopProcess(p);
        if (lock == null) {
            return;
        }
        try {
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(jvmArgs());
            command.addAll(List.of("-jar", serverJar().toString(), "killall", "--data-dir", dataDir.toString()));
            Process killall = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolveSibling("killall.log").toFile()))
                    .start();
            if (!killall.waitFor(120, TimeUnit.SECONDS)) {
                killall.destroyForcibly();
            }
        } catch (IOException e) {
            System.err.println("kube4j killall failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.release();
        }
    }

    /** Waits until the server's log has a line containing {@code text}. */
    private void awaitLogLine(String text, long fromOffset) throws IOException {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            String all = Files.readString(log);
            if (all.length() > fromOffset && all.substring((int) fromOffset).contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IOException("kube4j server exited with code " + process.exitValue() + "; log " + log
                        + ":\n" + logTail(40));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IOException("no \"" + text + "\" in the server log after " + READY_TIMEOUT + ":\n" + logTail(40));
    }

    /** A lock on the whole machine for the one node that may run at a time (ports, containerd socket, bridge). */
    private static final class NodeLock {
        private static final Path FILE = Path.of("/run/lock/kube4j-e2e-node.lock");
        private final java.nio.channels.FileChannel channel;
        private final java.nio.channels.FileLock lock;

        private NodeLock(java.nio.channels.FileChannel channel, java.nio.channels.FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        static NodeLock acquire() throws IOException {
            Files.createDirectories(FILE.getParent());
            var ch = java.nio.channels.FileChannel.open(FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new NodeLock(ch, ch.lock());
        }

        void release() {
            try {
                lock.release();
                channel.close();
            } catch (IOException ignored) {
                // the lock goes with the process anyway
            }
        }
    }

    /** The last lines of the server's log, for failure messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public String toString() {
        return "kube4j server pid=" + pid() + " port=" + port + " dataDir=" + dataDir;
    }

    private void removeExitHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(exitHook);
        } catch (IllegalStateException ignored) {
            // already shutting down: the hook runs anyway
        }
    }

    private static void stopProcess(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void awaitReady() throws IOException {
        HttpClient client = HttpClient.newBuilder()
                .sslContext(trustAll())
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        URI readyz = URI.create("https://127.0.0.1:" + port + "/readyz");
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        String lastProblem = "no answer yet";
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                String tail = logTail(40);
                if (tail.contains("BindException") || tail.contains("Address already in use")) {
                    throw new PortTakenException("port " + port + " is taken:\n" + tail);
                }
                throw new IOException("kube4j server exited with code " + process.exitValue()
                        + " before becoming ready; log " + log + ":\n" + tail);
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(readyz).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().strip().equals("ok")
                        && Files.exists(kubeconfig())) {
                    return;
                }
                lastProblem = "HTTP " + r.statusCode() + " " + r.body();
            } catch (IOException e) {
                lastProblem = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + readyz, e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + readyz, e);
            }
        }
        throw new IOException("kube4j server not ready after " + READY_TIMEOUT + " at " + readyz + " (" + lastProblem
                + "); log " + log + ":\n" + logTail(40));
    }

    /**
     * Starts another {@code kube4j} command (e.g. {@code controller-manager}, {@code scheduler}, {@code agent}) from
     * the same jar and JDK, output to {@code log}; the caller stops it by PID.
     */
    public static Process startCommand(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java binary runs the tests")));
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xmx256m", "-jar",
                serverJar().toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    }

    static Path workDir() throws IOException {
        Path dir = Path.of(System.getProperty("kube4j.e2e.workDir",
                Path.of(System.getProperty("java.io.tmpdir"), "kube4j-e2e").toString()));
        Files.createDirectories(dir);
        return dir;
    }

    private static Path serverJar() {
        String configured = System.getProperty("kube4j.jar");
        Path jar = configured != null ? Path.of(configured)
                : Path.of("..", "kube4j-cli", "target", "kube4j-all.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("kube4j runnable jar not found at " + jar.toAbsolutePath()
                    + ": build it with `mvn -o -B -pl kube4j-e2e -am verify` (kube4j-cli's package phase makes it)"
                    + " or point -Dkube4j.jar at it");
        }
        return jar.toAbsolutePath().normalize();
    }

    /** Whether the server was started with this flag (e.g. {@code --disable-controllers}). */
    public boolean hasFlag(String flag) {
        return extraArgs.contains(flag);
    }

    private static List<String> jvmArgs() {
        List<String> args = new ArrayList<>();
        String configured = System.getProperty("kube4j.server.jvmArgs");
        if (configured != null && !configured.isBlank()) {
            args.addAll(Arrays.asList(configured.trim().split("\\s+")));
            return args;
        }
        // small and quick to start: the machine is shared, and every test class waits for startup
        args.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx512m"));
        if (Runtime.version().feature() >= 24) {
            args.add("--sun-misc-unsafe-memory-access=allow"); // protobuf's Unsafe use warns otherwise
        }
        return args;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** A port free on 127.0.0.1 for both TCP and UDP (for a DNS server a test starts later). */
    static int freeTcpAndUdpPort() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            int port = freePort();
            try (java.net.DatagramSocket udp = new java.net.DatagramSocket(
                    new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                return port;
            } catch (java.net.SocketException taken) {
                // UDP side in use: try another
            }
        }
        throw new IOException("no port free for both TCP and UDP on 127.0.0.1");
    }

    private static SSLContext trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            // readiness probe only: kubectl itself verifies the server against the kubeconfig's CA
            ctx.init(null, new TrustManager[]{new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class PortTakenException extends IOException {
        PortTakenException(String message) {
            super(message);
        }
    }
}
