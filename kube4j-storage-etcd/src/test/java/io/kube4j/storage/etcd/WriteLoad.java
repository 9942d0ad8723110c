package io.kube4j.storage.etcd;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.io.IOException;
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
 * A steady write load for fault tests: writer threads create and update ConfigMaps of their own without pause,
 * each through a {@link FailoverClient} over several API servers, and record every write a server acknowledged.
 * Afterwards it tells what each object must look like and checks a server against it. Used by
 * {@code HaWriteLoadFaultTest} (in-process servers) and the e2e {@code WriteLoadFaultIT} (server processes).
 * Started and stopped by one test thread.
 */
public final class WriteLoad {
    /** One acknowledged write: the object's state as the server answered it, and when. */
    public record Ack(String name, long rv, int seq, long atNanos) {
    }

    private final String namespace;
    private final List<Writer> writers = new ArrayList<>();

    /** {@code clients.get(w)} are writer {@code w}'s clients, in the order it fails over through them. */
    public WriteLoad(String namespace, List<List<KubernetesClient>> clients) {
        this.namespace = namespace;
        for (int w = 0; w < clients.size(); w++) {
            writers.add(new Writer(w, new FailoverClient(namespace, clients.get(w))));
        }
    }

    public void start() {
        writers.forEach(Writer::start);
    }

    /** Stops the writers and waits for their last write. */
    public void stop() throws InterruptedException {
        for (Writer w : writers) {
            w.stopped = true;
        }
        for (Writer w : writers) {
            if (w.thread != null) {
                w.thread.join(90_000);
            }
        }
    }

    /** The first writer failure, or null when every write was eventually acknowledged. */
    public Throwable failure() {
        return writers.stream().map(w -> w.failure).filter(f -> f != null).findFirst().orElse(null);
    }

    /** Every acknowledged resourceVersion per object, in the order acknowledged. */
    public Map<String, List<Long>> acknowledged() {
        Map<String, List<Long>> out = new LinkedHashMap<>();
        for (Writer w : writers) {
            for (Ack a : w.acks) {
                out.computeIfAbsent(a.name(), n -> new ArrayList<>()).add(a.rv());
            }
        }
        return out;
    }

    /** The last acknowledged state of each object. */
    public Map<String, Ack> last() {
        Map<String, Ack> out = new HashMap<>();
        for (Writer w : writers) {
            for (Ack a : w.acks) {
                out.merge(a.name(), a, (x, y) -> y.seq() > x.seq() ? y : x);
            }
        }
        return out;
    }

    public int acks() {
        return writers.stream().mapToInt(w -> w.acks.size()).sum();
    }

    /** Acknowledged writes of writer {@code w} after {@code nanos}. */
    public long acksAfter(int w, long nanos) {
        return writers.get(w).acks.stream().filter(a -> a.atNanos() > nanos).count();
    }

    public int failovers(int w) {
        return writers.get(w).client.failovers;
    }

    public int failovers() {
        return writers.stream().mapToInt(w -> w.client.failovers).sum();
    }

    /** Writes whose answer was lost but which a retry found applied. */
    public int ambiguousResolved() {
        return writers.stream().mapToInt(w -> w.client.ambiguousResolved).sum();
    }

    /**
     * The objects {@code reader}'s server does not hold exactly as last acknowledged (missing, another
     * resourceVersion or other content), plus any object it holds that no writer wrote.
     */
    public List<String> lostOn(KubernetesClient reader) {
        Map<String, ConfigMap> read = new HashMap<>();
        for (ConfigMap cm : reader.configMaps().inNamespace(namespace).list().getItems()) {
            read.put(cm.getMetadata().getName(), cm);
        }
        List<String> lost = new ArrayList<>();
        Map<String, Ack> last = last();
        for (Ack a : last.values()) {
            ConfigMap cm = read.get(a.name());
            if (cm == null || rv(cm) != a.rv() || cm.getData() == null
                    || !Integer.toString(a.seq()).equals(cm.getData().get("seq"))) {
                lost.add(a.name() + "@" + a.rv() + " read " + (cm == null ? "nothing" : rv(cm)));
            }
        }
        for (String name : read.keySet()) {
            if (!last.containsKey(name)) {
                lost.add(name + " was never acknowledged");
            }
        }
        return lost;
    }

