package io.kube4j.e2e.node;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.Kube4jServer;
import io.kube4j.e2e.Kubectl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kube4j agent} joining the shared server with its join token. One machine has one real node (containerd,
 * bridge, ports), so the agent runs against a fake CRI runtime served over gRPC on a unix socket by this test, on a
 * kubelet port of its own: what is proven is the join (token, CA pinning, node credentials) and a Ready node.
 */
@Kube4jE2E
class AgentIT {
    private static final String NODE = "agent-1";

    @TempDir
    Path dir;

    private Path socketDir;
    private Process cri;
    private Process agent;

    /** The fake runtime, in a process of its own (see FakeCriServer.java), stopped by PID after the test. */
    @BeforeEach
    void serveFakeRuntime() throws Exception {
        socketDir = Files.createTempDirectory(Path.of("/tmp"), "k4j-cri-"); // sun_path is short
        Path source = dir.resolve("FakeCriServer.java");
        try (var in = AgentIT.class.getResourceAsStream("FakeCriServer.java")) {
            Files.copy(in, source);
        }
        Path log = dir.resolve("fake-cri.log");
        cri = new ProcessBuilder(java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m",
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-cp", jar().toString(),
                source.toString(), socketDir.resolve("cri.sock").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!Files.readString(log).contains("fake CRI serving")) {
            assertThat(cri.isAlive()).as("fake CRI exited:\n%s", Files.readString(log)).isTrue();
            assertThat(Instant.now()).as("fake CRI not up:\n%s", Files.readString(log)).isBefore(deadline);
            NodePods.sleep(100);
        }
    }

    @AfterEach
    void stopAll(Kubectl kubectl) throws Exception {
        stop(agent);
        kubectl.run("delete", "node", NODE, "--ignore-not-found");
        stop(cri);
        try (var files = Files.list(socketDir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(socketDir);
    }

    private static void stop(Process p) throws InterruptedException {
        if (p == null) {
            return;
        }
        ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroy);
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Path jar() {
        String configured = System.getProperty("kube4j.jar");
        Path jar = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of("..", "kube4j-cli", "target", "kube4j-all.jar");
        return jar.toAbsolutePath().normalize();
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    @Test
    void agentJoinsWithTheTokenAndItsNodeBecomesReady(Kube4jServer server, Kubectl kubectl) throws Exception {
        Path tokenFile = server.dataDir().resolve("node-token");
        assertThat(Files.readString(tokenFile)).startsWith("K4J");
        Path log = dir.resolve("agent.log");
        agent = new ProcessBuilder(agentCommand(server, "--token-file", tokenFile.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline) && !Files.readString(log).contains("joined")) {
            assertThat(agent.isAlive()).as("agent exited:\n%s", Files.readString(log)).isTrue();
            NodePods.sleep(200);
        }
        assertThat(Files.readString(log)).contains("node " + NODE + " joined https://127.0.0.1:" + server.port());
        assertThat(kubectl.withTimeout(Duration.ofSeconds(60))
                .run("wait", "--for=condition=Ready", "node/" + NODE, "--timeout=45s")).succeeds();
        assertThat(kubectl.run("get", "nodes")).succeeds()
                .hasLineMatching(NODE + "\\s+Ready\\s+<none>\\s+\\S+\\s+v1\\.32\\.\\d+\\S*")
                .hasLineMatching(NodePods.NODE + "\\s+Ready\\s+.*");
        assertThat(kubectl.run("get", "node", NODE, "-o",
                "jsonpath={.status.nodeInfo.containerRuntimeVersion}")).succeeds().printed("kube4j-fake://0.1.0");
        // the agent's kubelet is a client of the API server as system:node:agent-1
        assertThat(kubectl.run("get", "lease", "-n", "kube-node-lease", NODE, "-o", "jsonpath={.spec.holderIdentity}"))
                .succeeds().printed(NODE);
    }

    @Test
    void aWrongTokenIsRefused(Kube4jServer server, Kubectl kubectl) throws Exception {
        String token = Files.readString(server.dataDir().resolve("node-token")).strip();
        String wrongSecret = token.substring(0, token.lastIndexOf(':') + 1) + "0".repeat(32);
        Result r = runAgent(agentCommand(server, "--token", wrongSecret));
        assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
        assertThat(r.output()).contains("kube4j agent: the server refused the join token: Unauthorized")
                .doesNotContain("\tat ");
        assertThat(kubectl.run("get", "node", NODE)).stderrContains("nodes \"" + NODE + "\" not found");
    }

    @Test
    void aTokenForAnotherCaIsRefusedBeforeItIsSent(Kube4jServer server, Kubectl kubectl) throws Exception {
        String token = Files.readString(server.dataDir().resolve("node-token")).strip();
        String otherCa = "K4J" + "ab".repeat(32) + token.substring(token.indexOf("::"));
        Result r = runAgent(agentCommand(server, "--token", otherCa));
        assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
        assertThat(r.output()).contains("kube4j agent: the server's CA certificate (sha256 ")
                .contains("does not match the join token (sha256 " + "ab".repeat(32) + ")")
                .doesNotContain("\tat ");
        assertThat(kubectl.run("get", "node", NODE)).stderrContains("nodes \"" + NODE + "\" not found");
    }

    private List<String> agentCommand(Kube4jServer server, String... tokenArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xmx256m", "--enable-native-access=ALL-UNNAMED", "-jar", jar().toString(), "agent",
                "--server", "https://127.0.0.1:" + server.port()));
        command.addAll(List.of(tokenArgs));
        command.addAll(List.of("--node-name", NODE, "--node-ip", "127.0.0.1", "--kubelet-port",
                Integer.toString(freePort()), "--data-dir", dir.resolve("agent").toString(),
                "--container-runtime-endpoint", "unix://" + socketDir.resolve("cri.sock"),
                // the shared cluster's node on this machine owns the service rules
                "--disable-kube-proxy"));
        return command;
    }

    private record Result(int exitCode, String output) {
    }

    private Result runAgent(List<String> command) throws Exception {
        Path log = Files.createTempFile(dir, "agent", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
            p.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("agent did not exit:\n" + Files.readString(log));
        }
        return new Result(p.exitValue(), Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
