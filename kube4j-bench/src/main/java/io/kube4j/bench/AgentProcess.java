package io.kube4j.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@code kube4j agent --simulated --count N} child process joined to a bench server over loopback: simulated nodes
 * in their own JVM, so the server's heap, RSS and CPU are the server's alone. Started with the server's JVM flags
 * and its join token ({@code DATA/node-token}); stopped by PID (SIGTERM, SIGKILL after 15 s). A JVM shutdown hook
 * stops one a crashed bench leaves behind. Not thread-safe: one benchmark thread owns it.
 */
final class AgentProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final Path dataDir;
    private final CountDownLatch joined = new CountDownLatch(1);
    private final ChildProcess child;

    private AgentProcess(Process process, Path log, Path dataDir) {
        this.process = process;
        this.log = log;
        this.dataDir = dataDir;
        this.child = new ChildProcess(process, "bench-agent");
    }

    /**
     * Starts {@code count} simulated nodes named {@code prefix0..} for {@code server}; {@code label} names the log.
     * Returns at once: {@link #awaitJoined} waits until every node registered.
     */
    static AgentProcess start(BenchOptions o, ServerProcess server, String label, int count, String prefix,
                              String heartbeat, List<String> extraJvmOpts) throws IOException {
        Path logs = Files.createDirectories(o.outDir().resolve("logs"));
        Path log = logs.resolve(label + ".log");
        Path dir = Files.createTempDirectory("kube4j-bench-agent-");
        List<String> cmd = new ArrayList<>();
        cmd.add(o.java().toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(o.serverJvmOpts());
        cmd.addAll(extraJvmOpts);
        cmd.addAll(List.of("-jar", o.serverJar().toString(), "agent", "--simulated", "--count", Integer.toString(count),
                "--node-name-prefix", prefix, "--simulated-node-heartbeat", heartbeat,
                "--server", "https://127.0.0.1:" + server.port(),
                "--token-file", server.dataDir().resolve("node-token").toString(), "--data-dir", dir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        AgentProcess a = new AgentProcess(p, log, dir);
        Thread pump = new Thread(a::pumpOutput, "agent-output-" + p.pid());
        pump.setDaemon(true);
        pump.start();
        return a;
    }

    private void pumpOutput() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer w = Files.newBufferedWriter(log)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("simulated nodes ") && line.contains(" joined ")) {
                    joined.countDown();
                }
                w.write(line);
                w.write('\n');
                w.flush();
            }
        } catch (IOException e) {
            // the process is gone; its log ends here
        }
    }

    /** Waits until the agent says all its nodes registered (it gives up itself after 60 s and says so in its log). */
    void awaitJoined(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!joined.await(200, TimeUnit.MILLISECONDS)) {
            if (!process.isAlive()) {
                throw new IOException("agent exited with " + process.exitValue() + "; log: " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("agent did not join within " + timeout + "; log: " + log);
            }
        }
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /** User plus system CPU the agent has used so far, in ms; -1 when unknown. */
    long cpuMillis() {
        return process.info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
    }

    /** VmRSS of the agent in KiB. */
    long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** SIGTERM to the PID, wait, SIGKILL after 15 s; deletes the agent's data dir. */
    @Override
    public void close() {
        child.stop();
        ServerProcess.deleteTree(dataDir);
    }
}
