package io.kube4j.e2e.node;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.Kubectl;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.TestNamespace;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code kubectl attach} and {@code kubectl run -i --rm} against containers on the node. */
@Kube4jE2E
class AttachIT {

    @Test
    void attachShowsOutputAndPassesStdin(TestNamespace ns) {
        NodePods.createReady(ns, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: ticker
                spec:
                  nodeName: %s
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: ticker
                    image: %s
                    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do echo tick; sleep 1; done"]
                  - name: echo
                    image: %s
                    stdin: true
                    command: ["sh", "-c", "while read line; do echo \\"got $line\\"; done"]
                """.formatted(NodePods.NODE, NodePods.BUSYBOX, NodePods.BUSYBOX), "ticker");
        try (Kubectl.Background attach = ns.kubectl().start("attach", "ticker", "-c", "ticker")) {
            NodePods.await("two ticks from attach", Duration.ofSeconds(10),
                    () -> attach.stdout().split("tick\n", -1).length > 2, attach::toString);
            assertThat(attach.stdout()).matches("(tick\n)+");
            assertThat(attach.isAlive()).isTrue();
        }
        // stdin goes to the container's process and its answer comes back; EOF on stdin ends the session (the
        // runtime detaches the output too, the container keeps running)
        try (NodePods.BackgroundKubectl attach = new NodePods.BackgroundKubectl(ns, Map.of(), true,
                "attach", "-i", "ticker", "-c", "echo")) {
            attach.type("hello\n");
            NodePods.await("the container's answer", Duration.ofSeconds(10),
                    () -> attach.stdout().contains("got hello\n"), attach::toString);
            attach.type("world\n");
            NodePods.await("the second answer", Duration.ofSeconds(10),
                    () -> attach.stdout().contains("got world\n"), attach::toString);
            attach.closeStdin();
            assertThat(attach.waitFor(Duration.ofSeconds(10))).as(attach.toString()).isZero();
            assertThat(attach.stdout()).isEqualTo("got hello\ngot world\n");
        }
        assertThat(ns.kubectl().run("get", "pod", "ticker", "-o",
                "jsonpath={.status.containerStatuses[*].restartCount}")).succeeds().printed("0 0");
    }

    @Test
    void runInteractiveAndRemove(TestNamespace ns) {
        // the container waits for its stdin, so its output cannot come before kubectl attached (a command that
        // prints at once can finish before the attach, and then upstream's kubectl misses the output too)
        KubectlResult r = ns.kubectl().withTimeout(Duration.ofSeconds(60)).runWithStdin("go\n", "run", "tmp",
                "--image=" + NodePods.BUSYBOX, "--restart=Never",
                "--overrides={\"spec\":{\"nodeName\":\"" + NodePods.NODE + "\"}}", "-i", "--rm", "--", "sh", "-c",
                "read x; echo hi");
        assertThat(r).succeeds();
        assertThat(r.stdout()).startsWith("hi\n").contains("pod \"tmp\" deleted");
        assertThat(ns.kubectl().run("get", "pod", "tmp")).exitsWith(1)
                .printedError("Error from server (NotFound): pods \"tmp\" not found");
    }
}
