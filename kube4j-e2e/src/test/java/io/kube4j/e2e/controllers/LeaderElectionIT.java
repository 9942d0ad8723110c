package io.kube4j.e2e.controllers;

import io.kube4j.e2e.Kube4jServer;
import io.kube4j.e2e.Kubectl;
import io.kube4j.e2e.KubectlResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
 * Two {@code kube4j controller-manager} processes against one server started with {@code --disable-controllers}:
 * one holds the Lease kube-system/kube-controller-manager and works; killing it hands the work to the other within
 * the lease duration (15 s).
 */
class LeaderElectionIT {
    private final List<Process> managers = new ArrayList<>();
    private Kube4jServer server;

    @AfterEach
    void stop() {
        managers.forEach(p -> {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        if (server != null) {
            server.close();
        }
    }

    private Process startManager(Path kubeconfig, Path log, String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("controller-manager", "--kubeconfig", kubeconfig.toString()));
        args.addAll(List.of(flags));
        Process p = Kube4jServer.startCommand(log, args.toArray(String[]::new));
        managers.add(p);
        return p;
    }

    private static String holder(Kubectl k) {
        KubectlResult r = k.run("get", "lease", "-n", "kube-system", "kube-controller-manager", "-o",
                "jsonpath={.spec.holderIdentity}");
        return r.succeeded() ? r.stdout().trim() : "";
    }

    private static String awaitPodCidr(Kubectl k, String node, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            KubectlResult r = k.run("get", "node", node, "-o", "jsonpath={.spec.podCIDR}");
            if (r.succeeded() && !r.stdout().isBlank()) {
                return r.stdout().trim();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("node " + node + " got no pod CIDR within " + timeout);
    }

    private static void createNode(Kubectl k, String name) {
        assertThat(k.runWithStdin("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"" + name + "\"}}",
                "create", "-f", "-")).succeeds();
    }

    @Test
    void oneManagerLeadsAndTheOtherTakesOverWhenItDies() throws Exception {
        server = Kube4jServer.startFresh("leader", false, "--disable-controllers");
        Kubectl k = Kubectl.forServer(server);
        Path logs = Files.createDirectories(server.dataDir().resolveSibling("managers"));
        Process first = startManager(server.kubeconfig(), logs.resolve("first.log"));
        Instant deadline = Instant.now().plusSeconds(60);
        while (holder(k).isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        String leader = holder(k);
        assertThat(leader).isNotEmpty();
        Process second = startManager(server.kubeconfig(), logs.resolve("second.log"));
        createNode(k, "n1");
        assertThat(awaitPodCidr(k, "n1", Duration.ofSeconds(30))).isEqualTo("10.42.0.0/24");
        Thread.sleep(3000);
        assertThat(holder(k)).as("the first manager keeps the lease").isEqualTo(leader);

        first.destroyForcibly();
        first.waitFor(10, TimeUnit.SECONDS);
        Instant killed = Instant.now();
        createNode(k, "n2");
        assertThat(awaitPodCidr(k, "n2", Duration.ofSeconds(40))).isEqualTo("10.42.1.0/24");
        assertThat(holder(k)).isNotEqualTo(leader).isNotEmpty();
        assertThat(Duration.between(killed, Instant.now())).isLessThan(Duration.ofSeconds(30));
        assertThat(second.isAlive()).isTrue();
    }

    private static final String[] FAST_ELECTION = {"--leader-elect-lease-duration=6s",
            "--leader-elect-renew-deadline=4s", "--leader-elect-retry-period=1s"};

    private static int podCount(Kubectl k) {
        KubectlResult r = k.run("get", "pods", "-n", "default", "-l", "app=burst", "-o", "name");
        return r.succeeded() ? (int) r.stdout().lines().filter(l -> !l.isBlank()).count() : -1;
    }

    @Test
    void aNewLeaderFinishesAScaleUpWithoutExtraPods() throws Exception {
        server = Kube4jServer.startFresh("leader-rs", false, "--disable-controllers");
        Kubectl k = Kubectl.forServer(server);
        Path logs = Files.createDirectories(server.dataDir().resolveSibling("managers"));
        Process first = startManager(server.kubeconfig(), logs.resolve("first.log"), FAST_ELECTION);
        Instant deadline = Instant.now().plusSeconds(60);
        while (holder(k).isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        String leader = holder(k);
        assertThat(leader).isNotEmpty();
        Process second = startManager(server.kubeconfig(), logs.resolve("second.log"), FAST_ELECTION);
        assertThat(k.runWithStdin("""
                apiVersion: apps/v1
                kind: ReplicaSet
                metadata:
                  name: burst
                  namespace: default
                spec:
                  replicas: 0
                  selector:
                    matchLabels:
                      app: burst
                  template:
                    metadata:
                      labels:
                        app: burst
                    spec:
                      containers:
                      - name: main
                        image: kube4j.local/busybox:1.36
                """, "create", "-f", "-")).succeeds();
        // watch the count from the side: it must never pass the target
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean sampling = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread sampler = Thread.ofVirtual().start(() -> {
            while (sampling.get()) {
                most.accumulateAndGet(podCount(k), Math::max);
            }
        });
        try {
            assertThat(k.run("-n", "default", "scale", "rs", "burst", "--replicas=50")).succeeds();
            first.destroyForcibly();
            first.waitFor(10, TimeUnit.SECONDS);
            int atKill = podCount(k);
            Instant killed = Instant.now();
            Instant until = killed.plusSeconds(60);
            while (podCount(k) != 50 && Instant.now().isBefore(until)) {
                Thread.sleep(250);
            }
            assertThat(podCount(k)).as("pods after the handover (%d when the leader died)", atKill).isEqualTo(50);
            assertThat(holder(k)).isNotEqualTo(leader).isNotEmpty();
            // and it stays at the target: no late duplicates from either manager
            Thread.sleep(3000);
            assertThat(podCount(k)).isEqualTo(50);
            KubectlResult status = k.run("-n", "default", "get", "rs", "burst", "-o",
                    "jsonpath={.status.replicas}");
            assertThat(status.stdout().trim()).isEqualTo("50");
            assertThat(second.isAlive()).isTrue();
        } finally {
            sampling.set(false);
            sampler.join();
        }
        assertThat(most.get()).as("the most pods ever seen").isEqualTo(50);
    }
}
