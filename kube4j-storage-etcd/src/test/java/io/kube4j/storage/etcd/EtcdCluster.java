package io.kube4j.storage.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Real etcd members for tests: Debian's {@code etcd-server} (3.4) on loopback, free ports, data under a temp dir
 * (on tmpfs when there is one, so fsync is cheap). When {@code /usr/bin/etcd} is missing it is installed with
 * apt-get if we are root; otherwise starting fails with a message saying what to install. Members are stopped
 * by their process in {@link #close} (and by a shutdown hook should a test run die). Not thread-safe: one test
 * class drives it.
 */
public final class EtcdCluster implements AutoCloseable {
    private static final Path ETCD = Path.of("/usr/bin/etcd");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    /** One member: its name, ports, data dir and process (null while stopped). */
    public static final class Member {
        final String name;
        final int clientPort;
        final int peerPort;
        final int metricsPort;
        final Path dataDir;
        final boolean tls;
        Process process;

        Member(String name, int clientPort, int peerPort, int metricsPort, Path dataDir, boolean tls) {
            this.name = name;
            this.clientPort = clientPort;
            this.peerPort = peerPort;
            this.metricsPort = metricsPort;
            this.dataDir = dataDir;
            this.tls = tls;
        }

        public URI clientUrl() {
            return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + clientPort);
        }

        URI peerUrl() {
            return URI.create("http://127.0.0.1:" + peerPort);
        }

        public boolean running() {
            return process != null && process.isAlive();
        }

        public long pid() {
            return process.pid();
        }
    }

    private final Path dir;
    private final List<Member> members = new ArrayList<>();
    private final Thread cleanup = new Thread(this::stopAll, "etcd-test-cleanup");
    private final TlsFiles tls;

    /**
     * PEM files of a TLS member: its CA, its serving certificate and key, and a client certificate and key the
     * member requires (PKCS#8 keys, as {@code --etcd-keyfile} wants).
     */
    public record TlsFiles(Path ca, Path serverCert, Path serverKey, Path clientCert, Path clientKey) {
    }

    private EtcdCluster(int size, boolean withTls, Path dataRoot) throws IOException {
        ensureInstalled();
        Path shm = Path.of("/dev/shm");
        dir = dataRoot != null ? Files.createTempDirectory(dataRoot, "kube4j-etcd")
                : Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "kube4j-etcd")
                : Files.createTempDirectory("kube4j-etcd");
        tls = withTls ? makeCertificates(dir.resolve("pki")) : null;
        for (int i = 0; i < size; i++) {
            members.add(new Member("m" + i, freePort(), freePort(), freePort(), dir.resolve("m" + i), withTls));
        }
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** Starts one member and waits until it serves. */
    public static EtcdCluster single() {
        return start(1);
    }

    /** Starts one member serving clients over TLS and requiring a client certificate; see {@link #tls()}. */
    public static EtcdCluster singleTls() {
        return start(1, true);
    }

    /** Starts {@code size} members forming one cluster and waits until each serves. */
    public static EtcdCluster start(int size) {
        return start(size, false);
    }

    /**
     * One member whose data lives under {@code dataRoot} (tests use memory, /dev/shm; a benchmark comparing stores
     * wants the same disk as the other store).
     */
    public static EtcdCluster singleOn(Path dataRoot) {
        return start(1, false, dataRoot);
    }

    private static EtcdCluster start(int size, boolean withTls) {
        return start(size, withTls, null);
    }

    private static EtcdCluster start(int size, boolean withTls, Path dataRoot) {
        EtcdCluster c;
        try {
            c = new EtcdCluster(size, withTls, dataRoot);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            for (Member m : c.members) {
                c.launch(m);
            }
            for (Member m : c.members) {
                c.awaitHealthy(m);
            }
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    public List<Member> members() {
        return List.copyOf(members);
    }

    public List<URI> endpoints() {
        return members.stream().map(Member::clientUrl).toList();
    }

    /** The TLS files of a {@link #singleTls()} member, else null. */
    public TlsFiles tls() {
        return tls;
    }

    /** Options for a store over every member, under {@code keyPrefix} (with the client certificate for TLS). */
    public EtcdOptions options(String keyPrefix) {
        EtcdOptions o = EtcdOptions.of(endpoints()).withKeyPrefix(keyPrefix);
        return tls == null ? o : o.withTls(tls.ca(), tls.clientCert(), tls.clientKey());
    }

    /** The member that leads the cluster now, from the members' metrics. */
    public Member leader() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (Member m : members) {
            if (!m.running()) {
                continue;
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + m.metricsPort + "/metrics"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.body().lines().anyMatch(l -> l.equals("etcd_server_is_leader 1"))) {
                    return m;
                }
            } catch (IOException e) {
                // not answering: not the leader we can kill
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no etcd member leads");
    }

    /** Kills a member at once (SIGKILL), as a crash would. */
    public void kill(Member m) throws InterruptedException {
        m.process.destroyForcibly();
        m.process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Starts a stopped member again on its data dir. */
    public void restart(Member m) {
        launch(m);
        awaitHealthy(m);
    }

    private void launch(Member m) {
        String initialCluster = members.stream().map(x -> x.name + "=" + x.peerUrl())
                .collect(Collectors.joining(","));
        List<String> cmd = new ArrayList<>(List.of(ETCD.toString(),
                "--name", m.name,
                "--data-dir", m.dataDir.toString(),
                "--listen-client-urls", m.clientUrl().toString(),
                "--advertise-client-urls", m.clientUrl().toString(),
                "--listen-peer-urls", m.peerUrl().toString(),
                "--initial-advertise-peer-urls", m.peerUrl().toString(),
                "--initial-cluster", initialCluster,
                "--initial-cluster-state", "new",
                "--initial-cluster-token", dir.getFileName().toString(),
                "--heartbeat-interval", "50",
                "--election-timeout", "500",
                // health is polled here, over plain HTTP whatever the client URLs are
                "--listen-metrics-urls", "http://127.0.0.1:" + m.metricsPort,
                "--logger", "zap",
                "--log-outputs", "stderr"));
        if (tls != null) {
            cmd.addAll(List.of("--cert-file", tls.serverCert().toString(), "--key-file", tls.serverKey().toString(),
                    "--trusted-ca-file", tls.ca().toString(), "--client-cert-auth"));
        }
        try {
            m.process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(m.name + ".log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + ETCD, e);
        }
    }

    private void awaitHealthy(Member m) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!m.process.isAlive()) {
                throw new IllegalStateException("etcd member " + m.name + " exited: " + tail(m));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.metricsPort + "/health"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"health\":\"true\"")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("etcd member " + m.name + " not healthy after " + START_TIMEOUT + ": " + tail(m));
    }

    private String tail(Member m) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve(m.name + ".log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void ensureInstalled() {
        if (Files.isExecutable(ETCD)) {
            return;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException(ETCD + " is missing: install Debian's etcd-server package"
                    + " (apt-get install etcd-server) to run the etcd storage tests");
        }
        try {
            ProcessBuilder pb = new ProcessBuilder("apt-get", "install", "-y", "etcd-server", "etcd-client")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = pb.start();
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.isExecutable(ETCD)) {
                p.destroyForcibly();
                throw new IllegalStateException("apt-get install -y etcd-server failed; install it by hand");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run apt-get to install etcd-server", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A CA, a serving certificate for 127.0.0.1 and a client certificate, made with openssl. */
    private static TlsFiles makeCertificates(Path pki) throws IOException {
        Files.createDirectories(pki);
        Path ext = pki.resolve("server.ext");
        Files.writeString(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n");
        Path clientExt = pki.resolve("client.ext");
        Files.writeString(clientExt, "extendedKeyUsage=clientAuth\n");
        openssl(pki, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=kube4j-test-etcd-ca");
        for (String who : new String[] {"server", "client"}) {
            openssl(pki, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", who + ".key", "-out", who + ".csr", "-subj", "/CN=" + who);
            openssl(pki, "x509", "-req", "-in", who + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                    "-CAcreateserial", "-out", who + ".crt", "-days", "2", "-extfile", who + ".ext");
        }
        return new TlsFiles(pki.resolve("ca.crt"), pki.resolve("server.crt"), pki.resolve("server.key"),
                pki.resolve("client.crt"), pki.resolve("client.key"));
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void stopAll() {
        for (Member m : members) {
            if (m.process != null && m.process.isAlive()) {
                m.process.destroy();
            }
        }
        for (Member m : members) {
            if (m.process != null) {
                try {
                    if (!m.process.waitFor(5, TimeUnit.SECONDS)) {
                        m.process.destroyForcibly();
                        m.process.waitFor(5, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    m.process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Stops every member by its process and removes the data. */
    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // already shutting down
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: temp dir
        }
    }
}
