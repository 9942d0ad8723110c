package io.kube4j.storage.etcd;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kube4j.apiserver.server.ApiServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three etcd members, three in-process API servers on them, and writers creating and updating ConfigMaps
 * without pause while one API server stops and then the etcd leader is killed. Every write a client got an
 * answer for must be readable, exactly as acknowledged, through the surviving servers, and a watch opened at
 * the start on a survivor must have seen each acknowledged write once, in order. The API server stop is
 * {@link ApiServer#close()}: a clean stop that drops open connections, not a kill -9 of a process.
 */
class HaWriteLoadFaultTest {
    private static final int SERVERS = 3;
    private static final int WRITERS = 3;
    private static final String NS = "default";

    @TempDir
    Path dirs;

    /** One acknowledged write: the object's state as the server answered it. */
    record Ack(String name, long rv, int seq, long atNanos) {
    }

    @Test
    @Timeout(180)
    void acknowledgedWritesSurviveAnApiServerStopAndAnEtcdLeaderKill() throws Exception {
        EtcdCluster etcd = EtcdCluster.start(3);
        List<ApiServer> servers = new ArrayList<>();
        List<AutoCloseable> closing = new ArrayList<>();
        List<Writer> writers = new ArrayList<>();
        try {
            EtcdOptions options = etcd.options(EtcdOptions.DEFAULT_PREFIX);
            for (int i = 0; i < SERVERS; i++) {
                servers.add(InProcessApiServers.start(dirs.resolve("s" + i), options));
            }
            ApiServer credentials = servers.get(0);
            ApiServer watched = servers.get(2);
            KubernetesClient watchClient = InProcessApiServers.client(watched, credentials);
            closing.add(watchClient);
            ConfigMapReflector reflector = new ConfigMapReflector(watchClient, NS).start();
            closing.add(reflector);

            for (int w = 0; w < WRITERS; w++) {
                List<KubernetesClient> ordered = new ArrayList<>();
                for (int k = 0; k < SERVERS; k++) {
                    KubernetesClient c = InProcessApiServers.client(servers.get((w + k) % SERVERS), credentials);
                    closing.add(c);
                    ordered.add(c);
                }
                writers.add(new Writer(w, new FailoverClient(ordered)));
            }
            long t0 = System.nanoTime();
            writers.forEach(Writer::start);

            Thread.sleep(3_000);
            long serverStoppedAt = System.nanoTime();
            servers.get(0).close();
            Thread.sleep(3_000);
            EtcdCluster.Member leader = leader(etcd);
            long etcdKilledAt = System.nanoTime();
            etcd.kill(leader);
            Thread.sleep(4_000);
            for (Writer w : writers) {
                w.stop();
            }
            for (Writer w : writers) {
                w.join();
            }
            long loadMillis = (System.nanoTime() - t0) / 1_000_000;

            // what the clients were told, per object: every version, and the final one
            Map<String, List<Long>> acknowledged = new LinkedHashMap<>();
            Map<String, Ack> last = new HashMap<>();
            int acks = 0;
            for (Writer w : writers) {
                assertThat(w.failure).as("writer %d", w.id).isNull();
                for (Ack a : w.acks) {
                    acknowledged.computeIfAbsent(a.name(), n -> new ArrayList<>()).add(a.rv());
                    last.merge(a.name(), a, (x, y) -> y.seq() > x.seq() ? y : x);
                    acks++;
                }
            }
            // each object's versions were acknowledged in increasing order
            for (List<Long> rvs : acknowledged.values()) {
                assertThat(rvs).isSorted().doesNotHaveDuplicates();
            }

            // every acknowledged write is readable through each survivor, exactly as last acknowledged
            int lost = 0;
            for (ApiServer survivor : servers.subList(1, SERVERS)) {
                try (KubernetesClient c = InProcessApiServers.client(survivor, credentials)) {
                    Map<String, ConfigMap> read = new HashMap<>();
                    for (ConfigMap cm : c.configMaps().inNamespace(NS).list().getItems()) {
                        read.put(cm.getMetadata().getName(), cm);
                    }
                    for (Ack a : last.values()) {
                        ConfigMap cm = read.get(a.name());
                        if (cm == null || rv(cm) != a.rv() || !Integer.toString(a.seq()).equals(cm.getData().get("seq"))) {
                            lost++;
                        }
                    }
                    assertThat(read.keySet()).containsExactlyInAnyOrderElementsOf(last.keySet());
                    // single reads too, not only the list
                    for (Ack a : last.values().stream().limit(25).toList()) {
                        assertThat(rv(c.configMaps().inNamespace(NS).withName(a.name()).get())).isEqualTo(a.rv());
                    }
                }
            }
            assertThat(lost).isZero();

            // the watch on a survivor saw each acknowledged write once, in order per object
            Map<String, Long> truth = new HashMap<>();
            last.values().forEach(a -> truth.put(a.name(), a.rv()));
            await().atMost(Duration.ofSeconds(20)).until(() -> reflector.state().equals(truth));
            List<String> missed = reflector.missed(acknowledged);
            assertThat(missed).isEmpty();
            assertThat(reflector.repeatedOrOutOfOrder()).isEmpty();

            // the writer whose server stopped went on through another one
            assertThat(writers.get(0).client.failovers).isGreaterThanOrEqualTo(1);
            assertThat(writers.get(0).acks.stream().filter(a -> a.atNanos() > serverStoppedAt).count()).isPositive();

            long serverStall = longestStall(writers, serverStoppedAt);
            long etcdStall = longestStall(writers, etcdKilledAt);
            int failovers = writers.stream().mapToInt(w -> w.client.failovers).sum();
            int ambiguous = writers.stream().mapToInt(w -> w.client.ambiguousResolved).sum();
            System.out.printf("HA write load: writers=%d loadMillis=%d objects=%d acknowledged=%d lost=%d "
                            + "watchEvents=%d missed=%d relists=%d gone=%d failovers=%d ambiguousResolved=%d "
                            + "stallAfterServerStopMillis=%d stallAfterEtcdLeaderKillMillis=%d%n",
                    WRITERS, loadMillis, last.size(), acks, lost, reflector.events().size(), missed.size(),
                    reflector.listings().size(), reflector.gone(), failovers, ambiguous, serverStall, etcdStall);
        } finally {
            for (Writer w : writers) {
                w.stop();
            }
            InProcessApiServers.closeAll(closing.toArray(AutoCloseable[]::new));
            InProcessApiServers.closeAll(servers.reversed().toArray(AutoCloseable[]::new));
            etcd.close();
        }
    }

    /** The longest pause between two acknowledged writes of one writer that spans {@code at}. */
    private static long longestStall(List<Writer> writers, long at) {
        long worst = 0;
        for (Writer w : writers) {
            long before = Long.MIN_VALUE;
            for (Ack a : w.acks) {
                if (a.atNanos() > at) {
                    if (before != Long.MIN_VALUE) {
                        worst = Math.max(worst, a.atNanos() - before);
                    }
                    break;
                }
                before = a.atNanos();
            }
        }
        return worst / 1_000_000;
    }

    /** The member that leads, from its metrics. */
    private static EtcdCluster.Member leader(EtcdCluster etcd) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (EtcdCluster.Member m : etcd.members()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + m.metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            if (r.body().lines().anyMatch(l -> l.equals("etcd_server_is_leader 1"))) {
                return m;
            }
        }
        throw new IllegalStateException("no etcd member leads");
    }

    private static long rv(ConfigMap cm) {
        return Long.parseLong(cm.getMetadata().getResourceVersion());
    }

    private static ConfigMap configMap(String name, int seq, String rv) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(NS).withResourceVersion(rv)
                .endMetadata().withData(Map.of("seq", Integer.toString(seq))).build();
    }

    /**
     * A client that sends each request to its current server and, when the connection fails, to the next one.
     * A failed write may have been applied anyway, so a retry that conflicts reads the object and accepts it if it
     * holds what was written. Used by one writer thread.
     */
    static final class FailoverClient {
        private static final long GIVE_UP_NANOS = Duration.ofSeconds(60).toNanos();
        private final List<KubernetesClient> clients;
        private int current;
        volatile int failovers;
        volatile int ambiguousResolved;

        FailoverClient(List<KubernetesClient> clients) {
            this.clients = clients;
        }

        ConfigMap create(String name, int seq) {
            return write(name, seq, c -> c.configMaps().inNamespace(NS).resource(configMap(name, seq, null)).create());
        }

        ConfigMap update(String name, int seq, long rv) {
            return write(name, seq, c -> c.configMaps().inNamespace(NS)
                    .resource(configMap(name, seq, Long.toString(rv))).update());
        }

        private ConfigMap write(String name, int seq, Function<KubernetesClient, ConfigMap> op) {
            long deadline = System.nanoTime() + GIVE_UP_NANOS;
            boolean ambiguous = false;
            while (true) {
                KubernetesClient c = clients.get(current);
                try {
                    return op.apply(c);
                } catch (KubernetesClientException e) {
                    if (e.getCode() == 409 && ambiguous) {
                        // the earlier attempt may have been applied before its answer was lost
                        ConfigMap now = c.configMaps().inNamespace(NS).withName(name).get();
                        if (now != null && Integer.toString(seq).equals(now.getData().get("seq"))) {
                            ambiguousResolved++;
                            return now;
                        }
                        throw e;
                    }
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    if (noAnswer(e)) {
                        // no answer: the server is gone or the connection broke; go on with the next server
                        ambiguous = true;
                        current = (current + 1) % clients.size();
                        failovers++;
                    } else if (e.getCode() >= 500 || e.getCode() == 429) {
                        ambiguous = true;
                        pause();
                    } else {
                        throw e;
                    }
                }
            }
        }

        /** Whether the request got no HTTP answer (refused, reset, closed mid-way), as opposed to an error status. */
        private static boolean noAnswer(KubernetesClientException e) {
            if (e.getCode() <= 0) {
                return true;
            }
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                if (t instanceof java.io.IOException) {
                    return true;
                }
            }
            return false;
        }

        private static void pause() {
            try {
                Thread.sleep(100);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ie);
            }
        }
    }

    /** Creates and updates its own ConfigMaps until stopped; seeded, so each run writes the same sequence. */
    static final class Writer {
        final int id;
        final FailoverClient client;
        final List<Ack> acks = new CopyOnWriteArrayList<>();
        volatile Throwable failure;
        private volatile boolean stopped;
        private Thread thread;

        Writer(int id, FailoverClient client) {
            this.id = id;
            this.client = client;
        }

        void start() {
            thread = Thread.ofPlatform().name("writer-" + id).start(this::run);
        }

        private void run() {
            Random random = new Random(42 + id);
            Map<String, Ack> mine = new LinkedHashMap<>();
            List<String> names = new ArrayList<>();
            try {
                while (!stopped) {
                    Ack a;
                    if (names.size() < 5 || random.nextInt(3) == 0) {
                        String name = "w" + id + "-" + names.size();
                        ConfigMap cm = client.create(name, 1);
                        a = new Ack(name, rv(cm), 1, System.nanoTime());
                        names.add(name);
                    } else {
                        String name = names.get(random.nextInt(names.size()));
                        Ack prev = mine.get(name);
                        ConfigMap cm = client.update(name, prev.seq() + 1, prev.rv());
                        a = new Ack(name, rv(cm), prev.seq() + 1, System.nanoTime());
                    }
                    mine.put(a.name(), a);
                    acks.add(a);
                }
            } catch (Throwable t) {
                failure = t;
                System.err.println("writer " + id + " failed");
                t.printStackTrace();
            }
        }

        void stop() {
            stopped = true;
        }

        void join() throws InterruptedException {
            if (thread != null) {
                thread.join(90_000);
            }
        }
    }
}
