package io.kube4j.e2e.node;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.Kube4jServer;
import io.kube4j.e2e.TestNamespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Images on the real node: pull policies and their events, pull failures and back-off, pulling from a registry on
 * loopback, and archives imported with {@code kube4j images import}. Never a registry beyond this machine.
 */
@Kube4jE2E
class ImagesIT {
    @TempDir
    Path dir;

    @Test
    void neverPullPolicyWithAnAbsentImageWaitsInErrImageNeverPull(TestNamespace ns) {
        String image = "kube4j.local/absent:1";
        apply(ns, pod("never-absent", image, "Never"));
        NodePods.awaitJsonPath(ns, "pod/never-absent", "{.status.containerStatuses[0].state.waiting.reason}",
                "ErrImageNeverPull"::equals, Duration.ofSeconds(60));
        String message = "Container image \"" + image + "\" is not present with pull policy of Never";
        assertThat(ns.kubectl().run("get", "pod", "never-absent", "-o",
                "jsonpath={.status.containerStatuses[0].state.waiting.message}")).succeeds().printed(message);
        assertThat(ns.kubectl().run("get", "pods")).succeeds()
                .hasLineMatching("never-absent\\s+0/1\\s+ErrImageNeverPull\\s+0\\s+\\S+");
        List<String> events = NodePods.awaitEvent(ns, "never-absent", "Warning Failed Error: ErrImageNeverPull"::equals,
                Duration.ofSeconds(20));
        assertThat(events).contains("Warning ErrImageNeverPull " + message);
        assertThat(events).noneMatch(e -> e.contains("Pulling"));
    }

    @Test
    void ifNotPresentUsesTheImageOnTheNode(TestNamespace ns) {
        NodePods.createReady(ns, pod("present", NodePods.KUBIA, "IfNotPresent"), "present");
        List<String> events = NodePods.events(ns, "present");
        assertThat(events).contains("Normal Pulled Container image \"" + NodePods.KUBIA + "\" already present on machine");
        assertThat(events).noneMatch(e -> e.contains("Pulling"));
    }

    @Test
    void unreachableRegistryFailsThePullAndBacksOff(TestNamespace ns) throws IOException {
        String image = "127.0.0.1:" + closedPort() + "/nothing:1";
        apply(ns, pod("bad-image", image, "IfNotPresent"));
        NodePods.awaitJsonPath(ns, "pod/bad-image", "{.status.containerStatuses[0].state.waiting.reason}",
                "ImagePullBackOff"::equals, Duration.ofSeconds(60));
        assertThat(ns.kubectl().run("get", "pod", "bad-image", "-o",
                "jsonpath={.status.containerStatuses[0].state.waiting.message}")).succeeds()
                .printed("Back-off pulling image \"" + image + "\"");
        assertThat(ns.kubectl().run("get", "pods")).succeeds()
                .hasLineMatching("bad-image\\s+0/1\\s+ImagePullBackOff\\s+0\\s+\\S+");
        List<String> events = NodePods.awaitEvent(ns, "bad-image", "Warning Failed Error: ImagePullBackOff"::equals,
                Duration.ofSeconds(30));
        assertThat(events).contains("Normal Pulling Pulling image \"" + image + "\"",
                "Warning Failed Error: ErrImagePull",
                "Normal BackOff Back-off pulling image \"" + image + "\"");
        assertThat(events).anyMatch(e -> e.startsWith("Warning Failed Failed to pull image \"" + image + "\": ")
                && e.contains("connection refused"));
        assertThat(ns.kubectl().run("describe", "pod", "bad-image")).succeeds()
                .stdoutContains("State:          Waiting", "Reason:       ImagePullBackOff");
    }

    @Test
    void alwaysPullsFromALocalRegistry(TestNamespace ns, Kube4jServer server) throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(dir)) {
            registry.push(builtinArchive(server, "kubia-1.tar"), "1", "kubia:1");
            String image = registry.host() + "/kubia:1";
            NodePods.createReady(ns, pod("pulled", image, "Always"), "pulled");
            List<String> events = NodePods.events(ns, "pulled");
            assertThat(events).contains("Normal Pulling Pulling image \"" + image + "\"");
            assertThat(events).anyMatch(e -> e.matches("Normal Pulled Successfully pulled image \""
                    + java.util.regex.Pattern.quote(image) + "\" in \\S+ \\(\\S+ including waiting\\)\\. "
                    + "Image size: \\d+ bytes\\."));
            assertThat(ns.kubectl().run("get", "pod", "pulled", "-o",
                    "jsonpath={.status.containerStatuses[0].image} {.status.containerStatuses[0].imageID}"))
                    .succeeds().stdoutContains(image + " " + registry.host() + "/kubia@sha256:");
            assertThat(NodePods.httpGet(NodePods.podIp(ns, "pulled"), 8080).body()).isEqualTo("You've hit pulled\n");
        }
    }

    @Test
    void importedArchiveRunsWithNeverPull(TestNamespace ns, Kube4jServer server) throws Exception {
        String image = "kube4j.local/imported-" + ns.name().substring(ns.name().length() - 4) + ":1";
        Path archive = dir.resolve("imported.tar");
        LocalRegistry.Skopeo.run(dir, "copy", "oci-archive:" + builtinArchive(server, "kubia-1.tar") + ":1",
                "oci-archive:" + archive + ":" + image);
        Cli.Result imported = Cli.run("images", "import", archive.toString());
        assertThat(imported.exitCode()).as(imported.output()).isZero();
        assertThat(imported.output()).contains(image);
        NodePods.createReady(ns, pod("imported", image, "Never"), "imported");
        assertThat(NodePods.events(ns, "imported"))
                .contains("Normal Pulled Container image \"" + image + "\" already present on machine");
    }

    private static Path builtinArchive(Kube4jServer server, String file) {
        Path archive = server.dataDir().resolve("agent").resolve("images").resolve("builtin").resolve(file);
        assertThat(archive).isRegularFile();
        return archive;
    }

    private static String pod(String name, String image, String pullPolicy) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                spec:
                  nodeName: %s
                  terminationGracePeriodSeconds: 2
                  containers:
                  - name: main
                    image: %s
                    imagePullPolicy: %s
                """.formatted(name, NodePods.NODE, image, pullPolicy);
    }

    private static void apply(TestNamespace ns, String yaml) {
        assertThat(ns.kubectl().runWithStdin(yaml, "apply", "-f", "-")).succeeds();
    }

    /** A loopback port nothing listens on: connections to it are refused at once. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The kube4j command line from the jar the e2e tests run. */
    static final class Cli {
        record Result(int exitCode, String output) {
        }

        private Cli() {
        }

        static Result run(String... args) throws IOException, InterruptedException {
            String configured = System.getProperty("kube4j.jar");
            Path jar = configured != null && !configured.isBlank() ? Path.of(configured)
                    : Path.of("..", "kube4j-cli", "target", "kube4j-all.jar");
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "--enable-native-access=ALL-UNNAMED", "-jar", jar.toAbsolutePath().toString()));
            command.addAll(List.of(args));
            Path out = Files.createTempFile("kube4j-cli", ".out");
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (!p.waitFor(90, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException("timed out: " + command);
                }
                return new Result(p.exitValue(), Files.readString(out));
            } finally {
                Files.deleteIfExists(out);
            }
        }
    }
}
