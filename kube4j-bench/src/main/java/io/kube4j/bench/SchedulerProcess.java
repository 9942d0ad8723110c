package io.kube4j.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code kube4j scheduler --kubeconfig DATA/kubeconfig.yaml --no-leader-elect} child process for a bench server
 * started with {@code --disable-scheduler}: the scheduler in a JVM of its own, so its CPU is measured apart from
 * the API server's. Started with the server's JVM flags (and a JFR recording of its own with {@code --jfr});
 * stopped by PID (SIGTERM, SIGKILL after 15 s). A JVM shutdown hook stops one a crashed bench leaves behind.
 * Not thread-safe: one benchmark thread owns it, except {@link #cpuMillis} and {@link #loopStartedNanos}.
 */
final class SchedulerProcess implements AutoCloseable {
    /** What {@code SchedulerServer} logs once its informers have synced and the scheduling loop runs. */
    static final String LOOP_STARTED = "scheduler running profile=";

    private final Process process;
    private final long startNanos;
    private final Path log;
    private final ChildProcess child;
    private volatile long loopStartedNanos;

    private SchedulerProcess(Process process, long startNanos, Path log) {
        this.process = process;
        this.startNanos = startNanos;
        this.log = log;
        this.child = new ChildProcess(process, "bench-scheduler");
    }

    /** Starts a scheduler for {@code server} (its admin kubeconfig); {@code label} names the log and JFR files. */
    static SchedulerProcess start(BenchOptions o, ServerProcess server, String label) throws IOException {
        Path logs = Files.createDirectories(o.outDir().resolve("logs"));
        Path log = logs.resolve(label + ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(o.java().toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(o.serverJvmOpts());
        if (o.jfr()) {
            Path jfr = Files.createDirectories(o.outDir().resolve("jfr")).resolve(label + ".jfr");
            cmd.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true");
        }
        cmd.addAll(List.of("-jar", o.serverJar().toString(), "scheduler",
                "--kubeconfig", server.dataDir().resolve("kubeconfig.yaml").toString(), "--no-leader-elect"));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        SchedulerProcess s = new SchedulerProcess(p, t0, log);
        Thread pump = new Thread(s::pumpOutput, "scheduler-output-" + p.pid());
        pump.setDaemon(true);
        pump.start();
        return s;
    }

    private void pumpOutput() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer w = Files.newBufferedWriter(log)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (loopStartedNanos == 0 && line.contains(LOOP_STARTED)) {
                    loopStartedNanos = System.nanoTime();
                }
                w.write(line);
                w.write('\n');
                w.flush();
            }
        } catch (IOException e) {
            // the process is gone; its log ends here
        }
    }

    /** When the process was started ({@link System#nanoTime}). */
    long startNanos() {
        return startNanos;
    }

    /** When the scheduler said its informers had synced and its loop runs; 0 before. */
    long loopStartedNanos() {
        return loopStartedNanos;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** CPU time (user + system) the process has used so far, in milliseconds; -1 when unknown. */
    long cpuMillis() {
        return process.info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(-1L);
    }

    /** CPU time so far by thread kind (see {@link ThreadCpu#byKind}). */
    java.util.Map<String, Long> cpuMillisByThread() {
        return ThreadCpu.byKind(pid());
    }

    /** SIGTERM to the PID, wait, SIGKILL after 15 s. */
    @Override
    public void close() {
        child.stop();
    }
}
