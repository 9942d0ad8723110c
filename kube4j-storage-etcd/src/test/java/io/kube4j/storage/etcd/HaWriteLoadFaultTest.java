package io.kube4j.storage.etcd;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kube4j.apiserver.server.ApiServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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

            List<KubernetesClient> survivors = new ArrayList<>();
            for (ApiServer survivor : servers.subList(1, SERVERS)) {
                survivors.add(InProcessApiServers.client(survivor, credentials));
            }
            WriteLoad.Outcome outcome;
            try {
                outcome = load.checkAfterFaults(survivors, reflector, serverStoppedAt, Duration.ofSeconds(20));
            } finally {
                survivors.forEach(KubernetesClient::close);
            }

            System.out.printf("HA write load (in-process): writers=%d loadMillis=%d objects=%d acknowledged=%d "
                            + "lost=%d watchEvents=%d missed=%d lists=%d gone=%d failovers=%d ambiguousResolved=%d "
                            + "stallAfterServerStopMillis=%d stallAfterEtcdLeaderKillMillis=%d%n",
                    WRITERS, loadMillis, load.last().size(), load.acks(), outcome.lost(), reflector.events().size(), outcome.missed(),
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
