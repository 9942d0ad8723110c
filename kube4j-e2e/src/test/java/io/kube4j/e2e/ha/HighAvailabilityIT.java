package io.kube4j.e2e.ha;

import io.kube4j.e2e.Kube4jServer;
import io.kube4j.e2e.Kubectl;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.Manifests;
import io.kube4j.storage.etcd.EtcdCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a user of issue 8 does: three etcd members, two {@code kube4j server} processes on them (no nodes), a
 * simulated agent given both servers' URLs. Both servers serve one cluster; one controller manager and one
 * scheduler lead; {@code kill -9} of the leading server hands the Lease to the other within the lease duration,
 * and the agent's nodes stay Ready through its load balancer while new pods keep being scheduled and run.
 *
 * <p>The steps share one cluster and run in order. Every process is stopped by its PID in {@link #stopAll}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HighAvailabilityIT {
    private static final Duration LEASE_DURATION = Duration.ofSeconds(6);
    /** How far before its decision a leader elector's acquireTime may lie: the time of one GET of the Lease. */
    private static final Duration STAMP_BEFORE_READ = Duration.ofMillis(500);
    /** Short so a node that stopped renewing would turn NotReady within the test. */
    private static final Duration NODE_GRACE = Duration.ofSeconds(12);
    private static final String CM_LEASE = "kube-controller-manager";
    private static final String SCHED_LEASE = "kube-scheduler";
    private static final String CM_RUNNING = "kube-controller-manager running controllers";
    private static final String SCHED_RUNNING = "scheduler running profile=";

    private EtcdCluster etcd;
    private final List<Kube4jServer> servers = new ArrayList<>();
    private Process agent;
    private Path agentLog;

    @BeforeAll
    void startCluster() throws Exception {
        etcd = EtcdCluster.start(3);
        String endpoints = etcd.endpoints().stream().map(URI::toString).collect(Collectors.joining(","));
        String[] flags = {"--storage", "etcd", "--etcd-endpoints", endpoints,
                "--leader-elect-lease-duration=6s", "--leader-elect-renew-deadline=4s",
                "--leader-elect-retry-period=1s", "--node-monitor-grace-period", NODE_GRACE.toSeconds() + "s",
                "--node-monitor-period", "2s"};
        // both at once, as a user starting a cluster would: the bootstrap objects race in etcd
        CompletableFuture<Kube4jServer> first = CompletableFuture.supplyAsync(() -> start("ha-a", flags));
        CompletableFuture<Kube4jServer> second = CompletableFuture.supplyAsync(() -> start("ha-b", flags));
        try {
            servers.add(first.join());
        } finally {
            try {
                servers.add(second.join());
            } catch (RuntimeException e) {
                stopAll();
                throw e;
            }
        }
    }

    private static Kube4jServer start(String name, String[] flags) {
        try {
            return Kube4jServer.startFresh(name, false, flags);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterAll
    void stopAll() {
        if (agent != null) {
            stop(agent);
        }
        servers.forEach(Kube4jServer::close);
        if (etcd != null) {
            etcd.close();
        }
    }

    private static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private Kube4jServer a() {
        return servers.get(0);
    }

    private Kube4jServer b() {
        return servers.get(1);
    }

    private static String url(Kube4jServer s) {
        return "https://127.0.0.1:" + s.port();
    }

    @Test
    @Order(1)
    void bothServersServeOneCluster() throws Exception {
        Kubectl ka = Kubectl.forServer(a()).inNamespace("default");
        Kubectl kb = Kubectl.forServer(b()).inNamespace("default");
        assertThat(ka.run("get", "--raw", "/readyz")).succeeds().printed("ok");
        assertThat(kb.run("get", "--raw", "/readyz")).succeeds().printed("ok");

        assertThat(ka.run("create", "configmap", "ha-one", "--from-literal=written=through-a")).succeeds();
        assertThat(kb.run("get", "configmap", "ha-one", "-o", "jsonpath={.data.written}")).succeeds()
                .printed("through-a");
        assertThat(kb.run("create", "configmap", "ha-two", "--from-literal=written=through-b")).succeeds();
        assertThat(ka.run("get", "configmaps", "-o", "name")).succeeds()
                .hasLineMatching("configmap/ha-one").hasLineMatching("configmap/ha-two");

        // one CA for both: the first server's admin kubeconfig works against the second's port
        Path crossed = a().dataDir().resolveSibling("kubeconfig-to-b.yaml");
        Files.writeString(crossed, Files.readString(a().kubeconfig())
                .replace("https://127.0.0.1:" + a().port(), url(b())));
        assertThat(Files.readString(crossed)).contains(url(b()));
        assertThat(ka.withKubeconfig(crossed).run("get", "configmap", "ha-two", "-o", "jsonpath={.data.written}"))
                .succeeds().printed("through-b");

        // the kubernetes service names both servers (one host, so one address and two ports); a reconciler that
        // lost a race on the Endpoints corrects them at its next run, 10 s later
        await("both servers in the kubernetes service's endpoints", Duration.ofSeconds(30),
                () -> apiServerPorts(ka).equals(sorted(a().port(), b().port())),
                () -> ka.run("get", "endpoints,endpointslices", "kubernetes", "-o", "yaml").out());
        assertThat(ka.run("get", "leases", "-n", "kube-system", "-l", "apiserver.kubernetes.io/identity=kube-apiserver",
                "-o", "name")).succeeds().hasLineMatching("lease.coordination.k8s.io/apiserver-[a-z2-7]{26}");

        // a watch through B sees a write made through A
        assertThat(ka.run("create", "configmap", "ha-watch-0")).succeeds();
        try (Kubectl.Background watch = kb.start("get", "configmaps", "-w", "--output-watch-events")) {
            await("the watch through B lists the first object", Duration.ofSeconds(30),
                    () -> watch.stdout().contains("ha-watch-0"), watch::toString);
            assertThat(ka.run("create", "configmap", "ha-watch-1", "--from-literal=k=v")).succeeds();
            await("the watch through B sees the create through A", Duration.ofSeconds(30),
                    () -> watch.stdout().lines().anyMatch(l -> l.matches("ADDED\\s+ha-watch-1\\s+1\\s+.*")),
                    watch::toString);
            assertThat(ka.run("delete", "configmap", "ha-watch-1")).succeeds();
            await("the watch through B sees the delete through A", Duration.ofSeconds(30),
                    () -> watch.stdout().lines().anyMatch(l -> l.matches("DELETED\\s+ha-watch-1\\s+.*")),
                    watch::toString);
        }
    }

    @Test
    @Order(2)
    void oneControllerManagerAndOneSchedulerWork() throws Exception {
        Kubectl ka = Kubectl.forServer(a());
        Kubectl kb = Kubectl.forServer(b());
        for (String lease : List.of(CM_LEASE, SCHED_LEASE)) {
            await("a holder of Lease " + lease, Duration.ofSeconds(60), () -> !holder(ka, lease).isEmpty(),
                    () -> ka.run("get", "leases", "-n", "kube-system", "-o", "yaml").out());
            assertThat(holder(kb, lease)).as("both servers see one holder of " + lease).isEqualTo(holder(ka, lease));
        }
        // exactly one process leads each Lease, and it is the holder
        assertOnlyTheHolderLeads(ka, CM_LEASE);
        assertOnlyTheHolderLeads(ka, SCHED_LEASE);
        Kube4jServer cm = leaderOf(ka, CM_LEASE);
        await("the controllers running", Duration.ofSeconds(60), () -> logHas(cm, CM_RUNNING), cm::toString);
        Kube4jServer sched = leaderOf(ka, SCHED_LEASE);
        await("the scheduler running", Duration.ofSeconds(60), () -> logHas(sched, SCHED_RUNNING), sched::toString);

        agentLog = a().dataDir().resolveSibling("agent.log");
        Path agentData = Files.createDirectories(a().dataDir().resolveSibling("agent-data"));
        agent = Kube4jServer.startCommand(agentLog, "agent", "--server", url(a()) + "," + url(b()),
                "--token-file", a().dataDir().resolve("node-token").toString(), "--data-dir", agentData.toString(),
                "--simulated", "--count", "2", "--simulated-node-heartbeat", "2s");
        await("two simulated nodes", Duration.ofSeconds(60),
                () -> ka.run("get", "nodes", "-l", "kube4j.io/simulated=true", "--no-headers").lines().size() == 2,
                () -> ka.run("get", "nodes").out() + "\n" + read(agentLog));
        assertThat(kb.withTimeout(Duration.ofSeconds(50)).run("wait", "--for=condition=Ready", "node/sim-0",
                "node/sim-1", "--timeout=40s")).succeeds();

        Kubectl k = kb.inNamespace("default");
        assertThat(k.runWithStdin(Manifests.replicaSet("ha-web", 3), "create", "-f", "-")).succeeds();
        awaitRunning(k, "ha-web", 3);
        // created once: the count stays at the target (one manager, one expectation)
        Thread.sleep(3000);
        assertThat(podNames(k, "ha-web")).hasSize(3);
        assertThat(k.run("get", "rs", "ha-web", "-o", "jsonpath={.status.replicas} {.status.readyReplicas}"))
                .succeeds().printed("3 3");
        assertThat(k.run("get", "pods", "-l", "app=ha-web", "-o", "jsonpath={range .items[*]}{.spec.nodeName}{\"\\n\"}{end}")
                .lines()).hasSize(3).allMatch(n -> Set.of("sim-0", "sim-1").contains(n));
        // still one leader of each: the work above was done by the holders alone
        assertOnlyTheHolderLeads(ka, CM_LEASE);
        assertOnlyTheHolderLeads(ka, SCHED_LEASE);
    }

    @Test
    @Order(3)
    void killingTheLeadingServerHandsOverAndTheClusterKeepsWorking() throws Exception {
        Kube4jServer leader = leaderOf(Kubectl.forServer(a()), CM_LEASE);
        Kube4jServer survivor = leader == a() ? b() : a();
        Kubectl ks = Kubectl.forServer(survivor);
        String cmHolder = holder(ks, CM_LEASE);
        String schedHolder = holder(ks, SCHED_LEASE);
        boolean schedulerDiesToo = leaderOf(ks, SCHED_LEASE) == leader;
        long survivorLog = read(survivor.log()).length();
        Instant renewBefore = Instant.parse(leaseRenewTime(ks, "sim-0"));

        leader.kill();
        Instant killed = Instant.now();
        Duration cmHandover = null;
        Duration schedHandover = schedulerDiesToo ? null : Duration.ZERO;
        Instant deadline = killed.plusSeconds(40);
        Instant lastRenewByDead = Instant.EPOCH;
        while ((cmHandover == null || schedHandover == null) && Instant.now().isBefore(deadline)) {
            if (cmHandover == null) {
                String[] spec = ks.run("get", "lease", "-n", "kube-system", CM_LEASE, "-o",
                        "jsonpath={.spec.holderIdentity} {.spec.renewTime}").stdout().trim().split(" ");
                if (spec.length == 2 && spec[0].equals(cmHolder)) {
                    lastRenewByDead = Instant.parse(spec[1]);
                } else if (spec.length == 2 && !spec[0].isEmpty()) {
                    cmHandover = Duration.between(killed, Instant.now());
                }
            }
            if (schedHandover == null && !Set.of("", schedHolder).contains(holder(ks, SCHED_LEASE))) {
                schedHandover = Duration.between(killed, Instant.now());
            }
            Thread.sleep(100);
        }
        System.out.printf("HA handover after kill -9: kube-controller-manager %s, kube-scheduler %s%n",
                cmHandover, schedulerDiesToo ? schedHandover : "(leader survived)");
        assertThat(cmHandover).as("controller-manager handover\n" + survivor.logTail(30)).isNotNull();
        // the Lease's own times: the new holder acquired it only once the dead leader's last renewal had run out
        Instant acquired = Instant.parse(ks.run("get", "lease", "-n", "kube-system", CM_LEASE, "-o",
                "jsonpath={.spec.acquireTime}").stdout().trim());
        Duration silentToAcquired = Duration.between(lastRenewByDead, acquired);
        System.out.printf("HA: last renewal by the dead leader %s before the kill; new holder acquired %s after it%n",
                Duration.between(lastRenewByDead, killed), silentToAcquired);
        // the elector stamps acquireTime before it reads the Lease (client-go and fabric8 alike) and decides after the
        // read, so the stamp may precede the expiry by one GET; a busy machine's GET is well under half a second
        assertThat(silentToAcquired).as("no takeover before the lease ran out")
                .isGreaterThanOrEqualTo(LEASE_DURATION.minus(STAMP_BEFORE_READ));
        // then within one retry period (1 s, up to 2.2 s with fabric8's jitter) and some slack for a busy machine
        assertThat(silentToAcquired).isLessThan(LEASE_DURATION.plusSeconds(4));
        // the Lease was renewed at most a retry period before the kill: it expires within the lease duration, and
        // the survivor tries every retry period (1 s); the rest is slack for a busy machine
        assertThat(cmHandover).isLessThan(LEASE_DURATION.plusSeconds(6));
        assertThat(schedHandover).as("scheduler handover").isNotNull().isLessThan(LEASE_DURATION.plusSeconds(6));
        assertThat(leaderOf(ks, CM_LEASE)).isSameAs(survivor);
        assertThat(leaderOf(ks, SCHED_LEASE)).isSameAs(survivor);
        await("the survivor runs the controllers", Duration.ofSeconds(60),
                () -> read(survivor.log()).substring((int) survivorLog).contains(CM_RUNNING), () -> survivor.logTail(30));
        System.out.printf("HA: the survivor's controllers ran %s after the kill%n",
                Duration.between(killed, Instant.now()));
        if (schedulerDiesToo) {
            await("the survivor runs the scheduler", Duration.ofSeconds(60),
                    () -> read(survivor.log()).substring((int) survivorLog).contains(SCHED_RUNNING),
                    () -> survivor.logTail(30));
        }

        // the new leader finishes a scale made after the kill; the pods land on the agent's nodes and run
        Kubectl k = ks.inNamespace("default");
        assertThat(k.run("scale", "rs", "ha-web", "--replicas=5")).succeeds();
        awaitRunning(k, "ha-web", 5);
        assertThat(k.run("get", "pods", "-l", "app=ha-web", "-o", "jsonpath={range .items[*]}{.spec.nodeName}{\"\\n\"}{end}")
                .lines()).hasSize(5).allMatch(n -> Set.of("sim-0", "sim-1").contains(n));

        // the agent's load balancer moved to the survivor: its node Leases keep being renewed and the nodes stay
        // Ready past the node monitor grace period
        await("node Leases renewed after the kill", Duration.ofSeconds(30),
                () -> Instant.parse(leaseRenewTime(ks, "sim-0")).isAfter(killed)
                        && Instant.parse(leaseRenewTime(ks, "sim-1")).isAfter(killed),
                () -> read(agentLog));
        assertThat(Instant.parse(leaseRenewTime(ks, "sim-0"))).isAfter(renewBefore);
        Duration sinceKill = Duration.between(killed, Instant.now());
        if (sinceKill.compareTo(NODE_GRACE.plusSeconds(3)) < 0) {
            Thread.sleep(NODE_GRACE.plusSeconds(3).minus(sinceKill).toMillis());
        }
        assertThat(ks.run("get", "nodes", "sim-0", "sim-1", "-o",
                "jsonpath={range .items[*]}{.status.conditions[?(@.type==\"Ready\")].status}{\" \"}{end}"))
                .succeeds().printed("True True");
        assertThat(podNames(k, "ha-web")).hasSize(5);
        assertThat(agent.isAlive()).as("the agent survives the loss of a server").isTrue();
        // the killed server drops out of the kubernetes service once its record expired (15 s after its last
        // renewal) at the survivor's next reconcile (every 10 s)
        await("only the survivor in the kubernetes service's endpoints", Duration.ofSeconds(40),
                () -> apiServerPorts(ks).equals(sorted(survivor.port())),
                () -> ks.run("get", "endpoints,endpointslices", "kubernetes", "-o", "yaml").out());
        System.out.printf("HA: the killed server left the kubernetes service's endpoints %s after the kill%n",
                Duration.between(killed, Instant.now()));
    }

    /** The server whose log says it started leading {@code lease} as the Lease's current holder. */
    private Kube4jServer leaderOf(Kubectl k, String lease) throws InterruptedException {
        String holder = holder(k, lease);
        // the elector logs from its callback thread, a moment after the Lease changed hands
        Instant until = Instant.now().plusSeconds(30);
        List<Kube4jServer> found;
        do {
            found = servers.stream().filter(s -> logHas(s, lease + " started leading as " + holder)).toList();
            if (!found.isEmpty()) {
                break;
            }
            Thread.sleep(200);
        } while (Instant.now().isBefore(until));
        assertThat(found).as("servers that led %s as %s", lease, holder).hasSize(1);
        return found.get(0);
    }

    /** Whether the server's last word on {@code lease} is that it started leading. */
    private static boolean leadsNow(Kube4jServer s, String lease) {
        String log = read(s.log());
        return log.lastIndexOf(lease + " started leading as ") > log.lastIndexOf(lease + " stopped leading as ");
    }

    private void assertOnlyTheHolderLeads(Kubectl k, String lease) throws InterruptedException {
        Kube4jServer holder = leaderOf(k, lease);
        assertThat(servers.stream().filter(s -> s.isAlive() && leadsNow(s, lease)).toList())
                .as("servers leading " + lease).containsExactly(holder);
    }

    private static List<String> podNames(Kubectl k, String app) {
        KubectlResult r = k.run("get", "pods", "-l", "app=" + app, "-o", "name");
        return r.succeeded() ? r.lines() : List.of("<" + r.err() + ">");
    }

    private static void awaitRunning(Kubectl k, String app, int count) {
        await(count + " Running pods of " + app, Duration.ofSeconds(60), () -> {
            KubectlResult r = k.run("get", "pods", "-l", "app=" + app, "-o",
                    "jsonpath={range .items[*]}{.status.phase}{\"\\n\"}{end}");
            return r.succeeded() && r.lines().size() == count && r.lines().stream().allMatch("Running"::equals);
        }, () -> k.run("get", "pods", "-o", "wide").out());
    }

    /** The ports of the default/kubernetes Endpoints' subsets and of its slices, sorted. */
    private static List<Integer> apiServerPorts(Kubectl k) {
        KubectlResult ep = k.run("get", "endpoints", "kubernetes", "-n", "default", "-o",
                "jsonpath={range .subsets[*]}{.ports[0].port}{\"\\n\"}{end}");
        KubectlResult slices = k.run("get", "endpointslices", "-n", "default", "-l", "kubernetes.io/service-name=kubernetes",
                "-o", "jsonpath={range .items[*]}{.ports[0].port}{\"\\n\"}{end}");
        if (!ep.succeeded() || !slices.succeeded()) {
            return List.of();
        }
        List<Integer> fromEndpoints = ep.lines().stream().map(Integer::parseInt).sorted().toList();
        List<Integer> fromSlices = slices.lines().stream().map(Integer::parseInt).sorted().toList();
        return fromEndpoints.equals(fromSlices) ? fromEndpoints : List.of();
    }

    private static List<Integer> sorted(Integer... ports) {
        return java.util.Arrays.stream(ports).sorted().toList();
    }

    private static String holder(Kubectl k, String lease) {
        KubectlResult r = k.run("get", "lease", "-n", "kube-system", lease, "-o", "jsonpath={.spec.holderIdentity}");
        return r.succeeded() ? r.stdout().trim() : "";
    }

    private static String leaseRenewTime(Kubectl k, String node) {
        KubectlResult r = k.run("get", "lease", "-n", "kube-node-lease", node, "-o", "jsonpath={.spec.renewTime}");
        return r.succeeded() && !r.stdout().isBlank() ? r.stdout().trim() : Instant.EPOCH.toString();
    }

    private static boolean logHas(Kube4jServer s, String text) {
        return read(s.log()).contains(text);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "(cannot read " + p + ": " + e + ")";
        }
    }

    private static void await(String what, Duration timeout, BooleanSupplier done, Supplier<String> state) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (done.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
        throw new AssertionError("no " + what + " within " + timeout + ":\n" + state.get());
    }
}