    /** The client of API server {@code server} (0-based) a fault scenario uses; each call makes a new client. */
    public interface ServerClients {
        KubernetesClient client(int server) throws Exception;
    }

    /** Takes API server 0 away (stops or kills it). */
    public interface Fault {
        void inject() throws Exception;
    }

    /**
     * The fault scenario both fault tests run: a reflector watches through server {@code servers - 1}; writer
     * {@code w} starts on server {@code w} and fails over to the next ones; after {@code phaseMillis} server 0 is
     * taken away, after another phase the etcd leader is killed, and after one more the writers stop. Then
     * {@link #checkAfterFaults} runs against the surviving servers. Returns one summary line of counts and stalls.
     * Closes every client it made.
     */
    public static String runWithFaults(String namespace, int servers, ServerClients clients, Fault takeServer0Away,
                                       EtcdCluster etcd, long phaseMillis, Duration watchSettle) throws Exception {
        List<AutoCloseable> closing = new ArrayList<>();
        WriteLoad load = null;
        try {
            KubernetesClient watchClient = clients.client(servers - 1);
            closing.add(watchClient);
            ConfigMapReflector reflector = new ConfigMapReflector(watchClient, namespace).start();
            closing.add(reflector);
            List<List<KubernetesClient>> writerClients = new ArrayList<>();
            for (int w = 0; w < servers; w++) {
                List<KubernetesClient> ordered = new ArrayList<>();
                for (int k = 0; k < servers; k++) {
                    KubernetesClient c = clients.client((w + k) % servers);
                    closing.add(c);
                    ordered.add(c);
                }
                writerClients.add(ordered);
            }
            load = new WriteLoad(namespace, writerClients);
            long t0 = System.nanoTime();
            load.start();
            Thread.sleep(phaseMillis);
            long serverGoneAt = System.nanoTime();
            takeServer0Away.inject();
            Thread.sleep(phaseMillis);
            EtcdCluster.Member leader = etcd.leader();
            long etcdKilledAt = System.nanoTime();
            etcd.kill(leader);
            Thread.sleep(phaseMillis);
            load.stop();
            long loadMillis = (System.nanoTime() - t0) / 1_000_000;

            List<KubernetesClient> survivors = new ArrayList<>();
            for (int i = 1; i < servers; i++) {
                KubernetesClient c = clients.client(i);
                closing.add(c);
                survivors.add(c);
            }
            Outcome outcome = load.checkAfterFaults(survivors, reflector, serverGoneAt, watchSettle);
            return String.format("writers=%d loadMillis=%d objects=%d acknowledged=%d lost=%d watchEvents=%d "
                            + "missed=%d lists=%d gone=%d failovers=%d ambiguousResolved=%d "
                            + "stallAfterServerGoneMillis=%d stallAfterEtcdLeaderKillMillis=%d",
                    servers, loadMillis, load.last().size(), load.acks(), outcome.lost(), reflector.events().size(),
                    outcome.missed(), reflector.listings().size(), reflector.gone(), load.failovers(),
                    load.ambiguousResolved(), load.longestStall(serverGoneAt), load.longestStall(etcdKilledAt));
        } finally {
            if (load != null) {
                load.stop();
            }
            for (AutoCloseable c : closing.reversed()) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing the rest anyway
                }
            }
        }
    }

    /** What {@link #checkAfterFaults} counted: objects lost on the survivors, watch events missed. */
    record Outcome(int lost, int missed) {
    }

    /**
     * The checks every fault test makes once the writers stopped: no writer gave up; each object's acknowledged
     * resourceVersions rise; each survivor holds every object exactly as last acknowledged (also read one by one);
     * the reflector's watch saw every acknowledged write once, in order; and writer 0, whose server the test took
     * away at {@code faultAt}, failed over and went on writing.
     */
    Outcome checkAfterFaults(List<KubernetesClient> survivors, ConfigMapReflector reflector, long faultAt,
                                    Duration watchSettle) {
        assertThat(failure()).isNull();
        Map<String, List<Long>> acknowledged = acknowledged();
        for (List<Long> rvs : acknowledged.values()) {
            assertThat(rvs).isSorted().doesNotHaveDuplicates();
        }
        int lost = 0;
        for (KubernetesClient c : survivors) {
            List<String> missing = lostOn(c);
            assertThat(missing).as("on %s", c.getMasterUrl()).isEmpty();
            lost += missing.size();
            for (Ack a : last().values().stream().limit(25).toList()) {
                assertThat(rv(c.configMaps().inNamespace(namespace).withName(a.name()).get())).isEqualTo(a.rv());
            }
        }
        Map<String, Long> truth = new HashMap<>();
        last().values().forEach(a -> truth.put(a.name(), a.rv()));
        await().atMost(watchSettle).until(() -> reflector.state().equals(truth));
        List<String> missed = reflector.missed(acknowledged);
        assertThat(missed).isEmpty();
        assertThat(reflector.repeatedOrOutOfOrder()).isEmpty();
        assertThat(failovers(0)).isGreaterThanOrEqualTo(1);
        assertThat(acksAfter(0, faultAt)).isPositive();
        return new Outcome(lost, missed.size());
    }

    /** The longest pause between two acknowledged writes of one writer that spans {@code at}, in milliseconds. */
    public long longestStall(long at) {
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

    static long rv(ConfigMap cm) {
        return Long.parseLong(cm.getMetadata().getResourceVersion());
    }

    /**
     * A client that sends each request to its current server and, when a request gets no answer, to the next one.
     * A write without an answer may have been applied anyway, so a retry that conflicts reads the object and takes
     * it if it holds what was written. Used by one writer thread.
     */
    static final class FailoverClient {
        private static final long GIVE_UP_NANOS = Duration.ofSeconds(60).toNanos();
        private final String namespace;
        private final List<KubernetesClient> clients;
        private int current;
        volatile int failovers;
        volatile int ambiguousResolved;

        FailoverClient(String namespace, List<KubernetesClient> clients) {
            this.namespace = namespace;
            this.clients = clients;
        }

        ConfigMap create(String name, int seq) {
            return write(name, seq, c -> c.configMaps().inNamespace(namespace)
                    .resource(configMap(name, seq, null)).create());
        }

        ConfigMap update(String name, int seq, long rv) {
            return write(name, seq, c -> c.configMaps().inNamespace(namespace)
                    .resource(configMap(name, seq, Long.toString(rv))).update());
        }

        private ConfigMap configMap(String name, int seq, String rv) {
            return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                    .withResourceVersion(rv).endMetadata().withData(Map.of("seq", Integer.toString(seq))).build();
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
                        ConfigMap now = c.configMaps().inNamespace(namespace).withName(name).get();
                        if (now != null && now.getData() != null
                                && Integer.toString(seq).equals(now.getData().get("seq"))) {
                            ambiguousResolved++;
                            return now;
                        }
                        throw e;
                    }
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    if (noAnswer(e)) {
                        // the server is gone or the connection broke: go on with the next server
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
                if (t instanceof IOException) {
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
    private static final class Writer {
        final int id;
        final FailoverClient client;
        final List<Ack> acks = new CopyOnWriteArrayList<>();
        volatile Throwable failure;
        volatile boolean stopped;
        Thread thread;

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
            }
        }
    }
}
