package io.kube4j.e2e.controllers;

import io.kube4j.e2e.Kube4jServer;
import io.kube4j.e2e.Kubectl;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.node.NodePods;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A private server (no real node) with simulated nodes {@code sim-0..} heart-beating every second, a 5 s node monitor
 * grace period, and one more simulated node {@code <prefix>0} in a {@code kube4j agent --simulated} process of its
 * own: killing that process is a node failure (its heartbeats stop and nobody confirms its pods' deletion). Used by
 * the node lifecycle and StatefulSet node-failure tests from one test thread.
 */
final class SimulatedCluster implements AutoCloseable {
    final Kube4jServer server;
    final Kubectl kubectl;
    private final Process process;
    final Path log;

    private SimulatedCluster(Kube4jServer server, Process process, Path log) {
        this.server = server;
        this.kubectl = Kubectl.forServer(server);
        this.process = process;
        this.log = log;
    }

    /** Starts the server and the agent, and waits until the agent joined. */
    static SimulatedCluster start(String name, int simulatedNodes, String prefix) throws Exception {
        Kube4jServer server = Kube4jServer.startFresh(name, false, "--simulated-nodes", Integer.toString(simulatedNodes),
                "--node-monitor-grace-period", "5s", "--node-monitor-period", "1s", "--simulated-node-heartbeat", "1s");
        Path log = server.dataDir().resolveSibling("agent.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m",
                "--enable-native-access=ALL-UNNAMED", "-jar", jar().toString(), "agent", "--simulated", "--count", "1",
                "--node-name-prefix", prefix, "--simulated-node-heartbeat", "1s", "--server",
                "https://127.0.0.1:" + server.port(),
                "--token-file", server.dataDir().resolve("node-token").toString(),
                "--data-dir", server.dataDir().resolveSibling("agent").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        SimulatedCluster cluster = new SimulatedCluster(server, p, log);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!Files.readString(log).contains("joined")) {
            if (!p.isAlive() || Instant.now().isAfter(deadline)) {
                cluster.close();
                assertThat(p.isAlive()).as("agent exited or did not join:\n%s", Files.readString(log)).isFalse();
            }
            NodePods.sleep(200);
        }
        return cluster;
    }

    /** The value of a jsonpath expression, or "" when the object is not there. */
    static String jsonPath(Kubectl k, String resource, String expr) {
        KubectlResult r = k.run("get", resource, "-o", "jsonpath=" + expr);
        return r.succeeded() ? r.out().strip() : "";
    }

    private static Path jar() {
        String configured = System.getProperty("kube4j.jar");
        return (configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of("..", "kube4j-cli", "target", "kube4j-all.jar")).toAbsolutePath().normalize();
    }

    /** The node failure: the agent dies at once, without telling the server anything. */
    void killAgent() throws InterruptedException {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("agent stopped").isTrue();
    }

    @Override
    public void close() throws Exception {
        try {
            if (process.isAlive()) {
                killAgent();
            }
        } finally {
            server.close();
        }
    }
}
