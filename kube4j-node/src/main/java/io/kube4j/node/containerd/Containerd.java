package io.kube4j.node.containerd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kube4j.node.host.HostPackages;

/**
 * The node's container runtime endpoint: either a containerd child process that the node starts
 * and stops ({@link #managed(Config)}), or one that runs already ({@link #existing(String)}, for
 * {@code --container-runtime-endpoint}).
 *
 * <p>The node calls {@link #start()} after the network guard is installed and before the kubelet
 * dials {@link #endpoint()}, and {@link #stop()} on shutdown. Stopping containerd leaves the
 * running containers' shims alive on purpose: a restarted node adopts them, as upstream does. The
 * CRI plugin may answer "server is not initialized yet" for a few milliseconds after the socket
 * appears; the CRI client retries its first Version call.
 *
 * <p>{@link #start()} and {@link #stop()} are synchronized; the getters are thread-safe.
 */
public final class Containerd implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Containerd.class);

    /** Where the managed containerd keeps its sockets and per-boot state; kept short for sun_path. */
    public static final Path DEFAULT_STATE_DIR = Path.of("/run/kube4j/containerd");

    /** The sandbox (pause) image, built and imported by the node itself. */
    public static final String DEFAULT_PAUSE_IMAGE = "kube4j.local/pause:3.10";

    /** sun_path holds 108 bytes; containerd also listens on SOCKET + ".ttrpc". */
    static final int MAX_SOCKET_PATH = 99;

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    /**
     * How to run a managed containerd.
     *
     * @param dataDir the node's data dir; containerd's files go to {@code DATA/containerd}
     * @param stateDir containerd's state dir (sockets, shim bundles): tmpfs, short path
     * @param socket containerd's gRPC socket (CRI and containerd API), shorter than 100 characters
     * @param pauseImage the CRI sandbox image
     * @param cniBinDir where the CNI plugins live ({@code /usr/lib/cni} on Debian)
     * @param cniConfDir where the CRI plugin reads conflists from
     * @param streamServerAddress the address exec/attach/port-forward streams are served on
     * @param streamServerPort their port; 0 picks a free port, and the URLs the CRI returns carry
     *     the port actually bound
     * @param runcRoot runc's state dir (else runc writes to /run/containerd/runc)
     */
    public record Config(Path dataDir, Path stateDir, Path socket, String pauseImage, Path cniBinDir,
                         Path cniConfDir, String streamServerAddress, int streamServerPort, Path runcRoot) {

        public Config {
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(stateDir, "stateDir");
            Objects.requireNonNull(socket, "socket");
            Objects.requireNonNull(pauseImage, "pauseImage");
            Objects.requireNonNull(cniBinDir, "cniBinDir");
            Objects.requireNonNull(cniConfDir, "cniConfDir");
            Objects.requireNonNull(streamServerAddress, "streamServerAddress");
            Objects.requireNonNull(runcRoot, "runcRoot");
            dataDir = dataDir.toAbsolutePath();
            socket = socket.toAbsolutePath();
            if (socket.toString().length() > MAX_SOCKET_PATH) {
                throw new IllegalArgumentException("containerd socket path " + socket + " is "
                        + socket.toString().length() + " characters long; it must be shorter than "
                        + (MAX_SOCKET_PATH + 1));
            }
            if (streamServerPort < 0 || streamServerPort > 65535) {
                throw new IllegalArgumentException("stream server port " + streamServerPort + " is out of range");
            }
        }

        /**
         * The node's defaults: state in /run/kube4j/containerd, CNI plugins in
         * /usr/lib/cni, conflists in {@code DATA/cni/net.d}, streams on 127.0.0.1 and a free port.
         */
        public static Config defaults(Path dataDir) {
            return withStateDir(dataDir, DEFAULT_STATE_DIR);
        }

        /** The defaults with another state dir (tests use a short temp dir); socket and runc root follow it. */
        public static Config withStateDir(Path dataDir, Path stateDir) {
            Path data = dataDir.toAbsolutePath();
            return new Config(data, stateDir, stateDir.resolve("containerd.sock"), DEFAULT_PAUSE_IMAGE,
                    HostPackages.CNI_BIN_DIR, data.resolve("cni").resolve("net.d"), "127.0.0.1", 0,
                    stateDir.resolve("runc"));
        }

        public Config withPauseImage(String image) {
            return new Config(dataDir, stateDir, socket, image, cniBinDir, cniConfDir, streamServerAddress,
                    streamServerPort, runcRoot);
        }

        public Config withCniConfDir(Path dir) {
            return new Config(dataDir, stateDir, socket, pauseImage, cniBinDir, dir, streamServerAddress,
                    streamServerPort, runcRoot);
        }

        public Config withStreamServerPort(int port) {
            return new Config(dataDir, stateDir, socket, pauseImage, cniBinDir, cniConfDir, streamServerAddress,
                    port, runcRoot);
        }

        /** {@code DATA/containerd}: config, log and root. */
        public Path home() {
            return dataDir.resolve("containerd");
        }

        public Path configFile() {
            return home().resolve("config.toml");
        }

        public Path logFile() {
            return home().resolve("containerd.log");
        }

        /** containerd's persistent root: content store, snapshots, metadata. */
        public Path root() {
            return home().resolve("root");
        }
    }

    private final Config config;
    private final String endpoint;
    private final Path socket;
    private Process process;
    private Duration lastStart;

    private Containerd(Config config, String endpoint, Path socket) {
        this.config = config;
        this.endpoint = endpoint;
        this.socket = socket;
    }

    /** A containerd that {@link #start()} launches with {@code config}. */
    public static Containerd managed(Config config) {
        return new Containerd(config, "unix://" + config.socket(), config.socket());
    }

    /**
     * A containerd run by someone else, e.g. {@code unix:///run/containerd/containerd.sock} or a
     * bare socket path. {@link #start()} only checks that it answers; {@link #stop()} does nothing.
     */
    public static Containerd existing(String endpoint) {
        String path = endpoint.startsWith("unix://") ? endpoint.substring("unix://".length()) : endpoint;
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("container runtime endpoint " + endpoint
                    + " is not a unix socket (unix:///path/to/socket)");
        }
        return new Containerd(null, "unix://" + path, Path.of(path));
    }

    /** The CRI endpoint, {@code unix:///...}, for the kubelet's CRI client. */
    public String endpoint() {
        return endpoint;
    }

    /** The socket path, for {@code ctr --address}. */
    public Path socket() {
        return socket;
    }

    /** Whether this node started (and so stops) the containerd process. */
    public boolean isManaged() {
        return config != null;
    }

    /** The managed config, if any. */
    public java.util.Optional<Config> config() {
        return java.util.Optional.ofNullable(config);
    }

    /** The running containerd's process id, when managed and started. */
    public synchronized OptionalLong pid() {
        return process != null && process.isAlive() ? OptionalLong.of(process.pid()) : OptionalLong.empty();
    }

    /** How long the last {@link #start()} took from launch until the socket accepted a connection. */
    public synchronized java.util.Optional<Duration> lastStartDuration() {
        return java.util.Optional.ofNullable(lastStart);
    }

    /** Renders containerd's config.toml (version 2) for {@code config}. */
    public static String renderConfig(Config c) {
        String cri = "plugins.\"io.containerd.grpc.v1.cri\"";
        StringBuilder t = new StringBuilder();
        t.append("# Written by kube4j; rewritten on every start.\n");
        t.append("version = 2\n");
        t.append("root = ").append(q(c.root())).append('\n');
        t.append("state = ").append(q(c.stateDir())).append('\n');
        // Snapshotters that can't work here only add warnings to every start.
        t.append("disabled_plugins = [\"io.containerd.snapshotter.v1.aufs\", \"io.containerd.snapshotter.v1.btrfs\", "
                + "\"io.containerd.snapshotter.v1.devmapper\", \"io.containerd.snapshotter.v1.zfs\"]\n");
        t.append('\n');
        t.append("[grpc]\n");
        t.append("  address = ").append(q(c.socket())).append('\n');
        t.append('\n');
        t.append("[plugins.\"io.containerd.internal.v1.opt\"]\n");
        t.append("  path = ").append(q(c.home().resolve("opt"))).append('\n');
        t.append('\n');
        t.append('[').append(cri).append("]\n");
        t.append("  sandbox_image = ").append(q(c.pauseImage())).append('\n');
        // No CAP_SYS_RESOURCE on these hosts: a negative oom_score_adj would fail every sandbox.
        t.append("  restrict_oom_score_adj = true\n");
        t.append("  enable_tls_streaming = false\n");
        t.append("  stream_server_address = ").append(q(c.streamServerAddress())).append('\n');
        t.append("  stream_server_port = ").append(q(Integer.toString(c.streamServerPort()))).append('\n');
        t.append("  [").append(cri).append(".containerd]\n");
        t.append("    snapshotter = \"overlayfs\"\n");
        t.append("    default_runtime_name = \"runc\"\n");
        t.append("    [").append(cri).append(".containerd.runtimes.runc]\n");
        t.append("      runtime_type = \"io.containerd.runc.v2\"\n");
        t.append("      [").append(cri).append(".containerd.runtimes.runc.options]\n");
        // cgroup v1 and no systemd on these hosts: runc manages cgroupfs itself.
        t.append("        SystemdCgroup = false\n");
        t.append("        Root = ").append(q(c.runcRoot())).append('\n');
        t.append("  [").append(cri).append(".cni]\n");
        t.append("    bin_dir = ").append(q(c.cniBinDir())).append('\n');
        t.append("    conf_dir = ").append(q(c.cniConfDir())).append('\n');
        return t.toString();
    }

    /** A TOML basic string. */
    static String q(Object value) {
        String s = value.toString();
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (ch < 0x20 || ch == 0x7f) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /**
     * Writes the config and launches {@code containerd --config FILE} (output appended to
     * {@code DATA/containerd/containerd.log}), returning once its socket accepts connections. For an
     * existing containerd, checks that its socket answers. Idempotent while running.
     *
     * @throws IllegalStateException if another process already serves the socket, or containerd
     *     exits or does not answer within 20 s (the message carries the log's last lines)
     */
    public synchronized void start() {
        if (config == null) {
            if (!answers(socket)) {
                throw new IllegalStateException("container runtime endpoint " + endpoint + " does not answer");
            }
            return;
        }
        if (process != null && process.isAlive()) {
            return;
        }
        if (answers(socket) && !stopOrphan()) {
            throw new IllegalStateException("another containerd already serves " + socket
                    + "; stop it or use --container-runtime-endpoint " + endpoint);
        }
        try {
            Files.createDirectories(config.home());
            Files.createDirectories(config.stateDir());
            Files.createDirectories(config.cniConfDir());
            Files.writeString(config.configFile(), renderConfig(config), StandardCharsets.UTF_8);
            ProcessBuilder pb = new ProcessBuilder(List.of("containerd", "--config", config.configFile().toString()));
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(config.logFile().toFile()));
            pb.redirectErrorStream(true);
            long t0 = System.nanoTime();
            process = pb.start();
            long deadline = t0 + START_TIMEOUT.toNanos();
            while (!answers(socket)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("containerd exited with " + process.exitValue()
                            + " during start-up: " + logTail());
                }
                if (System.nanoTime() > deadline) {
                    stop();
                    throw new IllegalStateException("containerd did not answer on " + socket + " within "
                            + START_TIMEOUT.toSeconds() + "s: " + logTail());
                }
                Thread.sleep(5);
            }
            lastStart = Duration.ofNanos(System.nanoTime() - t0);
            LOG.info("containerd started pid={} socket={} startMillis={}", process.pid(), socket, lastStart.toMillis());
        } catch (IOException e) {
            throw new UncheckedIOException("starting containerd: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new IllegalStateException("interrupted while starting containerd", e);
        }
    }

    /**
     * The containerd process started with {@code configFile} whose kube4j parent is gone (it was killed with
     * SIGKILL), if there is one. A containerd whose parent JVM still runs is a live node's, never an orphan.
     */
    public static java.util.Optional<ProcessHandle> orphanOf(Path configFile) {
        String configArg = configFile.toString();
        return ProcessHandle.allProcesses().filter(p -> {
            var args = p.info().arguments().orElse(new String[0]);
            return p.info().command().orElse("").endsWith("containerd") && args.length >= 2
                    && args[args.length - 2].equals("--config") && args[args.length - 1].equals(configArg);
        }).filter(p -> p.parent().map(parent -> !parent.info().command().orElse("").endsWith("/java"))
                .orElse(true)).findFirst();
    }

    /**
     * A containerd left running with this node's own config (its parent, an earlier kube4j, was killed with
     * SIGKILL and had no chance to stop it) is stopped so this one can start; containers keep running in their
     * shims and are adopted. Returns false when the socket belongs to some other containerd.
     */
    private boolean stopOrphan() {
        var orphan = orphanOf(config.configFile());
        if (orphan.isEmpty()) {
            return false;
        }
        LOG.info("stopping containerd left running by an earlier node pid={}", orphan.get().pid());
        orphan.get().destroy();
        try {
            orphan.get().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            orphan.get().destroyForcibly();
        }
        return !answers(socket);
    }

    /**
     * Stops a managed containerd: SIGTERM, up to 10 s to exit, then SIGKILL. Running containers
     * (their shims) stay. Does nothing for an existing containerd or one not running. Idempotent.
     */
    public synchronized void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        try {
            if (p.isAlive()) {
                p.destroy(); // SIGTERM
                if (!p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("containerd did not exit within {}s of SIGTERM, killing pid={}", STOP_GRACE.toSeconds(), p.pid());
                    p.destroyForcibly();
                    p.waitFor();
                }
                LOG.info("containerd stopped pid={} exitCode={}", p.pid(), p.exitValue());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            process = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Whether something accepts connections on the unix socket {@code path}. */
    static boolean answers(Path path) {
        if (!Files.exists(path)) {
            return false;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return ch.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            return false;
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(config.logFile());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
