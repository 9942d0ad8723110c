package io.kube4j.e2e.node;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.Kubectl;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.TestNamespace;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code kubectl logs} with its options against containers on the node, compared with what upstream prints. */
@Kube4jE2E
class LogsIT {

    /** Two containers: "a" counts a line a second, "b" says one line and waits. */
    private static String twoContainers(String name) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  labels:
                    app: two
                spec:
                  nodeName: %s
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: a
                    image: %s
                    command: ["sh", "-c", "trap 'exit 0' TERM; i=0; while true; do i=$((i+1)); echo \\"a $i\\"; sleep 1; done"]
                  - name: b
                    image: %s
                    command: ["sh", "-c", "trap 'exit 0' TERM; echo 'b ready'; while true; do sleep 1; done"]
                """.formatted(name, NodePods.NODE, NodePods.BUSYBOX, NodePods.BUSYBOX);
    }

    @Test
    void optionsOfARunningTwoContainerPod(TestNamespace ns) {
        NodePods.createReady(ns, twoContainers("two"), "two");
        Kubectl k = ns.kubectl();
        // wait for a few lines, so that --since and --tail have something to leave out
        NodePods.await("5 lines of a", Duration.ofSeconds(20),
                () -> k.run("logs", "two", "-c", "a").lines().size() >= 5, () -> k.run("logs", "two", "-c", "a"));

        // no -c: kubectl itself picks the first container and says so on stderr
        KubectlResult defaulted = k.run("logs", "two");
        assertThat(defaulted).succeeds().stdoutContains("a 1\na 2\n");
        assertThat(defaulted.stderr()).isEqualTo("Defaulted container \"a\" out of: a, b\n");
        assertThat(k.run("logs", "two", "-c", "b")).succeeds().printed("b ready");
        // kubectl reads the pod first and checks the name itself
        assertThat(k.run("logs", "two", "-c", "nosuch")).exitsWith(1)
                .printedError("error: container nosuch is not valid for pod two");

        // --tail=2: the last two lines, consecutive
        List<String> tail = k.run("logs", "two", "-c", "a", "--tail=2").lines();
        assertThat(tail).hasSize(2);
        int first = Integer.parseInt(tail.get(0).substring(2));
        assertThat(tail.get(1)).isEqualTo("a " + (first + 1));
        assertThat(first).isGreaterThanOrEqualTo(4);
        assertThat(k.run("logs", "two", "-c", "a", "--tail=0")).succeeds().printed("");

        // --since=2s: lines older than two seconds are left out (a line a second: at most three remain)
        List<String> since = k.run("logs", "two", "-c", "a", "--since=2s").lines();
        assertThat(since).hasSizeBetween(1, 3).doesNotContain("a 1", "a 2");

        // --timestamps: upstream's RFC 3339 with nine fraction digits, then a space
        List<String> stamped = k.run("logs", "two", "-c", "a", "--timestamps", "--tail=3").lines();
        assertThat(stamped).hasSize(3)
                .allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}(Z|[+-]\\d\\d:\\d\\d) a \\d+"));

        // --limit-bytes: the output is cut after that many bytes, mid-line included
        assertThat(k.run("logs", "two", "-c", "a", "--limit-bytes=6").stdout()).isEqualTo("a 1\na ");

        // by label, all containers, each line prefixed with where it came from
        assertThat(k.run("logs", "-l", "app=two", "-c", "b", "--prefix")).succeeds().printed("[pod/two/b] b ready");
        assertThat(k.run("logs", "two", "--all-containers", "--prefix", "--tail=1").lines())
                .hasSize(2).anyMatch(l -> l.matches("\\[pod/two/a] a \\d+")).contains("[pod/two/b] b ready");

        // -f: new lines show up while it runs
        try (Kubectl.Background follow = k.start("logs", "-f", "two", "-c", "a", "--tail=1")) {
            NodePods.await("two new lines in logs -f", Duration.ofSeconds(10),
                    () -> follow.stdout().lines().count() >= 3, follow::toString);
            String[] lines = follow.stdout().split("\n");
            int n = Integer.parseInt(lines[0].substring(2));
            assertThat(lines[1]).isEqualTo("a " + (n + 1));
            assertThat(lines[2]).isEqualTo("a " + (n + 2));
            assertThat(follow.isAlive()).isTrue();
        }
    }

    @Test
    void followEndsWhenTheContainerExits(TestNamespace ns) {
        assertThat(ns.kubectl().runWithStdin("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: short
                spec:
                  nodeName: %s
                  restartPolicy: Never
                  containers:
                  - name: short
                    image: %s
                    command: ["sh", "-c", "sleep 2; for i in 1 2 3; do echo \\"line $i\\"; sleep 1; done"]
                """.formatted(NodePods.NODE, NodePods.BUSYBOX), "apply", "-f", "-")).succeeds();
        NodePods.awaitJsonPath(ns, "pod/short", "{.status.containerStatuses[0].state.running}", s -> !s.isBlank(),
                Duration.ofSeconds(30));
        KubectlResult follow = ns.kubectl().withTimeout(Duration.ofSeconds(30)).run("logs", "-f", "short");
        assertThat(follow).succeeds();
        assertThat(follow.stdout()).isEqualTo("line 1\nline 2\nline 3\n");
        NodePods.awaitJsonPath(ns, "pod/short", "{.status.phase}", "Succeeded"::equals, Duration.ofSeconds(20));
        // a finished container's log is still there
        assertThat(ns.kubectl().run("logs", "short", "--tail=1")).succeeds().printed("line 3");
    }

    @Test
    void previousAfterARestart(TestNamespace ns) {
        // each run says who it is, stays four seconds and fails (no volumes on this node yet to count runs)
        assertThat(ns.kubectl().runWithStdin("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: restarts
                spec:
                  nodeName: %s
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: c
                    image: %s
                    command: ["sh", "-c", "echo \\"run $(cat /proc/sys/kernel/random/uuid)\\"; sleep 4; exit 1"]
                """.formatted(NodePods.NODE, NodePods.BUSYBOX), "apply", "-f", "-")).succeeds();
        NodePods.awaitJsonPath(ns, "pod/restarts",
                "{.status.containerStatuses[0].restartCount}/{.status.containerStatuses[0].state.running.startedAt}",
                s -> s.matches("1/.+"), Duration.ofSeconds(30));
        String run = "run [0-9a-f-]{36}";
        String previous = ns.kubectl().run("logs", "restarts", "--previous").out();
        String current = ns.kubectl().run("logs", "restarts").out();
        assertThat(previous).matches(run);
        assertThat(current).matches(run).isNotEqualTo(previous);
        assertThat(ns.kubectl().run("logs", "restarts", "-p", "-c", "c", "--timestamps").out())
                .matches("\\S+ " + previous);
    }

    @Test
    void previousWithoutARestartMissingPodAndWaitingContainers(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        // kubectl's own wording for the pod it could not read (lower-case "error from server")
        assertThat(k.run("logs", "nosuch")).exitsWith(1).printedError(
                "error: error from server (NotFound): pods \"nosuch\" not found in namespace \"" + ns.name() + "\"");

        // the app container waits for a slow init container: upstream names the reason it waits
        assertThat(k.runWithStdin("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: initializing
                spec:
                  nodeName: %s
                  terminationGracePeriodSeconds: 1
                  initContainers:
                  - name: init
                    image: %s
                    command: ["sh", "-c", "trap 'exit 0' TERM; echo 'init started'; while true; do sleep 1; done"]
                  containers:
                  - name: app
                    image: %s
                """.formatted(NodePods.NODE, NodePods.BUSYBOX, NodePods.BUSYBOX), "apply", "-f", "-")).succeeds();
        NodePods.awaitJsonPath(ns, "pod/initializing", "{.status.initContainerStatuses[0].state.running}",
                s -> !s.isBlank(), Duration.ofSeconds(30));
        assertThat(k.run("logs", "initializing")).exitsWith(1).printedError("""
                Defaulted container "app" out of: app, init (init)
                Error from server (BadRequest): container "app" in pod "initializing" is waiting to start: PodInitializing""");
        assertThat(k.run("logs", "initializing", "-c", "init")).succeeds().printed("init started");
        // exec and attach need a running container: kubectl falls back to SPDY, then shows the kubelet's answer
        assertThat(k.run("exec", "initializing", "-c", "app", "--", "true")).exitsWith(1)
                .printedError("error: unable to upgrade connection: container not found (\"app\")");
        assertThat(k.run("logs", "initializing", "-c", "init", "--previous")).exitsWith(1).printedError(
                "Error from server (BadRequest): previous terminated container \"init\" in pod \"initializing\" not found");

        // not bound to a node: upstream answers an empty log
        assertThat(k.runWithStdin("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: unbound
                spec:
                  # no node has this label, so the scheduler leaves the pod unbound
                  nodeSelector:
                    kube4j.io/nowhere: "true"
                  containers:
                  - name: app
                    image: %s
                """.formatted(NodePods.BUSYBOX), "apply", "-f", "-")).succeeds();
        assertThat(k.run("logs", "unbound")).succeeds().printed("");
    }
}
