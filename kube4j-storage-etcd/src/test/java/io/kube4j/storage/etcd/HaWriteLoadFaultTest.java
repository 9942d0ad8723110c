package io.kube4j.storage.etcd;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kube4j.apiserver.server.ApiServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three etcd members, three in-process API servers on them, and writers creating and updating ConfigMaps
 * without pause while one API server stops and then the etcd leader is killed. Every write a client got an
 * answer for must be readable, exactly as acknowledged, through the surviving servers, and a watch opened at
 * the start on a survivor must have seen each acknowledged write once, in order. The API server stop is
 * {@link ApiServer#close()}: a clean stop that drops open connections, not a kill -9 of a process (the e2e
 * {@code WriteLoadFaultIT} does that).
 */
class HaWriteLoadFaultTest {
    private static final int SERVERS = 3;
    private static final int WRITERS = 3;
    private static final String NS = "default";

    @TempDir
    Path dirs;

    @Test
    @Timeout(180)
    void acknowledgedWritesSurviveAnApiServerStopAndAnEtcdLeaderKill() throws Exception {
        EtcdCluster etcd = EtcdCluster.start(3);
        List<ApiServer> servers = new ArrayList<>();
        List<AutoCloseable> closing = new ArrayList<>();
        WriteLoad load = null;
        try {
            EtcdOptions options = etcd.options(EtcdOptions.DEFAULT_PREFIX);
            for (int i = 0; i < SERVERS; i++) {
                servers.add(InProcessApiServers.start(dirs.resolve("s" + i), options));
            }
            ApiServer credentials = servers.get(0);
            KubernetesClient watchClient = InProcessApiServers.client(servers.get(2), credentials);
            closing.add(watchClient);
            ConfigMapReflector reflector = new ConfigMapReflector(watchClient, NS).start();
            closing.add(reflector);

            // writer w starts on server w and fails over to the next ones
            List<List<KubernetesClient>> clients = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                List<KubernetesClient> ordered = new ArrayList<>();
                for (int k = 0; k < SERVERS; k++) {
                    KubernetesClient c = InProcessApiServers.client(servers.get((w + k) % SERVERS), credentials);
                    closing.add(c);
                    ordered.add(c);
                }
                clients.add(ordered);
            }
            load = new WriteLoad(NS, clients);
            long t0 = System.nanoTime();
            load.start();

            Thread.sleep(3_000);
            long serverStoppedAt = System.nanoTime();
            servers.get(0).close();
            Thread.sleep(3_000);
            EtcdCluster.Member leader = etcd.leader();
            long etcdKilledAt = System.nanoTime();
            etcd.kill(leader);
            Thread.sleep(4_000);
            load.stop();
            long loadMillis = (System.nanoTime() - t0) / 1_000_000;

            assertThat(load.failure()).isNull();
            Map<String, List<Long>> acknowledged = load.acknowledged();
            for (List<Long> rvs : acknowledged.values()) {
                assertThat(rvs).isSorted().doesNotHaveDuplicates();
            }

            // every acknowledged write is readable through each survivor, exactly as last acknowledged
            int lost = 0;
            for (ApiServer survivor : servers.subList(1, SERVERS)) {
                try (KubernetesClient c = InProcessApiServers.client(survivor, credentials)) {
                    List<String> missing = load.lostOn(c);
                    assertThat(missing).as("on server port %d", survivor.port()).isEmpty();
                    lost += missing.size();
                    for (WriteLoad.Ack a : load.last().values().stream().limit(25).toList()) {
                        assertThat(WriteLoad.rv(c.configMaps().inNamespace(NS).withName(a.name()).get()))
                                .isEqualTo(a.rv());
                    }
                }
            }

            // the watch on a survivor saw each acknowledged write once, in order per object
            Map<String, Long> truth = new HashMap<>();
            load.last().values().forEach(a -> truth.put(a.name(), a.rv()));
            await().atMost(Duration.ofSeconds(20)).until(() -> reflector.state().equals(truth));
            List<String> missed = reflector.missed(acknowledged);
            assertThat(missed).isEmpty();
            assertThat(reflector.repeatedOrOutOfOrder()).isEmpty();

            // the writer whose server stopped went on through another one
            assertThat(load.failovers(0)).isGreaterThanOrEqualTo(1);
            assertThat(load.acksAfter(0, serverStoppedAt)).isPositive();

            System.out.printf("HA write load (in-process): writers=%d loadMillis=%d objects=%d acknowledged=%d "
                            + "lost=%d watchEvents=%d missed=%d lists=%d gone=%d failovers=%d ambiguousResolved=%d "
                            + "stallAfterServerStopMillis=%d stallAfterEtcdLeaderKillMillis=%d%n",
                    WRITERS, loadMillis, truth.size(), load.acks(), lost, reflector.events().size(), missed.size(),
                    reflector.listings().size(), reflector.gone(), load.failovers(), load.ambiguousResolved(),
                    load.longestStall(serverStoppedAt), load.longestStall(etcdKilledAt));
        } finally {
            if (load != null) {
                load.stop();
            }
            InProcessApiServers.closeAll(closing.toArray(AutoCloseable[]::new));
            InProcessApiServers.closeAll(servers.reversed().toArray(AutoCloseable[]::new));
            etcd.close();
        }
    }
}
