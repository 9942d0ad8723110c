package io.kube4j.e2e.controllers;

import io.kube4j.e2e.Kube4jServer;
import io.kube4j.e2e.node.NodePods;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One simulated node in a {@code kube4j agent --simulated} process of its own, joined to a test's private server:
 * killing the process is a node failure (its heartbeats stop and nobody confirms its pods' deletion). Used by the
 * node lifecycle and StatefulSet node-failure tests from one test thread.
 */
final class SimulatedAgent implements AutoCloseable {
    private final Process process;
    final Path log;

    private SimulatedAgent(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts one agent node named {@code <prefix>0} heart-beating every second and waits until it joined. */
    static SimulatedAgent start(Kube4jServer server, String prefix) throws Exception {
        Path log = server.dataDir().resolveSibling("agent.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m",
                "--enable-native-access=ALL-UNNAMED", "-jar", jar().toString(), "agent", "--simulated", "--count", "1",
                "--node-name-prefix", prefix, "--simulated-node-heartbeat", "1s", "--server",
                "https://127.0.0.1:" + server.port(),
                "--token-file", server.dataDir().resolve("node-token").toString(),
                "--data-dir", server.dataDir().resolveSibling("agent").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        SimulatedAgent agent = new SimulatedAgent(p, log);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!Files.readString(log).contains("joined")) {
            if (!p.isAlive() || Instant.now().isAfter(deadline)) {
                agent.close();
                assertThat(p.isAlive()).as("agent exited or did not join:\n%s", Files.readString(log)).isFalse();
            }
            NodePods.sleep(200);
        }
        return agent;
    }

    private static Path jar() {
        String configured = System.getProperty("kube4j.jar");
        return (configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of("..", "kube4j-cli", "target", "kube4j-all.jar")).toAbsolutePath().normalize();
    }

    /** The node failure: the process dies at once, without telling the server anything. */
    void kill() throws InterruptedException {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("agent stopped").isTrue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
