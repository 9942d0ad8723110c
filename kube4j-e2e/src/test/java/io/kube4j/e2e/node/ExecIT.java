package io.kube4j.e2e.node;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.TestNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code kubectl exec} beyond NodeIT's basics: a real terminal, a chosen container, errors, and the SPDY fallback. */
@Kube4jE2E
class ExecIT {

    /** Two long-running busybox containers, "first" and "second". */
    static String twoShells(String name) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                spec:
                  nodeName: %s
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: first
                    image: %s
                    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
                  - name: second
                    image: %s
                    command: ["sh", "-c", "trap 'exit 0' TERM; echo second > /tmp/who; while true; do sleep 1; done"]
                """.formatted(name, NodePods.NODE, NodePods.BUSYBOX, NodePods.BUSYBOX);
    }

    @Test
    void interactiveShellOnATerminal(TestNamespace ns) {
        NodePods.createReady(ns, twoShells("shell"), "shell");
        KubectlResult r = NodePods.kubectlOnTty(ns, 100, 40, "echo $((6*7))\nstty size\ntty\nexit\n",
                Duration.ofSeconds(30), "exec", "-it", "shell", "-c", "first", "--", "sh");
        assertThat(r).succeeds();
        String screen = r.stdout().replace("\r", "");
        // the shell evaluated what was typed: 42 appears on a line of its own (the typed line shows "6*7")
        assertThat(screen).containsPattern("(?m)^42$");
        // the container's terminal got the outer terminal's size at start
        assertThat(screen).containsPattern("(?m)^40 100$");
        assertThat(screen).containsPattern("(?m)^/dev/pts/\\d+$");
    }

    @Test
    void resizingTheTerminalReachesTheContainer(TestNamespace ns) {
        NodePods.createReady(ns, twoShells("resize"), "resize");
        // the outer terminal grows three seconds in, while the remote shell sleeps; kubectl sends the new size
        KubectlResult r = NodePods.kubectlOnTty(ns, "stty cols 80 rows 24; (sleep 3; stty cols 120 rows 50 </dev/tty) &",
                "stty size\nsleep 4\nstty size\nexit\n", Duration.ofSeconds(30),
                "exec", "-it", "resize", "-c", "second", "--", "sh");
        assertThat(r).succeeds();
        String screen = r.stdout().replace("\r", "");
        assertThat(screen).containsPattern("(?m)^24 80$").containsPattern("(?m)^50 120$");
        assertThat(screen.indexOf("\n24 80")).isLessThan(screen.indexOf("\n50 120"));
    }

    @Test
    void chosenContainerMissingContainerAndSpdy(TestNamespace ns) throws Exception {
        NodePods.createReady(ns, twoShells("pair"), "pair");
        assertThat(ns.kubectl().run("exec", "pair", "-c", "second", "--", "cat", "/tmp/who")).succeeds().printed("second");
        // no -c: kubectl picks the first container and says so
        KubectlResult defaulted = ns.kubectl().run("exec", "pair", "--", "cat", "/tmp/who");
        assertThat(defaulted).exitsWith(1);
        assertThat(defaulted.stderr()).startsWith("Defaulted container \"first\" out of: first, second\n");
        assertThat(defaulted.stderr()).endsWith("cat: can't open '/tmp/who': No such file or directory\ncommand terminated with exit code 1\n");
        assertThat(ns.kubectl().run("exec", "pair", "-c", "nosuch", "--", "true")).exitsWith(1)
                .printedError("Error from server (BadRequest): container nosuch is not valid for pod pair");
        assertThat(ns.kubectl().run("exec", "nosuch", "--", "true")).exitsWith(1)
                .printedError("Error from server (NotFound): pods \"nosuch\" not found");

        // kubectl 1.32 speaks WebSocket first; the older SPDY/3.1 upgrade still works
        Map<String, String> spdy = Map.of("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "false");
        assertThat(NodePods.kubectlWithEnv(ns, spdy, null, Duration.ofSeconds(20),
                "exec", "pair", "-c", "second", "--", "sh", "-c", "echo out; echo err >&2; exit 4"))
                .exitsWith(4).printed("out").printedError("err\ncommand terminated with exit code 4");
        assertThat(NodePods.kubectlWithEnv(ns, spdy, "through spdy\n", Duration.ofSeconds(20),
                "exec", "-i", "pair", "-c", "first", "--", "cat")).succeeds().printed("through spdy");

        // fabric8 speaks v4.channel.k8s.io over WebSocket
        try (KubernetesClient client = NodePods.fabric8(ns)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try (ExecWatch w = client.pods().inNamespace(ns.name()).withName("pair").inContainer("second")
                    .writingOutput(out).writingError(err).exec("sh", "-c", "echo hi; echo oops >&2; exit 3")) {
                Integer code = w.exitCode().get(20, TimeUnit.SECONDS);
                assertThat(code).isEqualTo(3);
            }
            assertThat(out.toString()).isEqualTo("hi\n");
            assertThat(err.toString()).isEqualTo("oops\n");
        }
    }
}
