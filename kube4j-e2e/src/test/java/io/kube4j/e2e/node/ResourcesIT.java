package io.kube4j.e2e.node;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.TestNamespace;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** CPU and memory requests and limits on the node: they reach the container's cgroup (v1), and memory limits OOM-kill. */
@Kube4jE2E
class ResourcesIT {

    @Test
    void containerOverItsMemoryLimitIsOomKilled(TestNamespace ns) {
        // A shell string that doubles until it no longer fits in 32 MiB.
        NodePods.apply(ns, NodePods.pod("oom", "  restartPolicy: Never", """
                  - name: main
                    image: %s
                    command: ["sh", "-c", "echo allocating; x=a; while true; do x=$x$x; done"]
                    resources:
                      limits:
                        memory: 32Mi
                """.formatted(NodePods.BUSYBOX)));
        NodePods.PodRow row = NodePods.awaitRow(ns, "oom", r -> r.status().equals("OOMKilled"), Duration.ofSeconds(60));
        assertThat(row).isEqualTo(new NodePods.PodRow("0/1", "OOMKilled", "0"));
        assertThat(NodePods.jsonPath(ns, "pod/oom", "{.status.phase}")).isEqualTo("Failed");
        assertThat(ns.kubectl().run("describe", "pod", "oom")).succeeds().stdoutContains(
                "    State:          Terminated\n      Reason:       OOMKilled\n      Exit Code:    137\n",
                "    Limits:\n      memory:  32Mi\n");
        assertThat(ns.kubectl().run("logs", "oom")).succeeds().printed("allocating");
    }

    @Test
    void requestsAndLimitsReachTheContainersCgroup(TestNamespace ns) {
        NodePods.apply(ns, NodePods.pod("limited", "  terminationGracePeriodSeconds: 2", """
                  - name: a
                    image: %1$s
                    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
                    resources:
                      requests:
                        cpu: 250m
                        memory: 32Mi
                      limits:
                        cpu: 500m
                        memory: 64Mi
                  - name: b
                    image: %1$s
                    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
                    resources:
                      limits:
                        cpu: 100m
                        memory: 48Mi
                """.formatted(NodePods.BUSYBOX)));
        NodePods.waitReady(ns, "limited");
        assertThat(cgroup(ns, "a", "memory/memory.limit_in_bytes")).isEqualTo(String.valueOf(64L << 20));
        assertThat(cgroup(ns, "a", "cpu/cpu.cfs_period_us")).isEqualTo("100000");
        assertThat(cgroup(ns, "a", "cpu/cpu.cfs_quota_us")).isEqualTo("50000");
        assertThat(cgroup(ns, "a", "cpu/cpu.shares")).isEqualTo("256");
        // Requests default to the limits: 100m is 102 shares (100 * 1024 / 1000).
        assertThat(cgroup(ns, "b", "memory/memory.limit_in_bytes")).isEqualTo(String.valueOf(48L << 20));
        assertThat(cgroup(ns, "b", "cpu/cpu.cfs_quota_us")).isEqualTo("10000");
        assertThat(cgroup(ns, "b", "cpu/cpu.shares")).isEqualTo("102");
        assertThat(NodePods.jsonPath(ns, "pod/limited", "{.status.qosClass}")).isEqualTo("Burstable");
    }

    private static String cgroup(TestNamespace ns, String container, String file) {
        var r = ns.kubectl().run("exec", "limited", "-c", container, "--", "cat", "/sys/fs/cgroup/" + file);
        assertThat(r).succeeds();
        return r.out();
    }
}
