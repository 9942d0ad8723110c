package io.kube4j.e2e.controllers;

import io.kube4j.e2e.Kube4jServer;
import io.kube4j.e2e.Kubectl;
import io.kube4j.e2e.KubectlResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several nodes: a server with three simulated nodes and no scheduler of its own, and {@code kube4j scheduler} in a
 * process of its own. A Deployment's pods spread over the nodes; a DaemonSet puts one pod on every node, then only on
 * the labelled ones.
 */
class MultiNodeIT {
    private Kube4jServer server;
    private Process scheduler;

    @AfterEach
    void stop() throws Exception {
        if (scheduler != null) {
            scheduler.destroyForcibly();
            scheduler.waitFor(10, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    private static String await(Kubectl k, String[] args, Predicate<String> done) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        String last = "";
        while (Instant.now().isBefore(deadline)) {
            KubectlResult r = k.run(args);
            last = r.stdout();
            if (r.succeeded() && done.test(last)) {
                return last;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("timed out: kubectl " + String.join(" ", args) + "\nlast:\n" + last);
    }

    @Test
    void podsSpreadOverNodesAndDaemonSetsFollowNodeLabels() throws Exception {
        server = Kube4jServer.startFresh("multi", false, "--simulated-nodes", "3", "--disable-scheduler");
        Kubectl k = Kubectl.forServer(server).inNamespace("default");
        scheduler = Kube4jServer.startCommand(Files.createDirectories(server.dataDir().resolveSibling("logs"))
                .resolve("scheduler.log"), "scheduler", "--kubeconfig", server.kubeconfig().toString());
        await(k, new String[]{"get", "nodes", "--no-headers"}, out -> out.lines().filter(l -> l.contains(" Ready ")).count() == 3);

        assertThat(k.run("create", "deployment", "spread", "--image=kube4j.local/kubia:1", "--replicas=6")).succeeds();
        String nodes = await(k, new String[]{"get", "pods", "-l", "app=spread", "-o",
                "jsonpath={range .items[*]}{.spec.nodeName} {.status.phase}{\"\\n\"}{end}"},
                out -> out.lines().filter(l -> l.endsWith(" Running")).count() == 6);
        assertThat(nodes.lines().map(l -> l.split(" ")[0]).distinct().count())
                .as("six pods on three equal nodes use all of them").isEqualTo(3);

        assertThat(k.runWithStdin("""
                apiVersion: apps/v1
                kind: DaemonSet
                metadata:
                  name: ssd-monitor
                spec:
                  selector:
                    matchLabels:
                      app: ssd-monitor
                  template:
                    metadata:
                      labels:
                        app: ssd-monitor
                    spec:
                      nodeSelector:
                        disk: ssd
                      containers:
                      - name: main
                        image: kube4j.local/busybox:1.36
                """, "apply", "-f", "-")).succeeds();
        assertThat(k.run("get", "ds", "ssd-monitor")).succeeds()
                .hasLineMatching("ssd-monitor\\s+0\\s+0\\s+0\\s+0\\s+0\\s+disk=ssd\\s+\\S+");
        assertThat(k.run("label", "node", "sim-0", "sim-2", "disk=ssd")).succeeds();
        String placed = await(k, new String[]{"get", "pods", "-l", "app=ssd-monitor", "-o",
                "jsonpath={range .items[*]}{.spec.nodeName}{\"\\n\"}{end}"}, out -> out.lines().count() == 2);
        assertThat(placed.lines().sorted().toList()).containsExactly("sim-0", "sim-2");
        // a rolling update of the template replaces the daemon pods node by node
        assertThat(k.run("set", "image", "ds/ssd-monitor", "main=kube4j.local/busybox:1.36-v2")).succeeds();
        assertThat(k.withTimeout(Duration.ofSeconds(90)).run("rollout", "status", "ds/ssd-monitor", "--timeout=80s"))
                .succeeds().stdoutContains("daemon set \"ssd-monitor\" successfully rolled out");
        await(k, new String[]{"get", "pods", "-l", "app=ssd-monitor", "-o",
                "jsonpath={range .items[*]}{.spec.containers[0].image}{\"\\n\"}{end}"},
                out -> out.lines().count() == 2 && out.lines().allMatch(l -> l.endsWith("1.36-v2")));
        assertThat(k.run("label", "node", "sim-0", "disk-")).succeeds();
        placed = await(k, new String[]{"get", "pods", "-l", "app=ssd-monitor", "-o",
                "jsonpath={range .items[?(@.metadata.deletionTimestamp)]}{end}{range .items[*]}{.spec.nodeName}{\"\\n\"}{end}"},
                out -> Arrays.asList(out.split("\\n")).equals(java.util.List.of("sim-2")));
        assertThat(placed.trim()).isEqualTo("sim-2");
    }
}
