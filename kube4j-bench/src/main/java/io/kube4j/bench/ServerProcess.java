package io.kube4j.bench;

import javax.net.ssl.SSLContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@code kube4j server} child process, started the way {@code ./kube4j} starts it (same JVM flags,
 * {@code -jar kube4j-all.jar server}), bound to 127.0.0.1 on a free port. Stopped by PID with SIGTERM
 * ({@link Process#destroy}), then SIGKILL after 15 s. A JVM shutdown hook stops children a crashed or
 * interrupted bench leaves behind. Not thread-safe: one benchmark thread owns it.
 */
final class ServerProcess implements AutoCloseable {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    /**
     * Extra flags for benchmarks of the API server itself: no scheduler, whose status writes on unschedulable
     * pods would add load and a second watch event per pod. Controllers stay (the ServiceAccount controller makes
     * each namespace's default account, which pod admission needs).
     */
    static final List<String> API_ONLY = List.of("--disable-scheduler");

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(p -> {
            p.destroy();
            try {
                if (!p.waitFor(java.util.concurrent.TimeUnit.SECONDS.toMillis(10), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }), "bench-children"));
    }

    private final Process process;
    private final long startNanos;
    private final int port;
    private final Path dataDir;
    private final Path log;
    private volatile long servingNanos;
    private volatile long firstOutputNanos;

    private ServerProcess(Process process, long startNanos, int port, Path dataDir, Path log) {
        this.process = process;
        this.startNanos = startNanos;
        this.port = port;
        this.dataDir = dataDir;
        this.log = log;
    }

    /** Starts a server on {@code dataDir}; {@code label} names its log (and JFR) file. Returns at once. */
    static ServerProcess start(BenchOptions o, Path dataDir, String label) throws IOException {
        return start(o, dataDir, label, null);
    }

    /**
     * Starts a server; with a {@code nodeName} it also runs its node (real containerd, node IP 127.0.0.1), otherwise
     * {@code --disable-node}, so the API server benchmarks measure the API server alone.
     */
    static ServerProcess start(BenchOptions o, Path dataDir, String label, String nodeName) throws IOException {
        return start(o, dataDir, label, nodeName, List.of());
    }

    /**
     * The server's usual JVM flags, without their collector choice when the scenario's own flags choose one: the JVM
     * refuses two collectors, and the scenario's choice is the one meant.
     */
    static List<String> withoutCollectorIfChosen(List<String> usual, List<String> scenario) {
        if (scenario.stream().noneMatch(ServerProcess::choosesCollector)) {
            return usual;
        }
        return usual.stream().filter(f -> !choosesCollector(f)).toList();
    }

    private static boolean choosesCollector(String flag) {
        return flag.matches("-XX:\\+Use\\w*GC");
    }

    /** As {@link #start(BenchOptions, Path, String, String)}, with more {@code kube4j server} flags. */
    static ServerProcess start(BenchOptions o, Path dataDir, String label, String nodeName, List<String> extraArgs)
            throws IOException {
        return start(o, dataDir, label, nodeName, extraArgs, List.of());
    }

    /** As {@link #start(BenchOptions, Path, String, String, List)}, with JVM flags after the usual ones. */
    static ServerProcess start(BenchOptions o, Path dataDir, String label, String nodeName, List<String> extraArgs,
                               List<String> extraJvmOpts) throws IOException {
        if (!Files.isRegularFile(o.serverJar())) {
            throw new IOException("server jar not found: " + o.serverJar()
                    + " (build it: mvn -pl kube4j-cli -am package -DskipTests)");
        }
        int port = freePort();
        Path logs = Files.createDirectories(o.outDir().resolve("logs"));
        Path log = logs.resolve(label + ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(o.java().toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        if (o.cds()) {
            // the launcher's class-data archive flags, with an archive of our own (the first start creates it);
            // like the launcher, drop an archive older than the jar, since the JVM does not rebuild a stale one
            Path jsa = o.outDir().resolve("kube4j.jsa");
            if (Files.exists(jsa) && Files.getLastModifiedTime(jsa).compareTo(Files.getLastModifiedTime(o.serverJar())) < 0) {
                Files.delete(jsa);
            }
            if (!o.jfr()) {
                cmd.addAll(List.of("-XX:SharedArchiveFile=" + jsa, "-XX:+AutoCreateSharedArchive",
                        "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
            } else if (Files.exists(jsa)) {
                // a JVM that dumps an archive at exit disables JFR for its whole run, and no recording is written:
                // with --jfr, only read an archive that is already there
                cmd.addAll(List.of("-XX:SharedArchiveFile=" + jsa, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
            }
        }
        cmd.addAll(withoutCollectorIfChosen(o.serverJvmOpts(), extraJvmOpts));
        cmd.addAll(extraJvmOpts);
        if (o.jfr()) {
            Path jfr = Files.createDirectories(o.outDir().resolve("jfr")).resolve(label + ".jfr");
            cmd.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true");
        }
        cmd.addAll(List.of("-jar", o.serverJar().toString(), "server", "--data-dir", dataDir.toString(),
                "--port", Integer.toString(port), "--bind-address", "127.0.0.1", "--storage", o.storage()));
        if (nodeName == null) {
            cmd.add("--disable-node");
        } else {
            cmd.addAll(List.of("--node-name", nodeName, "--node-ip", "127.0.0.1"));
        }
        cmd.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("KUBE4J_DATA_DIR");
        long t0 = System.nanoTime();
        Process p = pb.start();
        LIVE.add(p);
        ServerProcess sp = new ServerProcess(p, t0, port, dataDir, log);
        Thread pump = new Thread(sp::pumpOutput, "server-output-" + p.pid());
        pump.setDaemon(true);
        pump.start();
        return sp;
    }

    private void pumpOutput() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer w = Files.newBufferedWriter(log)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (firstOutputNanos == 0 && !line.matches("^\\[[0-9.]+s\\].*")) { // skip JVM -Xlog lines
                    firstOutputNanos = System.nanoTime();
                }
                if (servingNanos == 0 && line.contains(" serving at ")) {
                    servingNanos = System.nanoTime();
                }
                w.write(line);
                w.write('\n');
                w.flush();
            }
        } catch (IOException e) {
            // the process is gone; its log ends here
        }
    }

    /**
     * Polls {@code GET /readyz} every 10 ms until it answers "ok" and returns that moment
     * ({@link System#nanoTime}). {@code poller} must trust any certificate: a fresh data dir has no CA yet.
     */
    long awaitReady(HttpClient poller, Duration timeout) throws IOException, InterruptedException {
        URI readyz = URI.create("https://127.0.0.1:" + port + "/readyz");
        HttpRequest req = HttpRequest.newBuilder(readyz).timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("server exited with " + process.exitValue() + "; log: " + log + "\n" + tail());
            }
            try {
                HttpResponse<String> r = poller.send(req, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().equals("ok")) {
                    return System.nanoTime();
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(10);
        }
        throw new IOException("server not ready after " + timeout + "; log: " + log + "\n" + tail());
    }

    /** A client for {@link #awaitReady} that skips certificate checks (only /readyz is asked). */
    static HttpClient readinessClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(Tls.trustAll())
                .connectTimeout(Duration.ofSeconds(1)).build();
    }

    /** Starts and waits until ready: the usual way for benchmarks that are not about start-up. */
    static ServerProcess startReady(BenchOptions o, Path dataDir, String label) throws IOException, InterruptedException {
        return startReady(o, dataDir, label, null);
    }

    /** Starts (with a node when {@code nodeName} is given) and waits until the API server is ready. */
    static ServerProcess startReady(BenchOptions o, Path dataDir, String label, String nodeName)
            throws IOException, InterruptedException {
        return startReady(o, dataDir, label, nodeName, List.of());
    }

    /** As {@link #startReady(BenchOptions, Path, String, String)}, with more {@code kube4j server} flags. */
    static ServerProcess startReady(BenchOptions o, Path dataDir, String label, String nodeName,
                                    List<String> extraArgs) throws IOException, InterruptedException {
        return startReady(o, dataDir, label, nodeName, extraArgs, List.of());
    }

    /** As {@link #startReady(BenchOptions, Path, String, String, List)}, with JVM flags after the usual ones. */
    static ServerProcess startReady(BenchOptions o, Path dataDir, String label, String nodeName,
                                    List<String> extraArgs, List<String> extraJvmOpts)
            throws IOException, InterruptedException {
        ServerProcess sp = start(o, dataDir, label, nodeName, extraArgs, extraJvmOpts);
        try {
            HttpClient poller = readinessClient();
            sp.awaitReady(poller, Duration.ofSeconds(120));
            poller.close();
            System.out.printf("  server %s: pid %d, port %d, log %s%n", label, sp.pid(), sp.port(), sp.log);
            return sp;
        } catch (IOException | InterruptedException | RuntimeException e) {
            sp.close();
            throw e;
        }
    }

    long startNanos() {
        return startNanos;
    }

    /** When the server printed "serving at" (0 when it did not yet). */
    long servingNanos() {
        return servingNanos;
    }

    /** When the server wrote its first line (its first log line: storage opened), 0 before. */
    long firstOutputNanos() {
        return firstOutputNanos;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    Path dataDir() {
        return dataDir;
    }

    /** The server's log file (its stdout and stderr). */
    Path log() {
        return log;
    }

    /** An authenticated admin client with the cluster's admin certificate. */
    AdminClient admin() {
        SSLContext ssl = Tls.clientContext(dataDir.resolve("tls"));
        return new AdminClient(URI.create("https://127.0.0.1:" + port), ssl);
    }

    /** VmRSS and VmHWM from /proc/PID/status, in KiB: {rss, hwm}. */
    long[] memoryKb() {
        long rss = -1;
        long hwm = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
                } else if (line.startsWith("VmHWM:")) {
                    hwm = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/" + pid() + "/status", e);
        }
        return new long[]{rss, hwm};
    }

    /** CPU time (user + system) the server process has used so far, in milliseconds; -1 when unknown. */
    long cpuMillis() {
        return process.info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(-1L);
    }

    /**
     * Write-family system calls (write, writev, sendmsg...) the server has made so far, from /proc/PID/io; -1 when
     * unknown. Each socket flush is one or a few of them, so this counts flushes independently of the machine's load.
     */
    long writeSyscalls() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "io"))) {
                if (line.startsWith("syscw:")) {
                    return Long.parseLong(line.substring(6).strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * CPU time the server's JIT compiler threads have used so far, in milliseconds, from /proc/PID/task (at the
     * usual 100 clock ticks a second); -1 when unknown. A fresh server compiles much of its hot code during the
     * first bursts, and this tells that cost apart from the work itself.
     */
    long jitCpuMillis() {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid()), "task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String comm = Files.readString(t.resolve("comm")).strip();
                    if (!comm.startsWith("C1 Compiler") && !comm.startsWith("C2 Compiler")) {
                        continue;
                    }
                    String stat = Files.readString(t.resolve("stat"));
                    // fields after the command name, which is in parentheses: utime and stime are the 12th and 13th
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return ticks * 10;
    }

    /** CPU time of this (the bench's) JVM so far, in milliseconds; -1 when unknown. */
    static long ownCpuMillis() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(-1L);
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** SIGTERM to the PID, wait for exit (the data dir's lock is released then), SIGKILL after 15 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        LIVE.remove(process);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Deletes a temporary data dir (best effort). */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
